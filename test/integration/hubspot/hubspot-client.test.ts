import { inspect } from 'node:util';
import { DryRunRefusedError, OutageError, PermanentError, RateLimitedError, TransientError, classifyError } from '../../../src/lib/errors';
import type { HubSpotResponseInfo } from '../../../src/hubspot/hubspot-types';
import { listAll, rejectionOf, startHubSpotRig, type HubSpotTestRig } from '../../helpers/hubspot-sim';

/** The HubSpot client against the simulator, through the real SDK. */

let rig: HubSpotTestRig;

beforeAll(async () => {
  rig = await startHubSpotRig({ rateLimit: { perTenSeconds: 100_000 } });
});

afterAll(() => rig.stop());

beforeEach(() => {
  rig.sim.faults.reset();
});

describe('users round trip', () => {
  test('create, get, get by email with + and @, update, delete', async () => {
    const client = rig.client();
    const email = 'first.o+hub@acme.example';
    const created = await client.createUser({ email, firstName: 'First', lastName: "O'Hub", roleId: '2004', sendWelcomeEmail: false, primaryTeamId: '3002' });
    expect(created).toMatchObject({ email, firstName: 'First', lastName: "O'Hub", roleId: '2004', roleIds: ['2004'], primaryTeamId: '3002', superAdmin: false });

    expect(await client.getUser(created.id)).toMatchObject({ id: created.id, email });
    expect(await client.getUserByEmail(email)).toMatchObject({ id: created.id });
    expect(await client.getUserByEmail('FIRST.O+HUB@ACME.EXAMPLE')).toMatchObject({ id: created.id });

    const renamed = await client.updateUser(created.id, { lastName: 'Hubbard', roleId: '2006' });
    expect(renamed).toMatchObject({ firstName: 'First', lastName: 'Hubbard', roleId: '2006', roleIds: ['2006'], primaryTeamId: '3002' });

    const roleless = await client.updateUser(created.id, { roleId: null });
    expect(roleless.roleId).toBeUndefined();
    expect(roleless.roleIds).toEqual([]);
    expect(rig.sim.admin.user(created.id)?.roleIds).toEqual([]);
    expect(roleless.lastName).toBe('Hubbard');

    expect(await client.deleteUser(created.id)).toBe(true);
    expect(await client.getUser(created.id)).toBeNull();
    expect(await client.getUserByEmail(email)).toBeNull();
    expect(await client.deleteUser(created.id)).toBe(false);
  });

  test('named seats are written and read back (seatsMode named)', async () => {
    const client = rig.client({ seatsMode: 'named' });
    const before = (await client.listSeats())?.find((s) => s.name === 'Sales Hub Professional')?.remainingSeats;
    const u = await client.createUser({ email: 'seated@acme.example', roleId: '2002', seatNames: ['Sales Hub Professional'], sendWelcomeEmail: false });
    expect(u.seatNames).toEqual(['Sales Hub Professional']);
    expect((await client.getUser(u.id))?.seatNames).toEqual(['Sales Hub Professional']);
    expect((await client.listSeats())?.find((s) => s.name === 'Sales Hub Professional')?.remainingSeats).toBe((before ?? 0) - 1);
    const moved = await client.updateUser(u.id, { seatNames: ['Core'] });
    expect(moved.seatNames).toEqual(['Core']);
    const none = await client.updateUser(u.id, { seatNames: [] });
    expect(none.seatNames).toEqual([]);
    const listed = (await listAll(client)).users.find((x) => x.id === u.id);
    expect(listed?.seatNames).toEqual([]);
  });

  test('seatsMode role refuses seatNames instead of silently dropping them', async () => {
    const err = await rejectionOf(rig.client().createUser({ email: 'dropped@acme.example', seatNames: ['Core'], sendWelcomeEmail: false }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(rig.sim.admin.user('dropped@acme.example')).toBeNull();
  });

  test('a seat that has run out is a PermanentError naming the field', async () => {
    rig.sim.admin.setSeatTotal('Tiny', 1, 'one seat only');
    const client = rig.client({ seatsMode: 'named' });
    await client.createUser({ email: 'tiny1@acme.example', seatNames: ['Tiny'], sendWelcomeEmail: false });
    const err = await rejectionOf(client.createUser({ email: 'tiny2@acme.example', seatNames: ['Tiny'], sendWelcomeEmail: false }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toContain('tiny2@acme.example');
    expect(err.message).toContain('field seatNames');
    expect(err.message).toContain('No "Tiny" seats left');
  });
});

describe('listing', () => {
  test('250 users over several pages, none twice', async () => {
    const local = await startHubSpotRig({ seed: { ...(await import('../../../simulators/seeds/generated')).generatedSeed(0) }, rateLimit: false });
    try {
      for (let i = 0; i < 250; i++) {
        local.sim.admin.createUser({ email: `page${i}@acme.example` });
      }
      const { users, pages } = await listAll(local.client({ pageSize: 100 }));
      expect(pages).toEqual([100, 100, 50]);
      expect(new Set(users.map((u) => u.id)).size).toBe(250);
      expect(local.sim.counts().byRoute['GET /settings/v3/users']).toBe(3);
    } finally {
      await local.stop();
    }
  });

  test('roles, teams and seats', async () => {
    const client = rig.client();
    const roles = await client.listRoles();
    expect(roles).toContainEqual({ id: '2002', name: 'Sales Rep', requiresBillingWrite: true });
    const teams = await client.listTeams();
    expect(teams.map((t) => t.name)).toEqual(['Sales', 'Marketing']);
    const seats = await client.listSeats();
    expect(seats?.map((s) => s.name)).toContain('Core');
  });

  test('listSeats is null when the token lacks the billing scope or the account has no seats API', async () => {
    rig.sim.registerToken('pat-no-billing', ['settings.users.read', 'settings.users.write', 'settings.users.teams.read']);
    expect(await rig.client({ token: 'pat-no-billing' }).listSeats()).toBeNull();
    const classic = await startHubSpotRig({ seatsApi: false });
    try {
      expect(await classic.client().listSeats()).toBeNull();
    } finally {
      await classic.stop();
    }
  });
});

describe('errors', () => {
  test('409 on a duplicate email (any case) is HUBSPOT_CONFLICT', async () => {
    const err = await rejectionOf(rig.client().createUser({ email: 'OWNER@acme.example', sendWelcomeEmail: false }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err).toMatchObject({ code: 'HUBSPOT_CONFLICT', status: 409 });
    expect(err.message).toContain('OWNER@acme.example');
  });

  test('404 on update is a PermanentError', async () => {
    const err = await rejectionOf(rig.client().updateUser('999999999', { firstName: 'X' }));
    expect(err).toMatchObject({ status: 404, retryable: false });
  });

  test('400 on a bad email names the call, the user and the field', async () => {
    const err = await rejectionOf(rig.client().createUser({ email: 'no-at-sign.example', sendWelcomeEmail: false }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err).toMatchObject({ code: 'HUBSPOT_VALIDATION_ERROR', status: 400 });
    expect(err.message).toMatch(/createUser for no-at-sign\.example failed .*field email/);
  });

  test('403 when assigning a paid role without settings.billing.write', async () => {
    rig.sim.registerToken('pat-no-billing-2', ['settings.users.read', 'settings.users.write']);
    const client = rig.client({ token: 'pat-no-billing-2' });
    const err = await rejectionOf(client.createUser({ email: 'paid@acme.example', roleId: '2002', sendWelcomeEmail: false }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err).toMatchObject({ code: 'HUBSPOT_MISSING_SCOPES', status: 403 });
    expect(err.message).toContain('settings.billing.write');
    expect(rig.sim.admin.user('paid@acme.example')).toBeNull();
    const free = await client.createUser({ email: 'free@acme.example', roleId: '2004', sendWelcomeEmail: false });
    expect(free.roleId).toBe('2004');
  });

  test('401 with a wrong token; the token appears nowhere in the error', async () => {
    const token = 'pat-na1-11111111-2222-3333-4444-555555555555';
    const err = await rejectionOf(rig.client({ token }).getUser('1000001'));
    expect(err).toBeInstanceOf(OutageError);
    expect(err).toMatchObject({ api: 'hubspot', kind: 'token-rejected' });
    expect(err).toMatchObject({ code: 'HUBSPOT_INVALID_AUTHENTICATION', status: 401 });
    const everything = [err.message, err.stack ?? '', JSON.stringify(err), inspect(err, { depth: 10, showHidden: true })].join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toMatch(/authorization/i);
  });

  test('a 429 storm is a RateLimitedError with a wait; the SDK does not retry on its own', async () => {
    rig.sim.faults.fail429Next(5);
    const client = rig.client();
    const before = rig.sim.counts().total;
    const err = await rejectionOf(client.listRoles());
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(classifyError(err)).toBe('rate-limit');
    expect(err).toMatchObject({ code: 'HUBSPOT_RATE_LIMIT_TEN_SECONDLY_ROLLING', retryAfterMs: 10_000 });
    expect(rig.sim.counts().total - before).toBe(1);
    rig.sim.faults.reset();
    rig.sim.faults.fail429Next(1, 'DAILY');
    const daily = await rejectionOf(client.listRoles());
    expect(daily).toMatchObject({ code: 'HUBSPOT_RATE_LIMIT_DAILY' });
    expect((daily as RateLimitedError).retryAfterMs).toBeGreaterThan(60_000 - 1);
    expect((daily as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(24 * 3600_000 + 60_000);
  });

  test('the real 10-second window answers 429 and the client reports it', async () => {
    const tight = await startHubSpotRig({ rateLimit: { perTenSeconds: 2 } });
    try {
      const client = tight.client();
      await client.listRoles();
      await client.listRoles();
      const err = await rejectionOf(client.listRoles());
      expect(err).toBeInstanceOf(RateLimitedError);
      expect(client.rateState()).toMatchObject({ max: 2, remaining: 0, intervalMs: 10_000 });
    } finally {
      await tight.stop();
    }
  });

  test('5xx (JSON or an HTML gateway page) is a TransientError', async () => {
    rig.sim.faults.failNext([{ status: 503, body: { status: 'error', message: 'Service unavailable', category: 'INTERNAL_ERROR', correlationId: 'c' } }]);
    const err = await rejectionOf(rig.client().getUser('1000001'));
    expect(err).toBeInstanceOf(TransientError);
    expect(err).toMatchObject({ code: 'HUBSPOT_503', status: 503 });
    rig.sim.faults.failNext({ status: 502, body: '<html><body>Bad gateway</body></html>' });
    const html = await rejectionOf(rig.client({ seatsMode: 'named' }).getUser('1000001'));
    expect(html).toBeInstanceOf(TransientError);
    rig.sim.faults.errorRate = 1;
    const random = await rejectionOf(rig.client().listTeams());
    expect(random).toBeInstanceOf(TransientError);
  });

  test('a network error is a TransientError', async () => {
    const gone = await startHubSpotRig();
    const client = gone.client();
    await gone.stop();
    const err = await rejectionOf(client.listRoles());
    expect(err).toBeInstanceOf(TransientError);
    expect(err).toMatchObject({ code: 'HUBSPOT_NETWORK' });
  });

  test.each(['malformed-json', 'html-200', 'truncated', 'missing-fields', 'wrong-types'] as const)('a bad answer (%s) is a TransientError, never a wrong user', async (kind) => {
    for (const client of [rig.client(), rig.client({ seatsMode: 'named' })]) {
      rig.sim.faults.badAnswerNext(kind, 1, { method: 'GET' });
      const err = await rejectionOf(client.getUser('1000002'));
      expect(err).toBeInstanceOf(TransientError);
    }
  });

  test('no answer within timeoutMs is HUBSPOT_TIMEOUT', async () => {
    rig.sim.faults.slowMs = 5_000;
    rig.sim.faults.badAnswerNext('slow', 1);
    const err = await rejectionOf(rig.client({ timeoutMs: 200 }).listRoles());
    expect(err).toBeInstanceOf(TransientError);
    expect(err).toMatchObject({ code: 'HUBSPOT_TIMEOUT' });
  });
});

describe('dry run and hooks', () => {
  test('dry run refuses every write before any request', async () => {
    const client = rig.client({ dryRun: true });
    const before = rig.sim.counts();
    const owner = rig.sim.admin.user('owner@acme.example');
    const ownerWrites = rig.sim.writesTo(owner?.id ?? '').length;
    await expect(client.createUser({ email: 'dry@acme.example', sendWelcomeEmail: false })).rejects.toBeInstanceOf(DryRunRefusedError);
    await expect(client.updateUser(owner?.id ?? '', { roleId: null })).rejects.toBeInstanceOf(DryRunRefusedError);
    await expect(client.deleteUser(owner?.id ?? '')).rejects.toBeInstanceOf(DryRunRefusedError);
    expect((await client.listRoles()).length).toBeGreaterThan(0);
    const after = rig.sim.counts();
    expect(after.mutating).toBe(before.mutating);
    expect(after.total).toBe(before.total + 1);
    expect(rig.sim.writesTo(owner?.id ?? '')).toHaveLength(ownerWrites);
  });

  test('hooks see every request with its templated route, status and rate', async () => {
    const order: string[] = [];
    const seen: HubSpotResponseInfo[] = [];
    const client = rig.client({
      hooks: {
        beforeRequest: async (info) => {
          order.push(`before ${info.method} ${info.route}`);
        },
        afterResponse: (info) => {
          order.push(`after ${info.status}`);
          seen.push(info);
        },
      },
    });
    await client.getUser('1000001');
    await client.getUser('999999998');
    expect(order).toEqual(['before GET /settings/v3/users/{userId}', 'after 200', 'before GET /settings/v3/users/{userId}', 'after 404']);
    expect(seen[0]).toMatchObject({ api: 'hubspot', method: 'GET', route: '/settings/v3/users/{userId}', status: 200 });
    expect(seen[0]?.rate).toMatchObject({ max: 100_000, intervalMs: 10_000 });
    expect(client.rateState()?.remaining).toBe(seen[1]?.rate?.remaining);
  });
});
