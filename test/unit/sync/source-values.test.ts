import fc from 'fast-check';
import { sameSeats, sortedSeats } from '../../../src/sync/hubspot-user';
import { attributeUses, createGroupIndex, createViewMemo, resolveGroupEntries, type SourceView } from '../../../src/sync/source-values';
import { rules } from './fixtures';

describe('group entries found through the user\'s groups', () => {
  const ids = ['g1', 'g2', 'g3', 'g4', 'g5'];
  const groups = createGroupIndex(ids.map((id) => ({ id, name: `Group ${id}` })));
  const entryArb = fc.array(fc.record({ group: fc.constantFrom(...ids, 'Group g2', 'missing'), n: fc.nat(99) }), { maxLength: 8 });
  const userArb = fc.option(fc.subarray(ids), { nil: undefined });

  it('first and all give what scanning the listed entries in order gives', () => {
    fc.assert(
      fc.property(entryArb, userArb, (list, groupIds) => {
        const entries = resolveGroupEntries(list, groups, (e) => e.n);
        const isIn = (id: string | null) => id !== null && groupIds !== undefined && groupIds.includes(id);
        expect(entries.first(groupIds)).toBe(entries.entries.find((e) => isIn(e.id)));
        expect(entries.all(groupIds)).toEqual(entries.entries.filter((e) => isIn(e.id)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the view memo', () => {
  const uses = attributeUses(rules({ roles: { sources: [{ attribute: 'department' }, { appAttribute: 'role' }, 'title'] } }));

  it('decides each distinct view once, tells values of different types and unread profiles apart, and decides alone what it cannot key', () => {
    const memo = createViewMemo<number>(uses, 100);
    let decided = 0;
    const decide = () => ++decided;
    const views: SourceView[] = [
      { title: 'AE', profile: { department: 'Sales' }, appProfile: {}, groupIds: ['g1'] },
      { title: 'AE', profile: { department: 'Sales' }, appProfile: {}, groupIds: ['g1', 'g2'] },
      { title: 'AE', profile: { department: 'Sales' }, appProfile: {}, groupIds: [] },
      { title: 'AE', profile: { department: 'Sales' }, appProfile: {}, groupIds: undefined },
      { title: 'AE', profile: { department: 'Sales' }, appProfile: undefined, groupIds: [] },
      { title: 'AE', profile: { department: 1 }, appProfile: {}, groupIds: [] },
      { title: 'AE', profile: { department: '1' }, appProfile: {}, groupIds: [] },
      { title: 'AE', profile: { department: ['1'] }, appProfile: {}, groupIds: [] },
      { title: 'AE', profile: { department: ['1', '2'] }, appProfile: {}, groupIds: [] },
      { title: 'AE', profile: { department: null }, appProfile: {}, groupIds: [] },
      { title: null, profile: { department: null }, appProfile: {}, groupIds: [] },
    ];
    const first = views.map((v) => memo(v, decide));
    expect(first).toEqual(views.map((_, i) => i + 1));
    // The same values again (other objects): remembered.
    expect(views.map((v) => memo(structuredClone(v), decide))).toEqual(first);
    expect(decided).toBe(views.length);
    // An object cannot be keyed: decided each time.
    const odd: SourceView = { title: 'AE', profile: { department: { name: 'Sales' } }, appProfile: {}, groupIds: [] };
    expect(memo(odd, decide)).not.toBe(memo(odd, decide));
  });

  it('beyond its limit it still answers, deciding the new views each time', () => {
    const memo = createViewMemo<string>(uses, 2);
    let calls = 0;
    const decide = (v: SourceView) => {
      calls++;
      return String(v.title);
    };
    for (const title of ['a', 'b', 'c', 'a', 'b', 'c']) {
      expect(memo({ title, profile: {}, appProfile: {}, groupIds: [] }, decide)).toBe(title);
    }
    expect(calls).toBe(4);
  });
});

describe('seat and team lists', () => {
  const names = fc.array(fc.constantFrom('Core', 'Sales Hub', 'core', 'Service Hub', '3001', '30010'), { maxLength: 6 });

  it('sortedSeats sorts and drops repeats, always into a new list; sameSeats compares as sets', () => {
    fc.assert(
      fc.property(names, names, (a, b) => {
        const sorted = sortedSeats(a);
        expect(sorted).toEqual([...new Set(a)].sort());
        expect(sorted).not.toBe(a);
        expect(sameSeats(a, b)).toBe(new Set(a).size === new Set(b).size && a.every((x) => b.includes(x)));
      }),
      { numRuns: 500 },
    );
    expect(sortedSeats(undefined)).toEqual([]);
    expect(sameSeats(undefined, [])).toBe(true);
  });
});
