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

  it('makes one entry per distinct view, tells values of different types and unread profiles apart, and a fresh one for what it cannot key', () => {
    let made = 0;
    const memo = createViewMemo(uses, 100, (_view, remembered) => ({ n: ++made, remembered }));
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
    const first = views.map((v) => memo(v));
    expect(first.map((e) => e.n)).toEqual(views.map((_, i) => i + 1));
    expect(first.every((e) => e.remembered)).toBe(true);
    // The same values again (other objects): the same entries.
    views.forEach((v, i) => expect(memo(structuredClone(v))).toBe(first[i]));
    expect(made).toBe(views.length);
    // An object cannot be keyed: a fresh entry each time, not remembered.
    const odd: SourceView = { title: 'AE', profile: { department: { name: 'Sales' } }, appProfile: {}, groupIds: [] };
    const a = memo(odd);
    expect(a).not.toBe(memo(odd));
    expect(a.remembered).toBe(false);
  });

  it('beyond its limit it makes a fresh entry for each new view', () => {
    let made = 0;
    const memo = createViewMemo(uses, 2, (v, remembered) => ({ title: v.title, remembered, n: ++made }));
    const got = ['a', 'b', 'c', 'a', 'b', 'c'].map((title) => memo({ title, profile: {}, appProfile: {}, groupIds: [] }));
    expect(got.map((e) => e.title)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(got.map((e) => e.remembered)).toEqual([true, true, false, true, true, false]);
    expect(made).toBe(4);
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
