import http from 'node:http';
import { oktaSpecValidator } from '../../helpers/okta-spec';
import { rawGet, startOktaRig, type OktaTestRig } from '../../helpers/okta-sim';

/**
 * The simulated Okta answers with the shapes of Okta's published management spec, so code that
 * works against it works against Okta: AppUser (with the embedded User), User, LogEvent and the
 * error object, plus the headers every Okta answer carries.
 */

let rig: OktaTestRig;
const validate = oktaSpecValidator();

beforeAll(async () => {
  rig = await startOktaRig();
  // Produce every kind of event the simulator emits, on top of the seeded history.
  const a = rig.sim.admin;
  const u = a.createUser({ login: 'new.hire@acme.example', firstName: 'New', lastName: 'Hire', title: 'Sales Rep' });
  a.addToGroup(u.id, 'Sales');
  a.assign(u.id);
  a.updateProfile(u.id, { title: 'Sales Manager' });
  a.removeFromGroup(u.id, 'Sales');
  a.suspend(u.id);
  a.unsuspend(u.id);
  a.deactivate(u.id);
  a.reactivate(u.id);
  a.activate(u.id);
  a.unassign(u.id);
  a.deleteUser(u.id);
});

afterAll(async () => {
  await rig.stop();
});

function expectValid(name: Parameters<typeof validate>[0], value: unknown): void {
  expect(validate(name, value)).toEqual([]);
}

test('app users (with expand=user) are AppUser objects embedding valid Users', async () => {
  const res = await rawGet(rig, `/api/v1/apps/${rig.sim.appId}/users?expand=user&limit=500`);
  expect(res.status).toBe(200);
  const list = res.body as Array<Record<string, unknown>>;
  expect(list.length).toBeGreaterThan(30);
  const scopes = new Set<unknown>();
  for (const au of list) {
    expectValid('AppUser', au);
    const embedded = (au._embedded as { user: unknown }).user;
    expectValid('User', embedded);
    expect((embedded as { id: string }).id).toBe(au.id);
    scopes.add(au.scope);
  }
  expect(scopes).toEqual(new Set(['USER', 'GROUP']));
});

test('a single app user and a user by id and by login are valid', async () => {
  const assigned = rig.sim.admin.listAssigned()[0];
  if (!assigned) {
    throw new Error('seed has no assigned users');
  }
  const au = await rawGet(rig, `/api/v1/apps/${rig.sim.appId}/users/${assigned.id}`);
  expect(au.status).toBe(200);
  expectValid('AppUser', au.body);
  const byId = await rawGet(rig, `/api/v1/users/${assigned.id}`);
  const byLogin = await rawGet(rig, `/api/v1/users/${encodeURIComponent(assigned.login)}`);
  expectValid('User', byId.body);
  expect(byLogin.body).toEqual(byId.body);
  expect((byId.body as { _links: { self: { href: string } } })._links.self.href).toBe(`${rig.url}/api/v1/users/${assigned.id}`);
});

test('every user of every status is a valid User', async () => {
  const res = await rawGet(rig, `/api/v1/users?limit=200&filter=${encodeURIComponent('status eq "DEPROVISIONED" or status ne "DEPROVISIONED"')}`);
  const users = res.body as Array<{ status: string }>;
  for (const u of users) {
    expectValid('User', u);
  }
  expect(new Set(users.map((u) => u.status))).toEqual(
    new Set(['ACTIVE', 'STAGED', 'PROVISIONED', 'SUSPENDED', 'DEPROVISIONED', 'LOCKED_OUT', 'PASSWORD_EXPIRED']),
  );
});

test('System Log events of every emitted type are valid LogEvents', async () => {
  const res = await rawGet(rig, `/api/v1/logs?limit=1000&since=${encodeURIComponent(new Date(Date.now() - 89 * 24 * 3600 * 1000).toISOString())}`);
  const events = res.body as Array<{ eventType: string }>;
  const types = new Set(events.map((e) => e.eventType));
  for (const t of [
    'application.user_membership.add',
    'application.user_membership.remove',
    'application.user_membership.update',
    'group.user_membership.add',
    'group.user_membership.remove',
    'user.lifecycle.create',
    'user.lifecycle.activate',
    'user.lifecycle.deactivate',
    'user.lifecycle.reactivate',
    'user.lifecycle.suspend',
    'user.lifecycle.unsuspend',
    'user.lifecycle.delete.initiated',
    'user.lifecycle.delete.completed',
    'user.account.update_profile',
  ]) {
    expect(types).toContain(t);
  }
  for (const e of events) {
    expectValid('LogEvent', e);
  }
});

