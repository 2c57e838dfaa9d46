import { OutageError, PermanentError, RateLimitedError, TransientError } from '../../../src/lib/errors';
import { OKTA_EVENT_FILTER } from '../../../src/okta/okta-events';
import type { OktaResponseInfo } from '../../../src/okta/okta-request-executor';
import type { OktaLogEvent } from '../../../src/okta/okta-types';
import { generatedSeed } from '../../../simulators/seeds/generated';
import { listAllCandidates, rejectionOf, startOktaRig, type OktaTestRig } from '../../helpers/okta-sim';

/**
 * The Okta client through the real SDK against the simulated Okta: paging app users with their
 * users embedded, reading one user, polling and resuming the System Log, reading history, and
 * turning Okta's failures into the daemon's errors.
 */

let rig: OktaTestRig;

beforeAll(async () => {
  rig = await startOktaRig();
});

afterAll(async () => {
  await rig.stop();
});

beforeEach(() => {
  rig.sim.faults.reset();
  rig.sim.clearRequests();
});

describe('listAssignedUsers', () => {
  test('pages through every assignment with users embedded, one request per page and none per user', async () => {
    const client = rig.client({ pageSize: 7 });
    const { candidates, pages } = await listAllCandidates(client);
    const expected = rig.sim.admin.listAssigned();
    expect(candidates.map((c) => c.oktaUserId)).toEqual(expected.map((u) => u.id));
    expect(pages.length).toBe(Math.ceil(expected.length / 7));
    const counts = rig.sim.requestCounts();
    expect(counts['GET /api/v1/apps/{appId}/users']).toBe(pages.length);
    expect(counts['GET /api/v1/users/{userId}']).toBeUndefined();
    expect(counts['GET /api/v1/users']).toBeUndefined();
    // Every page asked for expand=user, although Okta's next links drop it.
    expect(rig.sim.requests.filter((r) => r.route === '/api/v1/apps/{appId}/users').every((r) => r.path.includes('expand=user'))).toBe(true);
  });

  test('maps profile, status, scope and assignment date', async () => {
    const { candidates } = await listAllCandidates(rig.client());
    const ada = candidates.find((c) => c.email === 'ada.lovelace@acme.example');
    expect(ada).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', title: 'Sales Manager', status: 'ACTIVE', assigned: true, assignedVia: 'USER' });
    expect(ada?.assignedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const viaGroup = candidates.find((c) => c.email === 'edsger.dijkstra@acme.example');
    expect(viaGroup?.assignedVia).toBe('GROUP');
    // Not assigned: never listed.
    expect(candidates.find((c) => c.email === 'linus.torvalds@acme.example')).toBeUndefined();
  });

  test('a page that comes without embedded users is completed with one bulk request', async () => {
    rig.sim.faults.badAnswerNext('strip-embedded', { route: /\/apps\/[^/]+\/users\?.*after=/ });
    const { candidates } = await listAllCandidates(rig.client({ pageSize: 10 }));
    expect(candidates.map((c) => c.oktaUserId)).toEqual(rig.sim.admin.listAssigned().map((u) => u.id));
    expect(candidates.every((c) => c.login.includes('@') && c.status !== 'UNKNOWN')).toBe(true);
    expect(rig.sim.requestCounts()['GET /api/v1/users']).toBe(1);
    expect(rig.sim.requestCounts()['GET /api/v1/users/{userId}']).toBeUndefined();
  });

  test('a failure on a later page throws instead of returning a partial list', async () => {
    rig.sim.faults.failNext(500, { route: /\/apps\/[^/]+\/users\?.*after=/ });
    const client = rig.client({ pageSize: 10 });
    const seen: number[] = [];
    const err = await rejectionOf(
      (async () => {
        for await (const page of client.listAssignedUsers()) {
          seen.push(page.length);
        }
      })(),
    );
    expect(err).toBeInstanceOf(TransientError);
    expect(seen).toEqual([10]);
  });
});

describe('getCandidate', () => {
  test('reads a user by id and by login, with the assignment', async () => {
    const ada = rig.sim.admin.getUser('ada.lovelace@acme.example');
    const client = rig.client();
    const byId = await client.getCandidate(ada?.id ?? '');
    const byLogin = await client.getCandidate('ada.lovelace@acme.example');
    expect(byId).toEqual(byLogin);
    expect(byId).toMatchObject({ oktaUserId: ada?.id, assigned: true, assignedVia: 'USER', title: 'Sales Manager' });
  });

  test('an unassigned user is returned as not assigned; an unknown one as null', async () => {
    const client = rig.client();
    expect(await client.getCandidate('linus.torvalds@acme.example')).toMatchObject({ assigned: false, assignedVia: null, assignedAt: null });
    expect(await client.getCandidate('nobody@acme.example')).toBeNull();
  });

  test('sees a change made between two reads (the SDK cache is off)', async () => {
    const client = rig.client();
    const u = rig.sim.admin.createUser({ login: 'cache.check@acme.example', firstName: 'Cache', lastName: 'Check', title: 'Intern', assign: true });
    expect((await client.getCandidate(u.id))?.title).toBe('Intern');
    rig.sim.admin.updateProfile(u.id, { title: 'Sales Rep' });
    expect((await client.getCandidate(u.id))?.title).toBe('Sales Rep');
    rig.sim.admin.deactivate(u.id);
    expect(await client.getCandidate(u.id)).toMatchObject({ status: 'DEPROVISIONED', assigned: false });
  });
});

describe('System Log', () => {
  test('polling: empty pages end a poll, the cursor resumes with only new events, nothing repeats', async () => {
    const client = rig.client({ logPageSize: 5 });
    const since = new Date(Date.now() - 1000).toISOString();
    // The first poll drains whatever earlier tests left within the last second.
    const first = await client.pollLog(null, since, OKTA_EVENT_FILTER);
    expect(first.nextCursor).toMatch(new RegExp(`^${rig.url}/api/v1/logs\\?`));

    const again = await client.pollLog(first.nextCursor, since, OKTA_EVENT_FILTER);
    expect(again.events).toEqual([]);

    const u = rig.sim.admin.createUser({ login: 'poll.one@acme.example', firstName: 'Poll', lastName: 'One' });
    rig.sim.admin.assign(u.id);
    rig.sim.admin.updateProfile(u.id, { title: 'Sales Rep' });
    for (let i = 0; i < 6; i++) {
      rig.sim.admin.updateProfile(u.id, { title: `Title ${i}` });
    }
    const second = await client.pollLog(again.nextCursor, since, OKTA_EVENT_FILTER);
    const types = second.events.map((e) => e.eventType);
    expect(types.slice(0, 3)).toEqual(['user.lifecycle.create', 'user.lifecycle.activate', 'application.user_membership.add']);
    expect(second.events).toHaveLength(10);
    expect(second.events.every((e) => e.userIds.includes(u.id))).toBe(true);

    const third = await client.pollLog(second.nextCursor, since, OKTA_EVENT_FILTER);
    expect(third.events).toEqual([]);
    rig.sim.admin.suspend(u.id);
    const fourth = await client.pollLog(third.nextCursor, since, OKTA_EVENT_FILTER);
    expect(fourth.events.map((e) => e.eventType)).toEqual(['user.lifecycle.suspend']);
    const uuids = [...second.events, ...fourth.events].map((e) => e.uuid);
    expect(new Set(uuids).size).toBe(uuids.length);
  });

  test('a stored cursor is only ever followed on the org origin (the token goes nowhere else)', async () => {
    const client = rig.client();
    const { nextCursor } = await client.pollLog(null, new Date().toISOString());
    const elsewhere = nextCursor.replace(rig.url, 'http://attacker.invalid:8443');
    rig.sim.admin.createUser({ login: 'origin.check@acme.example' });
    const { events } = await client.pollLog(elsewhere, '', OKTA_EVENT_FILTER);
    expect(events.map((e) => e.eventType)).toContain('user.lifecycle.create');
  });

  test('events carry the user, app and group ids of their targets', async () => {
    const client = rig.client();
    const since = new Date(Date.now() - 1000).toISOString();
    const start = await client.pollLog(null, since, OKTA_EVENT_FILTER);
    const u = rig.sim.admin.createUser({ login: 'targets@acme.example', firstName: 'Tar', lastName: 'Gets' });
    rig.sim.admin.addToGroup(u.id, 'Sales');
    const { events } = await client.pollLog(start.nextCursor, since, OKTA_EVENT_FILTER);
    const group = events.find((e) => e.eventType === 'group.user_membership.add');
    const app = events.find((e) => e.eventType === 'application.user_membership.add');
    const salesId = rig.sim.admin.listGroups().find((g) => g.name === 'Sales')?.id;
    expect(group).toMatchObject({ userIds: [u.id], groupIds: [salesId], outcome: 'SUCCESS' });
    expect(app).toMatchObject({ userIds: [u.id], appIds: [rig.sim.appId] });
    expect(app?.targets?.find((t) => t.type === 'User')?.alternateId).toBe('targets@acme.example');
  });

  test('history: a bounded window is read to its end, oldest first, without a poll cursor', async () => {
    const client = rig.client({ logPageSize: 7 });
    const until = new Date().toISOString();
    const since = new Date(Date.now() - 80 * 24 * 3600 * 1000).toISOString();
    const events: OktaLogEvent[] = [];
    for await (const page of client.readLogHistory(since, until, 'eventType eq "application.user_membership.add"')) {
      events.push(...page);
    }
    const assignedAtSeed = rig.sim.admin.listAssigned().length;
    expect(events.length).toBeGreaterThanOrEqual(assignedAtSeed);
    const published = events.map((e) => e.published);
    expect([...published].sort()).toEqual(published);
    expect(events.every((e) => e.eventType === 'application.user_membership.add')).toBe(true);
  });
});

describe('failures', () => {
  test('a 429 becomes RateLimitedError with the wait Okta asked for', async () => {
    rig.sim.faults.fail429Next(1, { route: '/api/v1/users/{userId}', resetInSeconds: 3 });
    const err = await rejectionOf(rig.client().getCandidate('ada.lovelace@acme.example'));
    expect(err).toBeInstanceOf(RateLimitedError);
    const r = err as RateLimitedError;
    expect(r.code).toBe('OKTA_E0000047');
    expect(r.retryAfterMs).toBeGreaterThanOrEqual(3000);
    expect(r.retryAfterMs).toBeLessThanOrEqual(5000);
    expect(r.message).toContain('ada.lovelace@acme.example');
  });

  test('a 5xx becomes TransientError', async () => {
    rig.sim.faults.failNext(503, { route: '/api/v1/apps/{appId}' });
    const err = await rejectionOf(rig.client().getApp());
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).status).toBe(503);
  });

  test('a wrong token is an OutageError (token rejected) that never shows the token', async () => {
    const secret = 'wrong-token-value-0123456789';
    const client = rig.client({ token: secret });
    const err = await rejectionOf(client.getCandidate('ada.lovelace@acme.example'));
    expect(err).toBeInstanceOf(OutageError);
    expect(err).toMatchObject({ api: 'okta', kind: 'token-rejected', code: 'OKTA_E0000011' });
    expect(err.message).not.toContain(secret);
    expect(JSON.stringify({ message: err.message, stack: err.stack })).not.toContain(secret);
  });

  test('a wrong app id fails getApp with a PermanentError naming it', async () => {
    const err = await rejectionOf(rig.client({ appId: '0oawrongapp00000001' }).getApp());
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as PermanentError).code).toBe('OKTA_E0000007');
    expect(err.message).toContain('0oawrongapp00000001');
    expect(await rig.client().getApp()).toEqual({ id: rig.sim.appId, label: 'HubSpot', status: 'ACTIVE' });
  });

  test('unreadable answers are transient; no answer (timeout, dropped connection) is an outage', async () => {
    // A truncated body is only noticed when the request times out.
    const client = rig.client({ timeoutMs: 1000 });
    for (const bad of ['html-200', 'malformed-json', 'truncated', 'drop-connection'] as const) {
      rig.sim.faults.badAnswerNext(bad, { route: '/api/v1/apps/{appId}' });
      const err = await rejectionOf(client.getApp());
      // No answer (a timeout, a dropped connection) looks like an outage: the breaker probes for its end.
      const noAnswer = bad === 'truncated' || bad === 'drop-connection';
      expect({ bad, type: err.constructor.name }).toEqual({ bad, type: noAnswer ? 'OutageError' : 'TransientError' });
    }
  });

  test('a next link that loops is refused', async () => {
    rig.sim.faults.badAnswerNext('loop-link', { route: '/api/v1/apps/{appId}/users' });
    const err = await rejectionOf(listAllCandidates(rig.client({ pageSize: 5 })));
    expect(err).toBeInstanceOf(TransientError);
  });

  test('the metrics hook sees every call with a route free of ids', async () => {
    const seen: OktaResponseInfo[] = [];
    const client = rig.client({ hooks: { afterResponse: (i) => seen.push(i) } });
    await client.getCandidate('ada.lovelace@acme.example');
    expect(seen.map((s) => `${s.method} ${s.route} ${s.status}`)).toEqual([
      'GET /api/v1/users/{userId} 200',
      'GET /api/v1/apps/{appId}/users/{userId} 200',
    ]);
  });
});

