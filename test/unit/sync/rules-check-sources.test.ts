import { RulesSchema } from '../../../config/rules-schema';
import { checkRuleNames, countByKind } from '../../../src/sync/rules-check';
import type { HubSpotRole, HubSpotTeam } from '../../../src/sync/types';
import { candidate } from './fixtures';

const roles: HubSpotRole[] = [
  { id: '1', name: 'Sales Rep', requiresBillingWrite: true },
  { id: '2', name: 'Sales Manager', requiresBillingWrite: true },
];
const teams: HubSpotTeam[] = [
  { id: '3001', name: 'EMEA', userIds: [], secondaryUserIds: [] },
  { id: '3002', name: 'Americas', userIds: [], secondaryUserIds: [] },
];

describe('checkRuleNames and the rules\' sources', () => {
  const rules = RulesSchema.parse({
    roles: { sources: [{ groups: [{ group: 'Sales-EMEA', role: 'Sales Managr' }, { group: '00gUs', role: 'Sales Rep' }] }, { appAttribute: 'role' }, { attribute: 'department' }, 'title'] },
    seats: { mode: 'named', sources: [{ groups: [{ group: 'Sales-EMEA', seats: ['Sales Hub', 'Platinum'] }] }, 'role'] },
    teams: { primary: [{ groups: [{ group: 'Sales-EMEA', team: 'EMEA' }] }], secondary: [{ groups: [{ group: 'Sales-US', team: 'Amercas' }] }], byGroup: { '00gUs': '3009' } },
  });

  it('reports roles and seats a groups source names that HubSpot lacks, with a "did you mean"', () => {
    const check = checkRuleNames(rules, roles, [{ name: 'Sales Hub' }]);
    expect(check.unknown.map((u) => [u.kind, u.where, u.name, u.suggestion])).toEqual([
      ['role', 'roles.sources[0] group "Sales-EMEA"', 'Sales Managr', 'Sales Manager'],
      ['seat', 'seats.sources[0] group "Sales-EMEA"', 'Platinum', null],
    ]);
  });

  it('given HubSpot\'s teams, reports the teams the rules name that it lacks, listing the teams it has', () => {
    const check = checkRuleNames(rules, roles, [{ name: 'Sales Hub' }, { name: 'Platinum' }], { teams });
    const team = check.unknown.filter((u) => u.kind === 'team');
    expect(team.map((u) => [u.where, u.name, u.suggestion])).toEqual([
      ['teams.secondary[0] group "Sales-US"', 'Amercas', 'Americas'],
      ['teams.byGroup "00gUs"', '3009', null],
    ]);
    expect(team[0]?.message).toBe('teams.secondary[0] group "Sales-US" names team "Amercas", which HubSpot does not have: its members get no team from it. Did you mean "Americas"? HubSpot\'s teams: "Americas", "EMEA".');
    expect(check.teams).toEqual(['Americas', 'EMEA']);
  });

  it('given the rule groups as found in Okta, reports groups Okta lacks (by name or id)', () => {
    const check = checkRuleNames(rules, roles, null, { oktaGroups: [{ id: '00gEmea', name: 'sales-emea' }, { id: '00gUs', name: 'Sales-US' }] });
    expect(check.unknown.filter((u) => u.kind === 'group')).toEqual([]);
    const missing = checkRuleNames(rules, roles, null, { oktaGroups: [{ id: '00gEmea', name: 'Sales-EMEA' }] });
    expect(missing.unknown.filter((u) => u.kind === 'group').map((u) => u.name)).toEqual(['00gUs', 'Sales-US']);
    expect(missing.unknown.find((u) => u.name === 'Sales-US')?.message).toBe('teams.secondary[0] names group "Sales-US", which Okta does not have: it matches nobody. The rule groups Okta has: "Sales-EMEA".');
    expect(countByKind(missing.unknown)).toEqual({ role: 1, seat: 0, group: 2 });
  });

  it('given every assigned user, reports attributes none of them has, once profiles were read', () => {
    const users = [candidate('a', { profile: { department: 'Sales', division: 'x' }, appProfile: { team: 'EMEA' } }), candidate('b', { profile: { department: '' }, appProfile: null })];
    const check = checkRuleNames(rules, roles, null, { candidates: users });
    expect(check.unknown.filter((u) => u.kind === 'attribute').map((u) => [u.where, u.name, u.message])).toEqual([
      ['role source app attribute role', 'role', 'role source app attribute role names attribute "role", which no assigned user has: this source gives no role. Attributes the assigned users have: "team".'],
    ]);
    // Profiles not read (no candidate carries one): nothing can be said.
    expect(checkRuleNames(rules, roles, null, { candidates: [candidate('c')] }).unknown.filter((u) => u.kind === 'attribute')).toEqual([]);
  });
});
