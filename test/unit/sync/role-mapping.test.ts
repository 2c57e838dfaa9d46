import { createRoleMapper, roleForTitle } from '../../../src/sync/role-mapping';
import { planSync } from '../../../src/sync/planner';
import type { HubSpotRole } from '../../../src/sync/types';
import { candidate, planInput, rules, type RulesInput } from './fixtures';

const roles: HubSpotRole[] = [
  { id: '1', name: 'Sales Rep', requiresBillingWrite: true },
  { id: '2', name: 'sales rep', requiresBillingWrite: false },
  { id: '3', name: 'Marketing  Viewer', requiresBillingWrite: false },
  { id: '4', name: 'Account Executive', requiresBillingWrite: true },
  { id: '5', name: 'Support', requiresBillingWrite: false },
  { id: '6', name: 'Service Agent', requiresBillingWrite: true },
  { id: '7', name: 'Service agent', requiresBillingWrite: true },
];

const roleRules = (r: RulesInput['roles'] = {}) => rules({ roles: r }).roles;

describe('roleForTitle', () => {
  it.each<[string, string | null, string | null, string]>([
    ['exact name', 'Sales Rep', '1', 'exact'],
    ['exact wins over loose (other case)', 'sales rep', '2', 'exact'],
    ['surrounding spaces trimmed, still exact', '  Sales Rep  ', '1', 'exact'],
    ['loose: case and inner spaces', 'marketing viewer', '3', 'loose'],
    ['loose: tabs and newlines are whitespace to collapse', 'Marketing\tViewer', '3', 'loose'],
    ['two roles loosely equal, no exact → ambiguous', 'SALES REP', null, 'ambiguous'],
    ['ambiguous pair again', 'service AGENT', null, 'ambiguous'],
    ['no match', 'Chief Happiness Officer', null, 'unmapped'],
    ['no title', null, null, 'unmapped'],
    ['blank title', '   ', null, 'unmapped'],
  ])('%s: %p → role %p (%s)', (_label, title, roleId, kind) => {
    const match = roleForTitle(title, roles, roleRules());
    expect(match.role?.id ?? null).toBe(roleId);
    expect(match.kind).toBe(kind);
  });

  it.each<[string, RulesInput['roles'], string, string | null, string]>([
    ['alias (loose on the title) before name match', { aliases: { 'sales rep': 'Account Executive' } }, 'SALES  REP', '4', 'alias'],
    ['alias exact key wins over a loose one', { aliases: { AE: 'Account Executive', ae: 'Support' } }, 'ae', '5', 'alias'],
    ['alias target matched loosely', { aliases: { AE: 'account executive' } }, 'AE', '4', 'alias'],
    ['name match before patterns', { patterns: [{ pattern: '.*', role: 'Support' }] }, 'Account Executive', '4', 'exact'],
    ['first matching pattern wins', { patterns: [{ pattern: '^acc', role: 'Account Executive' }, { pattern: 'acc', role: 'Support' }] }, 'Accounting Lead', '4', 'pattern'],
    ['patterns are case-insensitive', { patterns: [{ pattern: 'SUPPORT', role: 'Support' }] }, 'support engineer', '5', 'pattern'],
    ['fallback when nothing matches', { fallbackRole: 'Support' }, 'Poet', '5', 'fallback'],
    ['fallback for no title', { fallbackRole: 'Support' }, '', '5', 'fallback'],
    ['alias to a role HubSpot lacks → no role', { aliases: { AE: 'Account Exec' } }, 'AE', null, 'missing-role'],
    ['pattern to a role HubSpot lacks → no role', { patterns: [{ pattern: 'x', role: 'Nope' }] }, 'xyz', null, 'missing-role'],
    ['fallback to a role HubSpot lacks → no role', { fallbackRole: 'Nope' }, 'Poet', null, 'missing-role'],
    ['alias to an ambiguous role name → no role', { aliases: { SR: 'SALES REP' } }, 'SR', null, 'ambiguous'],
    ['an invalid pattern is skipped, the next one used', { patterns: [{ pattern: '(', role: 'Support' }, { pattern: 'poet', role: 'Account Executive' }] }, 'Poet', '4', 'pattern'],
  ])('%s', (_label, r, title, roleId, kind) => {
    const match = roleForTitle(title, roles, roleRules(r));
    expect(match.role?.id ?? null).toBe(roleId);
    expect(match.kind).toBe(kind);
  });

  it('reports rules that cannot work against the account, without throwing', () => {
    const mapper = createRoleMapper(roles, roleRules({ aliases: { AE: 'Account Exec' }, patterns: [{ pattern: '[', role: 'Support' }], fallbackRole: 'Ghost' }));
    expect(mapper.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('roles.aliases "AE" names role "Account Exec", which does not exist in HubSpot'),
        expect.stringContaining('roles.patterns[0] /[/ is not a valid regular expression'),
        expect.stringContaining('roles.fallbackRole names role "Ghost", which does not exist in HubSpot'),
        expect.stringContaining('"Sales Rep" (1) and "sales rep" (2) differ only by case or spacing'),
      ]),
    );
  });
});

describe('roles in the plan', () => {
  it('provisions an ambiguous Title without a role and reports it', () => {
    const plan = planSync(planInput({ roles, candidates: [candidate('a', { title: 'SALES REP' })] }));
    expect(plan.actions.map((a) => [a.kind, a.code])).toEqual([
      ['create', 'new-assignment'],
      ['skip', 'ambiguous-role'],
    ]);
    expect(plan.actions[0]?.desired?.roleId).toBeNull();
    expect(plan.actions[1]?.reason).toContain('matches "Sales Rep" (1) and "sales rep" (2)');
  });

  it('groups unmapped Titles (loosely) with their users, and counts them', () => {
    const plan = planSync(
      planInput({
        roles,
        candidates: [candidate('a', { title: 'Poet' }), candidate('b', { title: 'poet ' }), candidate('c', { title: null }), candidate('d', { title: 'Support' })],
      }),
    );
    expect(plan.unmappedTitles).toEqual([
      { title: 'Poet', users: [expect.objectContaining({ oktaUserId: 'a' }), expect.objectContaining({ oktaUserId: 'b' })] },
      { title: '(no title)', users: [expect.objectContaining({ oktaUserId: 'c' })] },
    ]);
    expect(plan.summary.unmapped).toBe(3);
  });

  it('puts a missing alias target in the warnings and the user among unmapped titles', () => {
    const plan = planSync(planInput({ roles, rules: rules({ roles: { aliases: { AE: 'Account Exec' } } }), candidates: [candidate('a', { title: 'AE' })] }));
    expect(plan.warnings).toEqual(expect.arrayContaining([expect.stringContaining('"Account Exec", which does not exist')]));
    expect(plan.unmappedTitles).toEqual([{ title: 'AE', users: [expect.objectContaining({ oktaUserId: 'a' })] }]);
    expect(plan.actions[0]?.kind).toBe('create');
  });
});