test('errors are Okta error objects with the documented codes', async () => {
  const cases: Array<[string, number, string, string?]> = [
    [`/api/v1/users/nobody@acme.example`, 404, 'E0000007'],
    [`/api/v1/apps/0oanotthisapp000001/users`, 404, 'E0000007'],
    [`/api/v1/logs?since=yesterday`, 400, 'E0000001'],
    [`/api/v1/logs?since=2024-01-01T00:00:00Z&after=1_1`, 400, 'E0000001'],
    [`/api/v1/logs?filter=${encodeURIComponent('eventType eq')}`, 400, 'E0000053'],
    [`/api/v1/logs?limit=5000`, 400, 'E0000001'],
    [`/api/v1/users`, 401, 'E0000011', 'wrong-token'],
  ];
  for (const [path, status, code, token] of cases) {
    const res = await rawGet(rig, path, token);
    expect({ path, status: res.status }).toEqual({ path, status });
    expect((res.body as { errorCode: string }).errorCode).toBe(code);
    expectValid('ModelError', res.body);
  }
});

test('an injected 429 carries E0000047, Remaining 0 and a Reset ahead of Date', async () => {
  rig.sim.faults.fail429Next(1, { route: '/api/v1/users' });
  const res = await rawGet(rig, '/api/v1/users');
  expect(res.status).toBe(429);
  expect((res.body as { errorCode: string }).errorCode).toBe('E0000047');
  expectValid('ModelError', res.body);
  expect(res.headers.get('x-rate-limit-remaining')).toBe('0');
  const reset = Number(res.headers.get('x-rate-limit-reset'));
  const date = Date.parse(res.headers.get('date') ?? '');
  expect(reset * 1000).toBeGreaterThan(date);
});

test('every answer carries JSON content type, Date, request id and rate-limit headers', async () => {
  for (const path of [`/api/v1/apps/${rig.sim.appId}`, '/api/v1/users?limit=1', '/api/v1/logs?limit=1', '/api/v1/users/missing-user']) {
    const res = await rawGet(rig, path);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('date')).toBeTruthy();
    expect(res.headers.get('x-okta-request-id')).toMatch(/^[\w-]{20,}$/);
    for (const h of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset']) {
      expect(Number(res.headers.get(h))).toBeGreaterThan(0);
    }
  }
});

