import { Writable } from 'node:stream';
import { RulesSchema, type Rules } from '../../../config/rules-schema';
import { createLogger } from '../../../src/lib/logger';
import { createRuleGroupReader } from '../../../src/okta/rule-groups';
import { listAllCandidates, startOktaRig, type OktaTestRig } from '../../helpers/okta-sim';

/**
 * The Okta side of rules that read profiles, app profiles and groups, through the real SDK
 * against the simulated Okta: candidates carry the user's profile and the app user's profile
 * (Okta's group priority applied), rule groups are resolved by name or id in a few requests, a
 * reconciliation reads each rule group's members once, and a single user's groups cost one request.
 */

let rig: OktaTestRig;
let lines: Array<{ level: string; message: string; unknown?: string[] }> = [];
const logger = createLogger({
  level: 'debug',
  format: 'json',
  stream: new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') {
          lines.push(JSON.parse(line) as { level: string; message: string });
        }
      }
      done();
    },
  }),
});

let emeaId = '';
let leadsId = '';
let engineeringId = '';

beforeAll(async () => {
  rig = await startOktaRig();
  const a = rig.sim.admin;
  // Two assigning groups with their own app profiles (EMEA first: the better priority), and a
  // group that is not assigned to the app at all.
  emeaId = a.createGroup({ name: 'Sales-EMEA', assignToApp: true, appProfile: { hubspotRole: 'Sales Rep' } }).id;
  leadsId = a.createGroup({ name: 'Sales-Leads', assignToApp: true, appProfile: { hubspotRole: 'Sales Manager' } }).id;
  engineeringId = a.listGroups().find((g) => g.name === 'Engineering')?.id ?? '';
  a.createUser({ login: 'both.groups@acme.example', title: 'Rep', profile: { hubspotRole: 'Executive', costCenter: 'CC-9' }, groups: ['Sales-EMEA', 'Sales-Leads', 'Engineering'] });
  a.createUser({ login: 'leads.only@acme.example', title: 'Lead', groups: ['Sales-Leads'] });
  a.createUser({ login: 'direct.profile@acme.example', assign: true, appProfile: { hubspotRole: 'Marketing Manager' }, groups: ['Sales-EMEA'] });
  a.createUser({ login: 'not.assigned@acme.example', groups: ['Engineering'] });
});

afterAll(async () => {
  await rig.stop();
});

beforeEach(() => {
  rig.sim.clearRequests();
  rig.sim.faults.reset();
  lines = [];
});

function rules(extra: Record<string, unknown>): Rules {
  return RulesSchema.parse(extra);
}

function count(route: string): number {
  return rig.sim.requestCounts()[`GET ${route}`] ?? 0;
}

describe('candidates', () => {
  test("carry the user's profile (custom attributes too) and the app user's profile Okta computed", async () => {
    const { candidates } = await listAllCandidates(rig.client());
    const byLogin = new Map(candidates.map((c) => [c.login, c]));
    const both = byLogin.get('both.groups@acme.example');
    expect(both?.profile).toMatchObject({ hubspotRole: 'Executive', costCenter: 'CC-9', title: 'Rep' });
    // In both assigning groups: the better priority (Sales-EMEA) gives the group-scoped attribute.
    expect(both?.appProfile).toMatchObject({ hubspotRole: 'Sales Rep', email: 'both.groups@acme.example' });
    expect(byLogin.get('leads.only@acme.example')?.appProfile).toMatchObject({ hubspotRole: 'Sales Manager' });
    // A direct assignment's own profile wins over the group's.
    expect(byLogin.get('direct.profile@acme.example')?.appProfile).toMatchObject({ hubspotRole: 'Marketing Manager' });
    expect(byLogin.has('not.assigned@acme.example')).toBe(false);
    // Read from the listing: no group request, no per-user request.
    expect(count('/api/v1/groups/{groupId}/users') + count('/api/v1/users/{userId}/groups') + count('/api/v1/users/{userId}')).toBe(0);
  });

  test('getCandidate: the same profiles; an unassigned user has a null app profile', async () => {
    const client = rig.client();
    const both = await client.getCandidate('both.groups@acme.example');
    expect(both?.appProfile).toMatchObject({ hubspotRole: 'Sales Rep' });
    expect(both?.profile).toMatchObject({ costCenter: 'CC-9' });
    const outside = await client.getCandidate('not.assigned@acme.example');
    expect(outside?.assigned).toBe(false);
    expect(outside?.appProfile).toBeNull();
    // With the assignment a listing saw, the app profile comes from it: the apps endpoint is not asked.
    rig.sim.clearRequests();
    const known = await client.getCandidate('leads.only@acme.example', { knownAssignment: { assignedVia: 'GROUP', assignedAt: null, appProfile: { hubspotRole: 'Seen' } } });
    expect(known?.appProfile).toEqual({ hubspotRole: 'Seen' });
    expect(count('/api/v1/apps/{appId}/users/{userId}')).toBe(0);
  });
});

