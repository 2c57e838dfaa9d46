import { censusOfSources, renderCensus } from '../../../src/sync/source-census';
import type { HubSpotTeam } from '../../../src/sync/types';
import { candidate, ROLES, rules } from './fixtures';

const TEAMS: HubSpotTeam[] = [{ id: '3001', name: 'EMEA', userIds: [], secondaryUserIds: [] }];

describe('censusOfSources (doctor)', () => {
  it('lists per source the values found among the users, how many have each, and what each gives', () => {
    const r = rules({
      roles: { sources: [{ appAttribute: 'role' }, { groups: [{ group: 'Sales', role: 'Sales Manager' }, { group: 'Ops', role: 'Operator' }] }, 'title'], aliases: { sales: 'Sales Rep' } },
      teams: { primary: [{ attribute: 'region' }] },
    });
    const users = [
      ...Array.from({ length: 4 }, (_, i) => candidate(`s${i}`, { appProfile: { role: 'sales' }, groupIds: ['00gSales'], profile: { region: 'emea' } })),
      candidate('o1', { appProfile: { role: 'ops' }, groupIds: ['00gOps'], profile: { region: 'Mars' } }),
      candidate('o2', { appProfile: { role: 'Ops ' }, profile: {} }),
      candidate('n1', { appProfile: {} }),
    ];
    const census = censusOfSources(r, users, { roles: ROLES, seats: null, teams: TEAMS, oktaGroups: [{ id: '00gSales', name: 'Sales' }, { id: '00gOps', name: 'Ops' }] });
    expect(census.map(renderCensus)).toEqual([
      'roles from app attribute role: "sales" 4 → Sales Rep, "ops" 2 → no role; 1 users with none',
      'roles from groups: group Sales 4 → Sales Manager, group Ops 1 → no role; 2 users with none',
      'primary team from attribute region: "emea" 4 → EMEA, "Mars" 1 → no team; 2 users with none',
    ]);
  });

  it('has nothing to say for the default rules (the Title is reported by Title)', () => {
    expect(censusOfSources(rules(), [candidate('a')], { roles: ROLES, seats: null })).toEqual([]);
  });

  it('counts each name of a list (seats in named mode) and the groups of teams.byGroup', () => {
    const r = rules({ seats: { mode: 'named', sources: [{ attribute: 'seats' }, 'role'] }, teams: { byGroup: { '00gSales': '3001' } } });
    const users = [candidate('a', { profile: { seats: 'Core, Sales Hub' }, groupIds: ['00gSales'] }), candidate('b', { profile: { seats: ['core', 'Gold'] } })];
    const census = censusOfSources(r, users, { roles: ROLES, seats: [{ name: 'Core' }, { name: 'Sales Hub' }], teams: TEAMS });
    expect(census.map(renderCensus)).toEqual([
      'seats from attribute seats: "Core" 2 → Core, "Gold" 1 → no seat, "Sales Hub" 1 → Sales Hub',
      'primary team from groups: group 00gSales 1 → EMEA; 1 users with none',
    ]);
  });
});