describe('SDK traps', () => {
  test('a trailing slash on the org URL does not produce // paths', async () => {
    await rig.client({ orgUrl: `${rig.url}/` }).getApp();
    expect(rig.sim.requests.map((r) => r.path)).toEqual([`/api/v1/apps/${rig.sim.appId}`]);
  });

  test('HTTPS_PROXY in the environment is ignored: the org is reached directly', async () => {
    const saved = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = 'http://127.0.0.1:9';
    try {
      const client = rig.client();
      expect((await client.getApp()).id).toBe(rig.sim.appId);
    } finally {
      if (saved === undefined) {
        delete process.env.HTTPS_PROXY;
      } else {
        process.env.HTTPS_PROXY = saved;
      }
    }
  });
});

describe('rate limits', () => {
  test('when the budget runs out the client waits for the reset instead of earning a 429', async () => {
    let clock = Date.parse('2030-01-01T00:00:10Z');
    const small = await startOktaRig({ seed: generatedSeed(30), rateLimits: { apps: 2 }, now: () => clock });
    try {
      const waits: number[] = [];
      const client = small.client({
        pageSize: 10,
        now: () => clock,
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
      });
      const { candidates } = await listAllCandidates(client);
      expect(candidates).toHaveLength(30);
      expect(small.sim.requests.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThanOrEqual(50_000);
    } finally {
      await small.stop();
    }
  });
});
