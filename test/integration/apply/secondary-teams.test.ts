import { createActionApplier } from '../../../src/apply/action-applier';
import { planSync } from '../../../src/sync/planner';
import type { OktaGroupRef } from '../../../src/sync/types';
import { useApplierRig } from '../../helpers/applier-rig';
import { candidate, rules } from '../../unit/sync/fixtures';

const t = useApplierRig('secondary-teams');

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
  const client = t.rig.client();
  const c = candidate('o-tess', { email: 'tess@acme.example', title: 'Sales Rep', groupIds });
  const [roles, teams, entry] = await Promise.all([client.listRoles(), client.listTeams(), t.state.ledger.get('o-tess')]);
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
  const applier = createActionApplier({ hubspot: client, state: t.state, rules: teamRules });
  await applier.apply(plan.actions, { jobId: null, countDeletions: false, entryBefore: entry });
  return plan;
}

describe('secondary teams, through the real SDK against the HubSpot simulator', () => {
  it('creates a user with the primary team and the secondary teams of every group they are in', async () => {
    const plan = await syncOne(['00gSales', '00gMarketing']);
    expect(plan.actions[0]?.reason).toContain('primary team "Sales" from group Sales; secondary teams "Marketing" from group Marketing');
    const user = t.rig.sim.admin.user('tess@acme.example');
    expect(user).toMatchObject({ primaryTeamId: '3001', secondaryTeamIds: ['3002'] });
    expect((await t.state.ledger.get('o-tess'))?.lastApplied).toMatchObject({ primaryTeamId: '3001', secondaryTeamIds: ['3002'] });
    const marketing = (await t.rig.client().listTeams()).find((t) => t.id === '3002');
    expect(marketing?.secondaryUserIds).toContain(user?.id);
  });

  it('is in sync on the next plan, and removes the secondary team when the user leaves the group', async () => {
    expect((await syncOne(['00gSales', '00gMarketing'])).actions).toEqual([]);
    const before = t.rig.sim.writesTo('tess@acme.example').length;
    const plan = await syncOne(['00gSales']);
    expect(plan.actions[0]?.changes).toEqual([{ field: 'secondaryTeamIds', before: ['3002'], after: [] }]);
    expect(t.rig.sim.admin.user('tess@acme.example')).toMatchObject({ primaryTeamId: '3001', secondaryTeamIds: [] });
    expect(t.rig.sim.writesTo('tess@acme.example').slice(before).map((w) => w.method)).toEqual(['PUT']);
  });

  it('puts back a secondary team added by hand in HubSpot (drift)', async () => {
    t.rig.sim.admin.updateUser('tess@acme.example', { secondaryTeamIds: ['3002'] });
    const plan = await syncOne(['00gSales']);
    expect(plan.actions[0]).toMatchObject({ kind: 'update', code: 'drift', drift: true });
    expect(t.rig.sim.admin.user('tess@acme.example')?.secondaryTeamIds).toEqual([]);
  });
});
