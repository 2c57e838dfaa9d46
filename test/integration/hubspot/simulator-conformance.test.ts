import { Client } from '@hubspot/api-client';
import { createHubSpotSchemaValidator, type HubSpotSchemaDef } from '../../helpers/hubspot-schema';
import { startHubSpotRig, type HubSpotTestRig } from '../../helpers/hubspot-sim';

/**
 * Every kind of answer the simulator gives, fetched through the real SDK's raw request, must
 * match the schema written from HubSpot's documented shapes and carry HubSpot's headers.
 */

const validate = createHubSpotSchemaValidator();

let rig: HubSpotTestRig;
let sdk: Client;

beforeAll(async () => {
  rig = await startHubSpotRig({ rateLimit: { perTenSeconds: 10_000 } });
  sdk = new Client({ accessToken: rig.sim.token, basePath: rig.url });
  for (let i = 0; i < 5; i++) {
    rig.sim.admin.createUser({ email: `conf${i}@acme.example`, roleName: 'Sales Rep', primaryTeamId: '3001', seatNames: ['Core'] });
  }
});

afterAll(() => rig.stop());

async function fetchJson(method: string, path: string, opts: { body?: Record<string, unknown>; qs?: Record<string, string>; token?: string } = {}) {
  const client = opts.token === undefined ? sdk : new Client({ accessToken: opts.token, basePath: rig.url });
  const res = await client.apiRequest({ method, path, ...(opts.body ? { body: opts.body } : {}), ...(opts.qs ? { qs: opts.qs } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

function expectValid(def: HubSpotSchemaDef, value: unknown): void {
  expect(validate(def, value)).toEqual([]);
}

describe.each(['/settings/v3/users', '/settings/users/2026-03', '/settings/users/2026-09-beta'])('answers of %s', (base) => {
  test('a users page and its paging cursor', async () => {
    const first = await fetchJson('GET', `${base}/`, { qs: { limit: '3' } });
    expect(first.status).toBe(200);
    expectValid('UserPage', first.body);
    const page = first.body as { results: unknown[]; paging?: { next?: { after: string } } };
    expect(page.results).toHaveLength(3);
    const after = page.paging?.next?.after;
    expect(after).toMatch(/^\d+$/);
    const second = await fetchJson('GET', `${base}/`, { qs: { limit: '100', after: String(after) } });
    expectValid('UserPage', second.body);
    expect((second.body as { paging?: unknown }).paging).toBeUndefined();
  });

  test('create, get, update answers are PublicUser', async () => {
    const email = `shape-${base.replace(/\W/g, '')}@acme.example`;
    const created = await fetchJson('POST', base, { body: { email, firstName: 'Shape', roleId: '2004', sendWelcomeEmail: true } });
    expect(created.status).toBe(201);
    expectValid('PublicUser', created.body);
    const id = (created.body as { id: string }).id;
    const got = await fetchJson('GET', `${base}/${id}`);
    expectValid('PublicUser', got.body);
    const byEmail = await fetchJson('GET', `${base}/${encodeURIComponent(email)}`, { qs: { idProperty: 'EMAIL' } });
    expectValid('PublicUser', byEmail.body);
    const updated = await fetchJson('PUT', `${base}/${id}`, { body: { lastName: 'Updated' } });
    expect(updated.status).toBe(200);
    expectValid('PublicUser', updated.body);
    const seatNames = (updated.body as { seatNames?: unknown }).seatNames;
    expect(seatNames === undefined).toBe(base.endsWith('2026-03'));
  });

  test('roles and teams lists', async () => {
    const roles = await fetchJson('GET', `${base}/roles`);
    expectValid('RoleList', roles.body);
    const teams = await fetchJson('GET', `${base}/teams`);
    expectValid('TeamList', teams.body);
    const sales = (teams.body as { results: Array<{ id: string; userIds: string[] }> }).results.find((t) => t.id === '3001');
    expect(sales?.userIds.length).toBeGreaterThanOrEqual(5);
  });

  test('errors: 400, 404, 409 are HubSpot error bodies', async () => {
    const bad = await fetchJson('POST', base, { body: { email: 'not-an-email' } });
    expect(bad.status).toBe(400);
    expectValid('Error', bad.body);
    const notNumeric = await fetchJson('GET', `${base}/someone@acme.example`);
    expect(notNumeric.status).toBe(400);
    expectValid('Error', notNumeric.body);
    expect(notNumeric.body).toMatchObject({ category: 'VALIDATION_ERROR', subCategory: 'ValidationErrors.USER_ID_NOT_NUMERIC' });
    const missing = await fetchJson('GET', `${base}/999999999`);
    expect(missing.status).toBe(404);
    expectValid('Error', missing.body);
    const dup = await fetchJson('POST', base, { body: { email: 'CONF0@acme.example' } });
    expect(dup.status).toBe(409);
    expectValid('Error', dup.body);
  });
});

test('the 2026-09-beta seats list', async () => {
  const seats = await fetchJson('GET', '/settings/users/2026-09-beta/seats');
  expect(seats.status).toBe(200);
  expectValid('SeatList', seats.body);
  const core = (seats.body as { results: Array<{ name: string; remainingSeats: number }> }).results.find((s) => s.name === 'Core');
  expect(core?.remainingSeats).toBe(40 - 5);
});

test('401 and 403 bodies', async () => {
  const unauth = await fetchJson('GET', '/settings/v3/users', { token: 'pat-wrong' });
  expect(unauth.status).toBe(401);
  expectValid('Error', unauth.body);
  expect(unauth.body).toMatchObject({ category: 'INVALID_AUTHENTICATION' });
  rig.sim.registerToken('pat-read-only', ['settings.users.read']);
  const forbidden = await fetchJson('POST', '/settings/v3/users', { token: 'pat-read-only', body: { email: 'x@acme.example' } });
  expect(forbidden.status).toBe(403);
  expectValid('Error', forbidden.body);
  expect(forbidden.body).toMatchObject({ category: 'MISSING_SCOPES' });
});

test('429 bodies for both budgets', async () => {
  rig.sim.faults.fail429Next(1);
  const ten = await fetchJson('GET', '/settings/v3/users/roles');
  expect(ten.status).toBe(429);
  expectValid('RateLimitError', ten.body);
  expect(ten.body).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING' });
  rig.sim.faults.fail429Next(1, 'DAILY');
  const daily = await fetchJson('GET', '/settings/v3/users/roles');
  expectValid('RateLimitError', daily.body);
  expect(daily.body).toMatchObject({ policyName: 'DAILY' });
});

test('a rate-limit window answers 429 to every request until it ends, however few arrive', async () => {
  rig.sim.faults.rateLimitFor(400);
  for (let i = 0; i < 3; i++) {
    const limited = await fetchJson('GET', '/settings/v3/users/roles');
    expect(limited.status).toBe(429);
    expectValid('RateLimitError', limited.body);
    expect(limited.body).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING' });
    expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
  }
  await new Promise((r) => setTimeout(r, 450));
  expect((await fetchJson('GET', '/settings/v3/users/roles')).status).toBe(200);
});

test('every answer carries the rate and correlation headers', async () => {
  const answers = [
    await fetchJson('GET', '/settings/v3/users'),
    await fetchJson('GET', '/settings/v3/users/abc'),
    await fetchJson('GET', '/settings/v3/users', { token: 'pat-wrong' }),
  ];
  for (const a of answers) {
    for (const h of ['Max', 'Remaining', 'Interval-Milliseconds', 'Daily', 'Daily-Remaining']) {
      expect(a.headers.get(`X-HubSpot-RateLimit-${h}`)).toMatch(/^\d+$/);
    }
    expect(a.headers.get('X-HubSpot-Correlation-Id')).toMatch(/^[0-9a-f-]{36}$/);
  }
  const errorBody = answers[1]?.body as { correlationId: string };
  expect(answers[1]?.headers.get('X-HubSpot-Correlation-Id')).toBe(errorBody.correlationId);
});
