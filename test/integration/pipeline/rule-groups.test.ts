import type { Daemon } from '../../../src/daemon/daemon';
import type { OktaClientApi } from '../../../src/okta/okta-types';
import type { OktaCandidate } from '../../../src/sync/types';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

/**
 * Rules that read groups, app profiles and profile attributes get their Okta data end to end,
 * through the real SDK against the simulated Okta, cheaply: a reconciliation reads each rule
 * group's members once (no user's groups, no assignment per user), a per-user sync reads the
 * user's groups in one request, rules naming no group make no group request, and the events that
 * change a user's groups or app profile (a rule group not assigned to the app included; a group
 * assignment's profile or priority) lead to a sync of the users concerned. What reaches the
 * planner is asserted on: the candidates' `groupIds`, `appProfile` and `profile`, and the input's
 * `oktaGroups`.
 */

const DOMAIN = 'acme.example';
const MEMBERS = 'GET /api/v1/groups/{groupId}/users';
const USER_GROUPS = 'GET /api/v1/users/{userId}/groups';
const APP_USER = 'GET /api/v1/apps/{appId}/users/{userId}';

const GROUP_RULES = {
  roles: {
    sources: [{ appAttribute: 'hubspotRole' }, { groups: [{ group: 'Role-Admins', role: 'Admin' }, { group: 'Sales', role: 'Sales Rep' }] }, { attribute: 'hubspotRole' }, 'title'],
  },
  teams: { secondary: [{ groups: [{ group: 'Engineering', team: 'Sales' }] }] },
};

/** What the daemon's sync-user jobs read from Okta, per user. */
interface Reads {
  candidates: Array<{ id: string; candidate: OktaCandidate | null }>;
  userGroups: Array<{ id: string; groupIds: string[] }>;
}

/** The real Okta client, recording what it answered to the daemon's candidate and group reads. */
function recording(okta: OktaClientApi, reads: Reads): OktaClientApi {
  return {
    ...okta,
    getCandidate: async (id, opts) => {
      const candidate = await okta.getCandidate(id, opts);
      reads.candidates.push({ id, candidate });
      return candidate;
    },
    listUserGroupIds: async (id) => {
      const groupIds = await okta.listUserGroupIds(id);
      reads.userGroups.push({ id, groupIds });
      return groupIds;
    },
  };
}

/**
 * The poller has a System Log cursor (changes made from now on are polled; earlier ones only a
 * reconciliation sees) and nothing is queued or running: the reconciliations at start and the one
 * a first poll asks for are done.
 */
async function idle(daemon: Daemon): Promise<void> {
  await eventually(async () => (await daemon.state.cursor.get()) !== null, 'the first System Log poll');
  await eventually(async () => {
    for (const name of ['reconcile', 'reconcile-summary', 'sync-user'] as const) {
      const c = await daemon.queues.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(c).some((n) => n > 0)) {
        return false;
      }
    }
    return (await daemon.state.plans.latest())?.status === 'done';
  }, 'the queues idle');
}

function groupId(rig: PipelineRig, name: string): string {
  const g = rig.okta.sim.admin.listGroups().find((x) => x.name === name);
  if (!g) {
    throw new Error(`no group ${name}`);
  }
  return g.id;
}

function userId(rig: PipelineRig, login: string): string {
  const u = rig.okta.sim.admin.getUser(login);
  if (!u) {
    throw new Error(`no user ${login}`);
  }
  return u.id;
}

/** The HubSpot role id of a user, as HubSpot has it now. */
function hubspotRole(rig: PipelineRig, email: string): string | undefined {
  return rig.hubspot.sim.admin.user(email)?.roleIds?.[0];
}
/** Demo company roles (simulators/seeds/demo-company.ts). */
const ROLE = { salesManager: '2001', salesRep: '2002', serviceAgent: '2005', admin: '2007' };