test('paged answers send self and next as separate Link lines on the simulator origin', async () => {
  const lines = await new Promise<string[]>((resolve, reject) => {
    http
      .get(`${rig.url}/api/v1/apps/${rig.sim.appId}/users?limit=5&expand=user`, { headers: { Authorization: `SSWS ${rig.sim.token}` } }, (res) => {
        res.resume();
        const raw = res.rawHeaders;
        resolve(raw.filter((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === 'link'));
      })
      .on('error', reject);
  });
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(new RegExp(`^<${rig.url}/api/v1/apps/.+>; rel="self"$`));
  expect(lines[1]).toMatch(new RegExp(`^<${rig.url}/api/v1/apps/.+after=.+>; rel="next"$`));
  // Okta's next link drops expand=user (SDK issue #439); the simulator does the same.
  expect(lines[1]).not.toMatch(/expand=user/);
});

test('the validator does catch shapes the spec forbids', () => {
  expect(validate('AppUser', { id: '00u1', scope: 'TEAM' })).not.toEqual([]);
  expect(validate('User', { id: '00u1', status: 'ACTIVE', profile: { login: 'ab', email: 'not-an-email' } })).not.toEqual([]);
  expect(validate('LogEvent', { uuid: 'x', severity: 'LOUD' })).not.toEqual([]);
  expect(validate('ModelError', { errorCode: 7 })).not.toEqual([]);
});

/** The `Link` header lines of a raw GET (Node's fetch joins repeated headers). */
function linkLines(path: string): Promise<string[]> {
  return new Promise<string[]>((resolve, reject) => {
    http
      .get(`${rig.url}${path}`, { headers: { Authorization: `SSWS ${rig.sim.token}` } }, (res) => {
        res.resume();
        const raw = res.rawHeaders;
        resolve(raw.filter((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === 'link'));
      })
      .on('error', reject);
  });
}

test('groups: found by name (search, case-insensitive values), by id, or by name prefix (q); every one a valid Group', async () => {
  const sales = rig.sim.admin.listGroups().find((g) => g.name === 'Sales');
  const engineering = rig.sim.admin.listGroups().find((g) => g.name === 'Engineering');
  const search = async (expr: string) => rawGet(rig, `/api/v1/groups?search=${encodeURIComponent(expr)}`);
  const byName = await search('profile.name eq "sales"');
  expect(byName.status).toBe(200);
  expect((byName.body as Array<{ id: string }>).map((g) => g.id)).toEqual([sales?.id]);
  const both = await search(`profile.name eq "Sales" or id eq "${engineering?.id ?? ''}"`);
  expect((both.body as Array<{ id: string }>).map((g) => g.id).sort()).toEqual([sales?.id, engineering?.id].sort());
  for (const g of both.body as unknown[]) {
    expectValid('Group', g);
  }
  expect(((await search('profile.name eq "No Such Group"')).body as unknown[]).length).toBe(0);
  const q = await rawGet(rig, '/api/v1/groups?q=Eng');
  expect((q.body as Array<{ profile: { name: string } }>).map((g) => g.profile.name)).toEqual(['Engineering']);
  // filter takes only id, type and the dates, as Okta's does.
  expect((await rawGet(rig, `/api/v1/groups?filter=${encodeURIComponent('profile.name eq "Sales"')}`)).status).toBe(400);
  expect(((await rawGet(rig, `/api/v1/groups?filter=${encodeURIComponent(`id eq "${sales?.id ?? ''}"`)}`)).body as unknown[]).length).toBe(1);
});

test('groups page with limit and after, and Link lines', async () => {
  const all = rig.sim.admin.listGroups().map((g) => g.id).sort();
  expect(all.length).toBeGreaterThanOrEqual(2);
  const lines = await linkLines('/api/v1/groups?limit=1');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(new RegExp(`^<${rig.url}/api/v1/groups\\?limit=1&after=${all[0] ?? ''}>; rel="next"$`));
  const seen: string[] = [];
  let path: string | null = '/api/v1/groups?limit=1';
  while (path) {
    const res = await rawGet(rig, path);
    seen.push(...(res.body as Array<{ id: string }>).map((g) => g.id));
    const next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    path = next ? next.slice(rig.url.length) : null;
  }
  expect(seen).toEqual(all);
});

test("a group's members page with limit and after and Link lines; a user's groups come in one answer", async () => {
  const sales = rig.sim.admin.listGroups().find((g) => g.name === 'Sales');
  const members = [...(sales?.memberIds ?? [])].sort();
  expect(members.length).toBeGreaterThan(2);
  const lines = await linkLines(`/api/v1/groups/${sales?.id ?? ''}/users?limit=2`);
  expect(lines[1]).toMatch(new RegExp(`/api/v1/groups/${sales?.id ?? ''}/users\\?limit=2&after=${members[1] ?? ''}>; rel="next"$`));
  const last = await rawGet(rig, `/api/v1/groups/${sales?.id ?? ''}/users?limit=2&after=${members[members.length - 2] ?? ''}`);
  expect((last.body as Array<{ id: string }>).map((u) => u.id)).toEqual([members[members.length - 1]]);
  expect(last.headers.get('link')).not.toMatch(/rel="next"/);

  const member = rig.sim.admin.getUser(members[0] ?? '');
  const groups = await rawGet(rig, `/api/v1/users/${encodeURIComponent(member?.login ?? '')}/groups`);
  expect(groups.status).toBe(200);
  expect((groups.body as Array<{ id: string }>).map((g) => g.id).sort()).toEqual([...(member?.groupIds ?? [])].sort());
  for (const g of groups.body as unknown[]) {
    expectValid('Group', g);
  }
  expect((await rawGet(rig, '/api/v1/users/00unosuchuser0000000/groups')).status).toBe(404);
});
