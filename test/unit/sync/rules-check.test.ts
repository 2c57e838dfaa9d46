import { RulesSchema } from '../../../config/rules-schema';
import { checkRuleNames, closestName, countByKind } from '../../../src/sync/rules-check';
import type { HubSpotRole } from '../../../src/sync/types';

const roles: HubSpotRole[] = [
  { id: '1', name: 'Sales Rep', requiresBillingWrite: true },
  { id: '2', name: 'Sales Manager', requiresBillingWrite: true },
  { id: '3', name: 'Viewer', requiresBillingWrite: false },
];

describe('checkRuleNames', () => {
  it('finds every role name the rules give that HubSpot lacks, with a "did you mean" and the roles HubSpot has', () => {
    const rules = RulesSchema.parse({
      roles: {
        aliases: { 'Account Executive': 'Sales Representative', AE: 'sales  rep' },
        patterns: [{ pattern: '^VP', role: 'Executive' }],
        fallbackRole: 'Viewr',
      },
      seats: { budget: { 'Sales Managr': 3, 'Sales Rep': 10 }, byRole: { 'Sales Manger': ['core'] } },
    });
    const check = checkRuleNames(rules, roles, null);
    expect(check.unknown.map((u) => [u.where, u.name, u.suggestion])).toEqual([
      ['roles.aliases "Account Executive"', 'Sales Representative', 'Sales Rep'],
      ['roles.patterns[0] /^VP/', 'Executive', null],
      ['roles.fallbackRole', 'Viewr', 'Viewer'],
      ['seats.byRole', 'Sales Manger', 'Sales Manager'],
      ['seats.budget', 'Sales Managr', 'Sales Manager'],
    ]);
    expect(check.unknown[0]?.message).toBe(
      'roles.aliases "Account Executive" names role "Sales Representative", which HubSpot does not have: users with that Title get no role. Did you mean "Sales Rep"? HubSpot\'s roles: "Sales Manager", "Sales Rep", "Viewer".',
    );
    expect(countByKind(check.unknown)).toEqual({ role: 5, seat: 0 });
    // Reported once, in detail, not again among the other problems.
    expect(check.otherProblems).toEqual([]);
  });

  it('in named mode checks seat names in byRole, byTitle and the budget against HubSpot\'s seats', () => {
    const rules = RulesSchema.parse({
      seats: { mode: 'named', byRole: { 'Sales Rep': ['Sales Hub Pro'] }, byTitle: { CTO: ['core', 'Servce Hub'] }, budget: { Core: 5, 'Sales Hub': 2 } },
    });
    const check = checkRuleNames(rules, roles, [{ name: 'core' }, { name: 'Sales Hub' }, { name: 'Service Hub' }]);
    expect(check.unknown.map((u) => [u.kind, u.where, u.name, u.suggestion])).toEqual([
      ['seat', 'seats.byRole "Sales Rep"', 'Sales Hub Pro', 'Sales Hub'],
      ['seat', 'seats.byTitle "CTO"', 'Servce Hub', 'Service Hub'],
    ]);
    expect(check.unknown[0]?.message).toContain(`HubSpot's seats: "core", "Sales Hub", "Service Hub"`);
    expect(countByKind(check.unknown)).toEqual({ role: 0, seat: 2 });
  });

  it('reports nothing for rules that only name what HubSpot has, and keeps the problems that are not about names', () => {
    const ok = RulesSchema.parse({ roles: { aliases: { AE: 'sales rep' }, fallbackRole: 'Viewer' }, seats: { budget: { 'Sales Rep': 4 } } });
    expect(checkRuleNames(ok, roles, null)).toMatchObject({ unknown: [], otherProblems: [] });
    const other = RulesSchema.parse({ roles: { patterns: [{ pattern: '([', role: 'Viewer' }] }, seats: { budget: { Viewer: 1 } } });
    const check = checkRuleNames(other, roles, null);
    expect(check.unknown).toEqual([]);
    expect(check.otherProblems).toEqual([expect.stringContaining('has no paid seat'), expect.stringContaining('not a valid regular expression')]);
  });

  it('suggests only a close name, and none when two are equally close', () => {
    expect(closestName('Sales Managr', ['Sales Manager', 'Marketing'])).toBe('Sales Manager');
    expect(closestName('Executive', ['Sales Manager', 'Viewer'])).toBeNull();
    expect(closestName('Rep A', ['Rep B', 'Rep C'])).toBeNull();
  });
});