describe('rules that name groups and read app profiles', () => {
  let rig: PipelineRig;
  let daemon: Daemon;
  const reads: Reads = { candidates: [], userGroups: [] };

  beforeAll(async () => {
    rig = await startPipelineRig({ rules: GROUP_RULES });
    const a = rig.okta.sim.admin;
    // Two more assigning groups with group-scoped app attributes (EMEA has the better priority),
    // and a rule group that is not assigned to the app.
    a.createGroup({ name: 'Sales-EMEA', assignToApp: true, appProfile: { hubspotRole: 'Sales Rep' } });
    a.createGroup({ name: 'Sales-Leads', assignToApp: true, appProfile: { hubspotRole: 'Sales Manager' } });
    a.createGroup({ name: 'Role-Admins' });
    a.createUser({ login: `two.groups@${DOMAIN}`, firstName: 'Two', lastName: 'Groups', title: 'Rep', groups: ['Sales-EMEA', 'Sales-Leads', 'Engineering'] });
    a.createUser({ login: `direct.one@${DOMAIN}`, firstName: 'Direct', lastName: 'One', title: 'Rep', assign: true, appProfile: { hubspotRole: 'Marketing Manager' }, profile: { hubspotRole: 'Support Viewer' } });
    a.createUser({ login: `plain.rep@${DOMAIN}`, firstName: 'Plain', lastName: 'Rep', title: 'Sales Rep', assign: true });
    daemon = rig.daemon({ roles: { poller: true, scheduler: true, workers: true }, clients: { okta: recording(rig.okta.client(), reads) } });
    await daemon.start();
    await eventually(async () => (await daemon.state.plans.latest())?.status === 'done', 'the first reconciliation');
    await idle(daemon);
  });

  afterAll(async () => {
    await rig.stop();
  });

  test("a reconciliation reads each rule group's members once and asks for no user's groups or assignment", async () => {
    // The first reconciliation created everyone, one job per user: none asked Okta again.
    expect(rig.hubspot.sim.admin.user(`two.groups@${DOMAIN}`)).not.toBeNull();
    expect(rig.okta.sim.requestCounts()[USER_GROUPS] ?? 0).toBe(0);
    expect(rig.okta.sim.requestCounts()[APP_USER] ?? 0).toBe(0);
    expect(reads.userGroups).toEqual([]);
    // Hand edits in HubSpot give the next one jobs to fan out, group members among them.
    for (const email of [`two.groups@${DOMAIN}`, `direct.one@${DOMAIN}`, `edsger.dijkstra@${DOMAIN}`]) {
      rig.hubspot.sim.admin.updateUser(email, { firstName: 'Edited' });
    }
    rig.okta.sim.clearRequests();
    const record = await daemon.jobs.reconcileNow('manual');
    expect(record.status).toBe('done');
    expect(record.jobs).toBe(3);
    const counts = rig.okta.sim.requestCounts();
    // Role-Admins, Sales and Engineering: one page of members each.
    expect(counts[MEMBERS]).toBe(3);
    expect(counts['GET /api/v1/groups']).toBe(1);
    expect(counts[USER_GROUPS] ?? 0).toBe(0);
    expect(counts[APP_USER] ?? 0).toBe(0);
    expect(reads.userGroups).toEqual([]);
  });

  test('what reaches the planner of a reconciliation: the rule groups found, each candidate\'s groups and profiles', async () => {
    const input = await daemon.reconciler.readInput();
    expect(input.oktaGroups).toEqual([
      { id: groupId(rig, 'Role-Admins'), name: 'Role-Admins' },
      { id: groupId(rig, 'Sales'), name: 'Sales' },
      { id: groupId(rig, 'Engineering'), name: 'Engineering' },
    ]);
    const byLogin = new Map(input.candidates.map((c) => [c.login, c]));
    const two = byLogin.get(`two.groups@${DOMAIN}`);
    expect(two?.groupIds).toEqual([groupId(rig, 'Engineering')]);
    // Two assigning groups: the better priority (Sales-EMEA) gives the app attribute.
    expect(two?.appProfile).toMatchObject({ hubspotRole: 'Sales Rep' });
    const direct = byLogin.get(`direct.one@${DOMAIN}`);
    expect(direct?.appProfile).toMatchObject({ hubspotRole: 'Marketing Manager' });
    expect(direct?.profile).toMatchObject({ hubspotRole: 'Support Viewer' });
    expect(direct?.groupIds).toEqual([]);
    const salesMember = rig.okta.sim.admin.listAssigned().find((u) => u.groupIds.includes(groupId(rig, 'Sales')));
    expect(input.candidates.find((c) => c.oktaUserId === salesMember?.id)?.groupIds).toContain(groupId(rig, 'Sales'));
    // Every candidate was read for groups: none is left undefined.
    expect(input.candidates.every((c) => Array.isArray(c.groupIds))).toBe(true);
  });

  test("a per-user sync reads the user's groups in one request and plans with the rule groups", async () => {
    const id = userId(rig, `two.groups@${DOMAIN}`);
    rig.okta.sim.clearRequests();
    const read = await daemon.syncUser.readUserInput(id, { countRecentDeletions: false, emailLookup: 'auto' });
    expect(read.input.candidates[0]?.groupIds).toEqual([groupId(rig, 'Engineering')]);
    expect(read.input.candidates[0]?.appProfile).toMatchObject({ hubspotRole: 'Sales Rep' });
    expect(read.input.oktaGroups?.map((g) => g.name)).toEqual(['Role-Admins', 'Sales', 'Engineering']);
    expect(rig.okta.sim.requestCounts()[USER_GROUPS]).toBe(1);
    // The resolution is cached: no group search for a single user's sync.
    expect(rig.okta.sim.requestCounts()['GET /api/v1/groups'] ?? 0).toBe(0);
  });

  test('joining a rule group that is not assigned to the app leads to a sync of that user, which sees the group', async () => {
    const id = userId(rig, `plain.rep@${DOMAIN}`);
    reads.userGroups.length = 0;
    rig.okta.sim.admin.addToGroup(id, 'Role-Admins');
    const seen = await eventually(() => reads.userGroups.find((r) => r.id === id), "the user's sync reading their groups");
    expect(seen.groupIds).toContain(groupId(rig, 'Role-Admins'));
    // The planner takes the role from the group (before the Title "Sales Rep"), in HubSpot.
    await eventually(() => hubspotRole(rig, `plain.rep@${DOMAIN}`) === ROLE.admin, 'the role from group Role-Admins in HubSpot');
    const read = await daemon.syncUser.readUserInput(id, { countRecentDeletions: false, emailLookup: 'auto' });
    expect(read.input.candidates[0]?.groupIds).toEqual([groupId(rig, 'Role-Admins')]);
    // Leaving it is seen the same way.
    reads.userGroups.length = 0;
    rig.okta.sim.admin.removeFromGroup(id, 'Role-Admins');
    const left = await eventually(() => reads.userGroups.find((r) => r.id === id), "the user's sync after leaving the group");
    expect(left.groupIds).not.toContain(groupId(rig, 'Role-Admins'));
    await eventually(() => hubspotRole(rig, `plain.rep@${DOMAIN}`) === ROLE.salesRep, 'the role from the Title again in HubSpot');
  });

  test("a change to a direct assignment's app profile (application.user_membership.update) leads to a sync that sees it", async () => {
    const id = userId(rig, `direct.one@${DOMAIN}`);
    reads.candidates.length = 0;
    rig.okta.sim.admin.setAppUserProfile(id, { hubspotRole: 'Sales Manager' });
    const seen = await eventually(() => reads.candidates.find((r) => r.id === id && r.candidate?.appProfile?.hubspotRole === 'Sales Manager'), 'the sync seeing the new app profile');
    expect(seen.candidate?.assignedVia).toBe('USER');
    await eventually(() => hubspotRole(rig, `direct.one@${DOMAIN}`) === ROLE.salesManager, 'the role from the app attribute in HubSpot');
  });

  test("a change to a group assignment's profile (group.application_assignment.update) leads to syncs of its members", async () => {
    const two = userId(rig, `two.groups@${DOMAIN}`);
    reads.candidates.length = 0;
    const before = rig.okta.sim.admin.events().length;
    rig.okta.sim.admin.updateGroupAssignment('Sales-EMEA', { profile: { hubspotRole: 'Service Agent' } });
    // Okta logs the change once, on the group: no event names the user.
    expect(rig.okta.sim.admin.events().slice(before).map((e) => e.eventType)).toEqual(['group.application_assignment.update']);
    // Before: two assigning groups, the better priority (Sales-EMEA) gave "Sales Rep".
    expect(hubspotRole(rig, `two.groups@${DOMAIN}`)).toBe(ROLE.salesRep);
    await eventually(() => reads.candidates.find((r) => r.id === two && r.candidate?.appProfile?.hubspotRole === 'Service Agent'), "the member's sync seeing the group's new profile");
    await eventually(() => hubspotRole(rig, `two.groups@${DOMAIN}`) === ROLE.serviceAgent, "the role from the group's new app profile in HubSpot");
  });

  test('group priority decides: moving a group to the top gives its members its profile, and their syncs see it', async () => {
    const two = userId(rig, `two.groups@${DOMAIN}`);
    reads.candidates.length = 0;
    rig.okta.sim.admin.updateGroupAssignment('Sales-Leads', { priority: 0 });
    await eventually(() => reads.candidates.find((r) => r.id === two && r.candidate?.appProfile?.hubspotRole === 'Sales Manager'), 'the sync seeing the top group');
  });
});

describe('rules that name no group', () => {
  let rig: PipelineRig;
  let daemon: Daemon;

  beforeAll(async () => {
    rig = await startPipelineRig({ rules: { roles: { sources: [{ appAttribute: 'hubspotRole' }, 'title'] } } });
    daemon = rig.daemon({ roles: { workers: true } });
    await daemon.start();
  });

  afterAll(async () => {
    await rig.stop();
  });

  test('make no group request at all: neither a reconciliation nor a per-user sync', async () => {
    rig.okta.sim.clearRequests();
    const record = await daemon.jobs.reconcileNow('manual');
    expect(record.status).toBe('done');
    expect(record.jobs).toBeGreaterThan(0);
    const member = rig.okta.sim.admin.listAssigned()[0];
    await daemon.jobs.syncUserNow(member?.id ?? '');
    const input = await daemon.reconciler.readInput();
    expect(input.oktaGroups).toBeUndefined();
    expect(input.candidates.every((c) => c.groupIds === undefined)).toBe(true);
    expect(Object.keys(rig.okta.sim.requestCounts()).filter((route) => route.includes('group'))).toEqual([]);
  });
});
