import { Client } from '@hubspot/api-client';
import { ApiException, type PublicUserUpdate } from '@hubspot/api-client/lib/codegen/settings/users';
import { generatedSeed } from '../../../simulators/seeds/generated';
import { rejectionOf, startHubSpotRig, type HubSpotTestRig } from '../../helpers/hubspot-sim';

/** The simulator's behaviour as the real SDK (13.5.0) sees it. */

let rig: HubSpotTestRig;
let sdk: Client;

beforeAll(async () => {
  rig = await startHubSpotRig({ rateLimit: false });
  sdk = new Client({ accessToken: rig.sim.token, basePath: rig.url });
});

afterAll(() => rig.stop());

async function apiError(p: Promise<unknown>): Promise<ApiException<{ category?: string; subCategory?: string; message?: string }>> {
  const e = await rejectionOf(p);
  if (!(e instanceof ApiException)) {
    throw e;
  }
  return e;
}

test('list and create answer on both spellings the SDK uses', async () => {
  const users = sdk.settings.users.usersApi;
  await users.getPage();
  await users.getPage(10);
  const created = await users.create({ email: 'spelling@acme.example', sendWelcomeEmail: false });
  expect(created.id).toMatch(/^\d+$/);
  const paths = rig.sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
  expect(paths).toEqual(expect.arrayContaining(['GET /settings/v3/users 200', 'GET /settings/v3/users/ 200', 'POST /settings/v3/users 201']));
});

test('PUT is a partial update; "roleId": null removes the role; "" is refused', async () => {
  const users = sdk.settings.users.usersApi;
  const u = await users.create({ email: 'partial@acme.example', roleId: '2004', primaryTeamId: '3001', firstName: 'Part', sendWelcomeEmail: false });
  const renamed = await users.replace(u.id, { lastName: 'Ial' });
  expect(renamed).toMatchObject({ firstName: 'Part', lastName: 'Ial', roleId: '2004', primaryTeamId: '3001' });

  const empty = await apiError(users.replace(u.id, { roleId: '' }));
  expect(empty.code).toBe(400);
  expect(rig.sim.admin.user(u.id)?.roleId).toBe('2004');

  // The SDK's model says string; its serializer sends null as JSON null (the documented removal).
  const removal = { roleId: null } as unknown as PublicUserUpdate;
  const removed = await users.replace(u.id, removal);
  expect(removed.roleIds).toEqual([]);
  expect(removed.roleId).toBeUndefined();
  expect(removed.primaryTeamId).toBe('3001');
});

test('idProperty=EMAIL finds users by email (URL-encoded + and @); a non-numeric id without it is USER_ID_NOT_NUMERIC', async () => {
  const users = sdk.settings.users.usersApi;
  const u = await users.create({ email: 'plus+tag@acme.example', sendWelcomeEmail: false });
  expect((await users.getById('PLUS+TAG@acme.example', 'EMAIL')).id).toBe(u.id);
  const e = await apiError(users.getById('plus+tag@acme.example'));
  expect(e.code).toBe(400);
  expect(e.body.subCategory).toBe('ValidationErrors.USER_ID_NOT_NUMERIC');
  await users.replace('plus+tag@acme.example', { firstName: 'Plus' }, 'EMAIL');
  await users.archive('plus+tag@acme.example', 'EMAIL');
  expect(rig.sim.writesTo(u.id).map((w) => `${w.method} ${w.status}`)).toEqual(['POST 201', 'PUT 200', 'DELETE 204']);
  expect(rig.sim.writesTo('Plus+Tag@acme.example')).toHaveLength(3);
});

test('removing a paid role needs settings.billing.write; a free-role edit does not', async () => {
  const paid = rig.sim.admin.createUser({ email: 'paid.role@acme.example', roleName: 'Sales Rep' });
  rig.sim.registerToken('pat-users-only', ['settings.users.read', 'settings.users.write']);
  const limited = new Client({ accessToken: 'pat-users-only', basePath: rig.url }).settings.users.usersApi;
  const e = await apiError(limited.replace(paid.id, { roleId: null } as unknown as PublicUserUpdate));
  expect(e.code).toBe(403);
  expect(e.body.category).toBe('MISSING_SCOPES');
  expect((await limited.replace(paid.id, { firstName: 'Still' })).roleId).toBe('2002');
});

test('super admins are listed with superAdmin true and no role ids', async () => {
  const boss = rig.sim.admin.createUser({ email: 'boss@acme.example', superAdmin: true });
  const got = await sdk.settings.users.usersApi.getById(boss.id);
  expect(got).toMatchObject({ superAdmin: true, roleIds: [] });
});

