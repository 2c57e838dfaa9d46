import { Client } from '@okta/okta-sdk-nodejs';
import { oktaSpecValidator } from '../../helpers/okta-spec';
import { rawGet, startOktaRig, type OktaTestRig } from '../../helpers/okta-sim';

/**
 * App user profiles and group assignments in the simulated Okta, as Okta has them: a direct
 * assignment's own profile wins; otherwise the assigning group with the best priority gives the
 * group-scoped attributes; changing either is logged with the events Okta writes. Read through the
 * real SDK and raw HTTP, and checked against Okta's published schemas.
 */

let rig: OktaTestRig;
const validate = oktaSpecValidator();

beforeAll(async () => {
  rig = await startOktaRig();
});

afterAll(async () => {
  await rig.stop();
});

function sdk(): Client {
  const client = new Client({ orgUrl: rig.url, token: rig.sim.token, cacheMiddleware: null });
  client.http.agent = undefined;
  return client;
}

async function appProfile(userId: string): Promise<Record<string, unknown>> {
  const au = await sdk().applicationApi.getApplicationUser({ appId: rig.sim.appId, userId });
  return (au.profile ?? {}) as Record<string, unknown>;
}

function eventsAfter(seq: number): Array<{ eventType: string; targets: Array<{ type: string; id: string }> }> {
  return rig.sim.admin
    .events()
    .slice(seq)
    .map((e) => ({ eventType: String(e.eventType), targets: (e.target as Array<{ type: string; id: string }>).map((t) => ({ type: t.type, id: t.id })) }));
}

test('group priority decides between two assigning groups; the direct profile wins over both', async () => {
  const a = rig.sim.admin;
  const emea = a.createGroup({ name: 'Prio-EMEA', assignToApp: true, appProfile: { hubspotRole: 'Sales Rep' } });
  const leads = a.createGroup({ name: 'Prio-Leads', assignToApp: true, appProfile: { hubspotRole: 'Sales Manager', region: 'EU' } });
  const u = a.createUser({ login: 'prio.person@acme.example', firstName: 'Prio', lastName: 'Person', title: 'Rep', groups: [emea.id, leads.id] });
  // Prio-EMEA was assigned first: the better (lower) priority.
  expect(a.getUser(u.id)?.assignment).toMatchObject({ scope: 'GROUP', groupId: emea.id });
  expect(await appProfile(u.id)).toMatchObject({ email: 'prio.person@acme.example', title: 'Rep', hubspotRole: 'Sales Rep' });
  expect(await appProfile(u.id)).not.toHaveProperty('region');

  // Move Prio-Leads to the top: its profile applies now, and the assigning group changed.
  const before = a.events().length;
  a.updateGroupAssignment(leads.id, { priority: 0 });
  expect(await appProfile(u.id)).toMatchObject({ hubspotRole: 'Sales Manager', region: 'EU' });
  expect(a.getUser(u.id)?.assignment).toMatchObject({ scope: 'GROUP', groupId: leads.id });
  const events = eventsAfter(before);
  expect(events[0]).toEqual({ eventType: 'group.application_assignment.update', targets: [{ type: 'AppInstance', id: rig.sim.appId }, { type: 'UserGroup', id: leads.id }] });
  expect(events.filter((e) => e.eventType === 'application.user_membership.update').map((e) => e.targets.find((t) => t.type === 'User')?.id)).toContain(u.id);

  // A direct assignment with a profile of its own wins over every group.
  a.assign(u.id, { hubspotRole: 'Executive' });
  expect(await appProfile(u.id)).toMatchObject({ hubspotRole: 'Executive' });
  expect(await appProfile(u.id)).not.toHaveProperty('region');
  const direct = a.events().length;
  a.setAppUserProfile(u.id, { hubspotRole: 'Sales Director' });
  expect(await appProfile(u.id)).toMatchObject({ hubspotRole: 'Sales Director' });
  const updated = eventsAfter(direct);
  expect(updated).toHaveLength(1);
  expect(updated[0]?.eventType).toBe('application.user_membership.update');
  expect(updated[0]?.targets.map((t) => t.type)).toEqual(['AppUser', 'AppInstance', 'User']);

  // Unassigned directly: back to the best group's profile.
  a.unassign(u.id);
  expect(await appProfile(u.id)).toMatchObject({ hubspotRole: 'Sales Manager', region: 'EU' });
});

test("a group assignment's profile change is logged once on the group and reaches every member", async () => {
  const a = rig.sim.admin;
  const g = a.createGroup({ name: 'Prio-Support', assignToApp: true, appProfile: { hubspotRole: 'Service Agent' } });
  const x = a.createUser({ login: 'support.one@acme.example', groups: [g.id] });
  const y = a.createUser({ login: 'support.two@acme.example', groups: [g.id] });
  const before = a.events().length;
  a.updateGroupAssignment('Prio-Support', { profile: { hubspotRole: 'Service Manager' } });
  expect(eventsAfter(before).map((e) => e.eventType)).toEqual(['group.application_assignment.update']);
  expect(await appProfile(x.id)).toMatchObject({ hubspotRole: 'Service Manager' });
  expect(await appProfile(y.id)).toMatchObject({ hubspotRole: 'Service Manager' });
  // The same profile again changes nothing and logs nothing.
  a.updateGroupAssignment('Prio-Support', { profile: { hubspotRole: 'Service Manager' } });
  expect(a.events()).toHaveLength(before + 1);
  // null removes the attribute.
  a.updateGroupAssignment('Prio-Support', { profile: { hubspotRole: null } });
  expect(await appProfile(x.id)).not.toHaveProperty('hubspotRole');
});