describe('client: groups', () => {
  test('resolveGroups finds groups by name (exact, else without case) and by id in one search request', async () => {
    const client = rig.client();
    const found = await client.resolveGroups(['Sales-EMEA', 'sales-leads', engineeringId, 'No Such Group', 'Sales-EMEA']);
    expect(Object.fromEntries(found)).toEqual({
      'Sales-EMEA': { id: emeaId, name: 'Sales-EMEA' },
      'sales-leads': { id: leadsId, name: 'Sales-Leads' },
      [engineeringId]: { id: engineeringId, name: 'Engineering' },
      'No Such Group': null,
    });
    expect(count('/api/v1/groups')).toBe(1);
  });

  test('resolveGroups asks once per 20 groups; names with quotes are searched as written', async () => {
    rig.sim.admin.createGroup({ name: 'The "Quoted" Team' });
    const refs = [...Array.from({ length: 25 }, (_, i) => `Missing ${i}`), 'The "Quoted" Team'];
    const found = await rig.client().resolveGroups(refs);
    expect(found.get('The "Quoted" Team')?.name).toBe('The "Quoted" Team');
    expect([...found.values()].filter((g) => g !== null)).toHaveLength(1);
    expect(count('/api/v1/groups')).toBe(2);
  });

  test("listGroupMemberIds pages through a group's members; listUserGroupIds is one request", async () => {
    const client = rig.client({ groupMemberPageSize: 2 });
    const sales = rig.sim.admin.listGroups().find((g) => g.name === 'Sales');
    const ids = await client.listGroupMemberIds(sales?.id ?? '');
    expect(ids.sort()).toEqual([...(sales?.memberIds ?? [])].sort());
    expect(count('/api/v1/groups/{groupId}/users')).toBe(Math.ceil(ids.length / 2));
    expect(await client.listGroupMemberIds('00gnosuchgroup000000')).toEqual([]);
    const user = rig.sim.admin.getUser('both.groups@acme.example');
    expect((await client.listUserGroupIds(user?.id ?? '')).sort()).toEqual([emeaId, leadsId, engineeringId].sort());
    expect(count('/api/v1/users/{userId}/groups')).toBe(1);
    expect(await client.listUserGroupIds('00unosuchuser0000000')).toEqual([]);
  });

  test('a rate limit while paging members is waited out and the same page asked again', async () => {
    const client = rig.client({ groupMemberPageSize: 2, sleep: async () => undefined });
    const sales = rig.sim.admin.listGroups().find((g) => g.name === 'Sales');
    rig.sim.faults.set({ fail429Next: 1, resetInSeconds: 1, route: '/api/v1/groups/{groupId}/users' });
    const members = [...(sales?.memberIds ?? [])].sort();
    expect((await client.listGroupMemberIds(sales?.id ?? '')).sort()).toEqual(members);
    // Every page once, and the refused one once more.
    expect(count('/api/v1/groups/{groupId}/users')).toBe(Math.ceil(members.length / 2) + 1);
  });
});

