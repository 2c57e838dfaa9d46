import fc from 'fast-check';
import { filterPaths, matchesScimFilter, parseScimFilter, ScimFilterError, type ScimFilter } from '../../../../simulators/okta/scim-filter';

const event = {
  eventType: 'application.user_membership.add',
  actor: { id: '00uADMIN', type: 'User' },
  target: [
    { id: '0uaAPPUSER', type: 'AppUser' },
    { id: '0oaAPP', type: 'AppInstance' },
    { id: '00uUSER', type: 'User' },
  ],
  outcome: { result: 'SUCCESS' },
  profile: { title: null },
};

const matches = (filter: string, obj: unknown = event) => matchesScimFilter(parseScimFilter(filter), obj);

describe('parseScimFilter / matchesScimFilter', () => {
  test.each([
    ['eventType eq "application.user_membership.add"', true],
    ['eventType eq "APPLICATION.USER_MEMBERSHIP.ADD"', true],
    ['eventType eq "application.user_membership.remove"', false],
    ['eventType sw "application.user_membership"', true],
    ['eventType sw "user.lifecycle"', false],
    ['eventType ew ".add"', true],
    ['eventType co "membership"', true],
    ['eventType ne "x"', true],
    ['target.id eq "00uUSER"', true],
    ['target.id eq "00uOTHER"', false],
    ['actor.id eq "00uADMIN" and target.id eq "0oaAPP"', true],
    ['actor.id eq "00uNOPE" or target.id eq "0oaAPP"', true],
    ['actor.id eq "00uNOPE" or target.id eq "0oaNOPE"', false],
    ['eventType sw "user" or eventType sw "application" and actor.id eq "00uNOPE"', false],
    ['(eventType sw "user" or eventType sw "application") and actor.id eq "00uADMIN"', true],
    ['not (eventType sw "user")', true],
    ['outcome.result pr', true],
    ['outcome.reason pr', false],
    ['profile.title eq null', true],
    ['missing.path eq "x"', false],
  ])('%s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  test('"and" binds tighter than "or"', () => {
    expect(parseScimFilter('a eq "1" or b eq "2" and c eq "3"')).toMatchObject({ kind: 'or', right: { kind: 'and' } });
  });

  test('strings keep escaped quotes', () => {
    expect(matches('name eq "say \\"hi\\""', { name: 'say "hi"' })).toBe(true);
  });

  test('numbers and booleans compare by value', () => {
    expect(matches('n gt 3 and ok eq true', { n: 4, ok: true })).toBe(true);
    expect(matches('n le 3', { n: 4 })).toBe(false);
  });

  test.each(['', '   ', 'eventType', 'eventType eq', 'eventType eq "open', 'eventType like "x"', 'eventType eq "a" and', '(eventType eq "a"', 'eventType eq "a")', 'not eventType eq "a"', 'eventType eq "a" eventType eq "b"', 'eventType eq \'a\'', 'a. eq "x"'])(
    'refuses %j',
    (filter) => {
      expect(() => parseScimFilter(filter)).toThrow(ScimFilterError);
    },
  );

  test('lists the attributes a filter reads', () => {
    expect(filterPaths(parseScimFilter('eventType eq "a" and (target.id eq "b" or not (published pr))'))).toEqual(['eventType', 'target.id', 'published']);
  });
});

function print(f: ScimFilter): string {
  switch (f.kind) {
    case 'compare':
      return `${f.path.join('.')} ${f.op} ${typeof f.value === 'string' ? JSON.stringify(f.value) : String(f.value)}`;
    case 'present':
      return `${f.path.join('.')} pr`;
    case 'and':
    case 'or':
      return `(${print(f.left)} ${f.kind} ${print(f.right)})`;
    case 'not':
      return `not (${print(f.expr)})`;
  }
}

function strip(f: ScimFilter): unknown {
  return JSON.parse(JSON.stringify(f));
}

const leaf: fc.Arbitrary<ScimFilter> = fc.oneof(
  fc.record({
    kind: fc.constant('compare' as const),
    path: fc.array(fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,6}$/).filter((s) => !['and', 'or', 'not', 'pr', 'eq'].includes(s)), { minLength: 1, maxLength: 3 }),
    op: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'),
    value: fc.oneof(fc.string({ maxLength: 10 }), fc.integer({ min: 0, max: 1000 }), fc.boolean(), fc.constant(null)),
  }),
  fc.record({ kind: fc.constant('present' as const), path: fc.array(fc.stringMatching(/^[a-z][a-z]{0,5}$/).filter((s) => !['and', 'or', 'not', 'pr', 'eq'].includes(s)), { minLength: 1, maxLength: 2 }) }),
);
const { tree } = fc.letrec<{ tree: ScimFilter }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('tree'), right: tie('tree') }),
    fc.record({ kind: fc.constant('not' as const), expr: tie('tree') }),
  ),
}));

test('any filter printed with parentheses parses back to the same tree', () => {
  fc.assert(
    fc.property(tree, (f) => {
      expect(strip(parseScimFilter(print(f)))).toEqual(strip(f));
    }),
  );
});