test('a user assigned only through a group has no app profile of their own to change', () => {
  const a = rig.sim.admin;
  const g = a.createGroup({ name: 'Prio-Only', assignToApp: true });
  const u = a.createUser({ login: 'group.only@acme.example', groups: [g.id] });
  expect(() => a.setAppUserProfile(u.id, { hubspotRole: 'x' })).toThrow(/through a group/);
  expect(() => a.updateGroupAssignment('Engineering', { priority: 0 })).toThrow(/ApplicationGroupAssignment/);
});

test('group assignments are served with their priority and profile, valid against the spec; priorities stay unique', async () => {
  const res = await rawGet(rig, `/api/v1/apps/${rig.sim.appId}/groups?limit=200`);
  expect(res.status).toBe(200);
  const list = res.body as Array<{ id: string; priority: number; profile: Record<string, unknown> }>;
  for (const g of list) {
    expect(validate('ApplicationGroupAssignment', g)).toEqual([]);
  }
  const priorities = list.map((g) => g.priority).sort((p, q) => p - q);
  expect(priorities).toEqual(priorities.map((_, i) => i));
  const support = rig.sim.admin.listGroups().find((g) => g.name === 'Prio-Support');
  const one = await rawGet(rig, `/api/v1/apps/${rig.sim.appId}/groups/${support?.id ?? ''}`);
  expect(one.status).toBe(200);
  expect(one.body).toEqual(list.find((g) => g.id === support?.id));
  const engineering = rig.sim.admin.listGroups().find((g) => g.name === 'Engineering');
  expect((await rawGet(rig, `/api/v1/apps/${rig.sim.appId}/groups/${engineering?.id ?? ''}`)).status).toBe(404);
  // The SDK reads them too.
  const seen: Array<{ id: string; priority: number | undefined }> = [];
  await (await sdk().applicationApi.listApplicationGroupAssignments({ appId: rig.sim.appId })).each((g) => {
    seen.push({ id: g.id ?? '', priority: g.priority });
  });
  expect(seen.map((g) => g.id).sort()).toEqual(list.map((g) => g.id).sort());
});

test('custom profile attributes of users and of direct assignments are served, also through the SDK', async () => {
  const a = rig.sim.admin;
  const u = a.createUser({ login: 'custom.attrs@acme.example', profile: { hubspotRole: 'Marketing Manager', costCenter: 'CC-7' }, assign: true, appProfile: { hubspotTeam: 'EMEA' } });
  const user = await sdk().userApi.getUser({ userId: u.id });
  expect(user.profile).toMatchObject({ hubspotRole: 'Marketing Manager', costCenter: 'CC-7' });
  expect(await appProfile(u.id)).toMatchObject({ hubspotTeam: 'EMEA' });
  const listed = await rawGet(rig, `/api/v1/apps/${rig.sim.appId}/users?expand=user&limit=500`);
  const au = (listed.body as Array<{ id: string; profile: Record<string, unknown>; _embedded: { user: { profile: Record<string, unknown> } } }>).find((x) => x.id === u.id);
  expect(au?.profile).toMatchObject({ hubspotTeam: 'EMEA' });
  expect(au?._embedded.user.profile).toMatchObject({ hubspotRole: 'Marketing Manager' });
  expect(validate('AppUser', au)).toEqual([]);
});

test('the admin API over HTTP sets app profiles and group assignments', async () => {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${rig.url}/__admin${path}`, {
      method,
      headers: { Authorization: `SSWS ${rig.sim.token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>) };
  };
  const g = await call('POST', '/groups', { name: 'Http-Prio', assignToApp: true, priority: 0, appProfile: { hubspotRole: 'Sales Rep' } });
  expect(g.status).toBe(201);
  expect(g.body?.appAssignment).toEqual({ priority: 0, profile: { hubspotRole: 'Sales Rep' } });
  const u = await call('POST', '/users', { login: 'http.prio@acme.example', assign: true, appProfile: { hubspotRole: 'Intern' }, profile: { costCenter: 'CC-1' } });
  expect(u.status).toBe(201);
  const id = String(u.body?.id);
  expect(u.body?.profile).toMatchObject({ costCenter: 'CC-1' });
  expect(u.body?.assignment).toMatchObject({ scope: 'USER', profile: { hubspotRole: 'Intern' } });
  const changed = await call('POST', `/users/${id}/appProfile`, { hubspotRole: 'Analyst' });
  expect(changed.body?.assignment).toMatchObject({ profile: { hubspotRole: 'Analyst' } });
  const moved = await call('PUT', '/groups/Http-Prio/assignment', { priority: 3, profile: { hubspotRole: 'Sales Manager' } });
  expect(moved.status).toBe(200);
  expect(moved.body?.appAssignment).toMatchObject({ priority: 3, profile: { hubspotRole: 'Sales Manager' } });
  expect((await call('PUT', '/groups/Http-Prio/assignment', { priority: -1 })).status).toBe(400);
  expect((await call('PUT', '/groups/Engineering/assignment', { priority: 1 })).status).toBe(404);
});