describe('the rule-groups reader', () => {
  const groupRules = () =>
    rules({
      roles: { sources: [{ groups: [{ group: 'Sales-Leads', role: 'Sales Manager' }, { group: 'Sales-EMEA', role: 'Sales Rep' }] }, 'title'] },
      teams: { byGroup: { [engineeringId]: '3001' }, secondary: [{ groups: [{ group: 'Sales-EMEA', team: 'EMEA' }] }] },
    });

  test("a reconciliation's read: each rule group's members once, no user's groups, the groups as found", async () => {
    const reader = createRuleGroupReader({ okta: rig.client(), logger });
    const read = await reader.readMemberships(groupRules());
    expect(read?.oktaGroups).toEqual([
      { id: leadsId, name: 'Sales-Leads' },
      { id: emeaId, name: 'Sales-EMEA' },
      { id: engineeringId, name: 'Engineering' },
    ]);
    const both = rig.sim.admin.getUser('both.groups@acme.example');
    const outside = rig.sim.admin.getUser('not.assigned@acme.example');
    expect(read?.memberOf.get(both?.id ?? '')?.sort()).toEqual([emeaId, leadsId, engineeringId].sort());
    expect(read?.memberOf.get(outside?.id ?? '')).toEqual([engineeringId]);
    expect(count('/api/v1/groups/{groupId}/users')).toBe(3);
    expect(count('/api/v1/groups')).toBe(1);
    expect(count('/api/v1/users/{userId}/groups')).toBe(0);
  });

  test('rules that name no group: no group request at all', async () => {
    const reader = createRuleGroupReader({ okta: rig.client(), logger });
    expect(await reader.readMemberships(rules({ roles: { sources: [{ appAttribute: 'hubspotRole' }, 'title'] } }))).toBeNull();
    expect(await reader.readUser(rules({}), 'both.groups@acme.example')).toBeNull();
    expect(Object.keys(rig.sim.requestCounts()).filter((k) => k.includes('group'))).toEqual([]);
  });

  test("a single user's read: one request for the user's groups, filtered to the rule groups; the resolution is cached", async () => {
    const reader = createRuleGroupReader({ okta: rig.client(), logger });
    const r = groupRules();
    const first = await reader.readUser(r, 'both.groups@acme.example');
    expect(first?.groupIds.sort()).toEqual([emeaId, leadsId, engineeringId].sort());
    const second = await reader.readUser(r, 'leads.only@acme.example');
    expect(second?.groupIds).toEqual([leadsId]);
    expect(count('/api/v1/users/{userId}/groups')).toBe(2);
    expect(count('/api/v1/groups')).toBe(1);
    // Other rules (a reloaded or proposed file) are resolved again.
    await reader.readUser(rules({ roles: { sources: [{ groups: [{ group: 'Sales-EMEA', role: 'Sales Rep' }] }] } }), 'leads.only@acme.example');
    expect(count('/api/v1/groups')).toBe(2);
  });

  test('the resolution is refreshed after its time to live', async () => {
    let now = 0;
    const reader = createRuleGroupReader({ okta: rig.client(), logger, now: () => now, ttlMs: 1000 });
    const r = groupRules();
    await reader.readUser(r, 'leads.only@acme.example');
    now = 999;
    await reader.readUser(r, 'leads.only@acme.example');
    expect(count('/api/v1/groups')).toBe(1);
    now = 1000;
    await reader.readUser(r, 'leads.only@acme.example');
    expect(count('/api/v1/groups')).toBe(2);
  });

  test('unknown groups are reported once, with the closest name and the groups that exist', async () => {
    const reader = createRuleGroupReader({ okta: rig.client(), logger });
    const r = rules({ roles: { sources: [{ groups: [{ group: 'Sales EMEA', role: 'Sales Rep' }, { group: 'Nowhere', role: 'Sales Rep' }, { group: 'Sales-Leads', role: 'Sales Manager' }] }] } });
    const read = await reader.readMemberships(r);
    expect(read?.oktaGroups).toEqual([{ id: leadsId, name: 'Sales-Leads' }]);
    await reader.readMemberships(r);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('"Sales EMEA" (did you mean "Sales-EMEA"?)');
    expect(warnings[0]?.message).toContain('"Nowhere"');
    expect(warnings[0]?.message).toMatch(/Okta's groups: .*"Engineering"/);
    expect(warnings[0]?.unknown).toEqual(['Sales EMEA', 'Nowhere']);
    // The group list for suggestions was read once, for the one warning.
    expect(count('/api/v1/groups')).toBe(3);
  });
});