test('a 10,000-user account pages through in 100 pages', async () => {
  const big = await startHubSpotRig({ seed: generatedSeed(0), rateLimit: false });
  try {
    for (let i = 0; i < 10_000; i++) {
      big.sim.admin.createUser({ email: `u${i}@acme.example` });
    }
    const users = new Client({ accessToken: big.sim.token, basePath: big.url }).settings.users.usersApi;
    let after: string | undefined;
    let pages = 0;
    let count = 0;
    do {
      const page = await users.getPage(100, after);
      pages++;
      count += page.results.length;
      after = page.paging?.next?.after;
    } while (after !== undefined);
    expect({ pages, count }).toEqual({ pages: 100, count: 10_000 });
  } finally {
    await big.stop();
  }
});

describe('rate limits', () => {
  test('rolling 10-second window: 429 TEN_SECONDLY_ROLLING until the window moves on', async () => {
    let clock = Date.UTC(2026, 0, 5, 12, 0, 0);
    const limited = await startHubSpotRig({ rateLimit: { perTenSeconds: 3 }, now: () => clock });
    try {
      const roles = new Client({ accessToken: limited.sim.token, basePath: limited.url }).settings.users.rolesApi;
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        remaining.push((await roles.getAllWithHttpInfo()).headers['x-hubspot-ratelimit-remaining'] ?? '');
        clock += 1000;
      }
      expect(remaining).toEqual(['2', '1', '0']);
      const e = await apiError(roles.getAll());
      expect(e.code).toBe(429);
      expect(e.body).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING', errorType: 'RATE_LIMIT' });
      clock += 7001;
      await roles.getAll();
    } finally {
      await limited.stop();
    }
  });

  test('daily budget: 429 DAILY once spent, back after local midnight', async () => {
    let clock = new Date(2026, 0, 5, 23, 59, 0).getTime();
    const limited = await startHubSpotRig({ rateLimit: { perTenSeconds: 100, daily: 2 }, now: () => clock });
    try {
      const roles = new Client({ accessToken: limited.sim.token, basePath: limited.url }).settings.users.rolesApi;
      await roles.getAll();
      const second = await roles.getAllWithHttpInfo();
      expect(second.headers['x-hubspot-ratelimit-daily-remaining']).toBe('0');
      const e = await apiError(roles.getAll());
      expect(e.body).toMatchObject({ policyName: 'DAILY' });
      clock = new Date(2026, 0, 6, 0, 0, 1).getTime();
      await roles.getAll();
    } finally {
      await limited.stop();
    }
  });
});

describe('admin API over HTTP', () => {
  async function admin(method: string, path: string, body?: unknown, token = rig.sim.adminToken) {
    const res = await fetch(`${rig.url}/__admin${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  test('refuses without the admin token; the API token is not an admin token', async () => {
    expect((await admin('GET', '/state', undefined, 'nope')).status).toBe(401);
    expect((await admin('GET', '/state', undefined, rig.sim.token)).status).toBe(401);
  });

  test('edits a user as a person in HubSpot would; the API sees it; no API write is logged', async () => {
    const created = await admin('POST', '/users', { email: 'edited@acme.example', roleName: 'Marketing Viewer' });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const patched = await admin('PATCH', `/users/${id}`, { roleName: 'Sales Rep', firstName: 'Edited', seatNames: ['Core'] });
    expect(patched.body).toMatchObject({ roleId: '2002', firstName: 'Edited', seatNames: ['Core'] });
    const seen = await sdk.settings.users.usersApi.getById(id);
    expect(seen).toMatchObject({ roleId: '2002', firstName: 'Edited' });
    expect(rig.sim.writesTo(id)).toEqual([]);
    expect((await admin('DELETE', `/users/${encodeURIComponent('edited@acme.example')}`)).status).toBe(204);
    expect((await admin('GET', `/users/${id}`)).status).toBe(404);
  });

  test('seat inventory can be set, runs out, and is reset', async () => {
    expect((await admin('PUT', '/seats', [{ name: 'Core', total: 0 }])).status).toBe(200);
    const refused = await admin('POST', '/users', { email: 'seatless@acme.example', seatNames: ['Core'] });
    expect(refused.status).toBe(400);
    const reset = await admin('POST', '/seats/reset');
    expect((reset.body as { results: Array<{ name: string; total: number }> }).results.find((s) => s.name === 'Core')?.total).toBe(40);
  });

  test('faults and counters are reachable', async () => {
    const set = await admin('POST', '/faults', { failNext: [{ status: 500, body: { message: 'boom' } }] });
    expect(set.body).toMatchObject({ pending: 1 });
    expect((await apiError(sdk.settings.users.teamsApi.getAll())).code).toBe(500);
    const counts = await admin('GET', '/counts');
    expect((counts.body as { byStatus: Record<string, number> }).byStatus['500']).toBeGreaterThanOrEqual(1);
  });
});
