import Redis from 'ioredis';
import { createActionApplier } from '../../../src/apply/action-applier';
import { createState, type State } from '../../../src/state/state';
import { planSync } from '../../../src/sync/planner';
import type { OktaGroupRef } from '../../../src/sync/types';
import { startHubSpotRig, type HubSpotTestRig } from '../../helpers/hubspot-sim';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';
import { candidate, rules } from '../../unit/sync/fixtures';

let rig: HubSpotTestRig;
let redis: Redis;
let state: State;
const prefix = uniquePrefix('secondary-teams');

beforeAll(async () => {
  rig = await startHubSpotRig();
  redis = new Redis(testRedisUrl());
  state = createState(redis, prefix, { auditMaxEntries: 100, plansKept: 3 });
  await state.ledger.markComplete({ id: 'test', since: new Date().toISOString(), how: 'fresh' });
});

afterAll(async () => {
  await rig.stop();
  redis.disconnect();
  await removeKeys(prefix);
});

const GROUPS: OktaGroupRef[] = [
  { id: '00gSales', name: 'Sales' },
  { id: '00gMarketing', name: 'Marketing' },
];

// Teams by name: the demo account's "Sales" (3001) and "Marketing" (3002).
const teamRules = rules({
  teams: {
    primary: [{ groups: [{ group: 'Sales', team: 'Sales' }] }],
    secondary: [{ groups: [{ group: 'Sales', team: 'Sales' }, { group: 'Marketing', team: 'Marketing' }] }],
  },
});

/** Plans one user from what HubSpot and the ledger hold now (as a sync-user job does), and applies the plan. */
async function syncOne(groupIds: string[]) {
  const client = rig.client();
  const c = candidate('o-tess', { email: 'tess@acme.example', title: 'Sales Rep', groupIds });
  const [roles, teams, entry] = await Promise.all([client.listRoles(), client.listTeams(), state.ledger.get('o-tess')]);
  const linked = entry ? await client.getUser(entry.hubspotUserId) : null;
  const plan = planSync({
    mode: 'users',
    oktaUserIds: ['o-tess'],
    candidates: [c],
    hubspotUsers: linked ? [linked] : [],
    roles,
    seats: null,
    teams,
    oktaGroups: GROUPS,
    ledger: entry ? [entry] : [],
    rules: teamRules,
    now: new Date().toISOString(),
  });
  const applier = createActionApplier({ hubspot: client, state, rules: teamRules });
  await applier.apply(plan.actions, { jobId: null, countDeletions: false, entryBefore: entry });
  return plan;
}

describe('secondary teams, through the real SDK against the HubSpot simulator', () => {
  it('creates a user with the primary team and the secondary teams of every group they are in', async () => {
    const plan = await syncOne(['00gSales', '00gMarketing']);
    expect(plan.actions[0]?.reason).toContain('primary team "Sales" from group Sales; secondary teams "Marketing" from group Marketing');
    const user = rig.sim.admin.user('tess@acme.example');
    expect(user).toMatchObject({ primaryTeamId: '3001', secondaryTeamIds: ['3002'] });
    expect((await state.ledger.get('o-tess'))?.lastApplied).toMatchObject({ primaryTeamId: '3001', secondaryTeamIds: ['3002'] });
    const marketing = (await rig.client().listTeams()).find((t) => t.id === '3002');
    expect(marketing?.secondaryUserIds).toContain(user?.id);
  });

  it('is in sync on the next plan, and removes the secondary team when the user leaves the group', async () => {
    expect((await syncOne(['00gSales', '00gMarketing'])).actions).toEqual([]);
    const before = rig.sim.writesTo('tess@acme.example').length;
    const plan = await syncOne(['00gSales']);
    expect(plan.actions[0]?.changes).toEqual([{ field: 'secondaryTeamIds', before: ['3002'], after: [] }]);
    expect(rig.sim.admin.user('tess@acme.example')).toMatchObject({ primaryTeamId: '3001', secondaryTeamIds: [] });
    expect(rig.sim.writesTo('tess@acme.example').slice(before).map((w) => w.method)).toEqual(['PUT']);
  });

  it('puts back a secondary team added by hand in HubSpot (drift)', async () => {
    rig.sim.admin.updateUser('tess@acme.example', { secondaryTeamIds: ['3002'] });
    const plan = await syncOne(['00gSales']);
    expect(plan.actions[0]).toMatchObject({ kind: 'update', code: 'drift', drift: true });
    expect(rig.sim.admin.user('tess@acme.example')?.secondaryTeamIds).toEqual([]);
  });
});
