import { Queue, QueueEvents, Worker } from 'bullmq';
import Redis from 'ioredis';
import { ConfigError } from '../../../config/load';
import { PassThrough } from 'node:stream';
import { createLogger, silentLogger } from '../../../src/lib/logger';
import { createMetrics } from '../../../src/server/metrics';
import { createOpsServer, type OpsServer } from '../../../src/server/ops-server';
import { createStatusStore } from '../../../src/state/status-store';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';
import { MALICIOUS_TITLE, SECRETS, fakeOps, serverParts, testConfig } from '../../unit/server/ops-fixtures';

const prefix = uniquePrefix('ops-server');
const PROTECTED_GETS = [
  '/',
  '/api/status',
  '/api/status/sections',
  '/assets/status-live.js',
  '/users/ada%40example.com',
  '/api/users/ada%40example.com',
  '/api/plans',
  '/api/plans/plan-20261128t120000z-abc123',
  '/api/approvals',
  '/api/audit',
  '/api/failed-jobs',
  '/admin/queues',
  '/admin/queues/api/queues',
];
const PROTECTED_POSTS = ['/api/approvals/plan-20261128t120000z-abc123/approve', '/api/approvals/plan-20261128t120000z-abc123/reject', '/api/jobs/sync-user/some-job/retry'];

let redis: Redis;
let queues: Record<string, Queue>;
const started: OpsServer[] = [];

const bearer = { authorization: `Bearer ${SECRETS.admin}` };
const basic = { authorization: `Basic ${Buffer.from(`ops:${SECRETS.admin}`).toString('base64')}` };

async function startServer(opts: { allowWrites?: boolean; ready?: () => boolean; adminToken?: string | null; logger?: ReturnType<typeof silentLogger>; rateLimitedMs?: (queue: string) => Promise<number> } = {}) {
  const ops = fakeOps();
  const metrics = createMetrics({ defaultMetrics: false, queues });
  metrics.recordApiCall({ api: 'hubspot', method: 'GET', route: '/settings/v3/users/{userId}', status: 200, rateLimitRemaining: 140 });
  const server = createOpsServer({
    ...serverParts(testConfig({ allowWrites: opts.allowWrites ?? false, ...(opts.adminToken !== undefined ? { adminToken: opts.adminToken } : {}) }), queues),
    logger: opts.logger ?? silentLogger(),
    redis,
    queues,
    status: ops.status,
    actions: ops.actions,
    metrics,
    isReady: opts.ready ?? (() => true),
    ...(opts.rateLimitedMs ? { rateLimitedMs: opts.rateLimitedMs } : {}),
  });
  started.push(server);
  const { url } = await server.listen();
  return { server, url, calls: ops.calls };
}

beforeAll(async () => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  const connection = { url: testRedisUrl() };
  queues = { 'sync-user': new Queue('sync-user', { connection, prefix }), reconcile: new Queue('reconcile', { connection, prefix }) };
  // One failed job whose reason quotes a token, and one waiting job with personal data.
  const events = new QueueEvents('sync-user', { connection, prefix });
  await events.waitUntilReady();
  const failedOnce = new Promise<void>((resolve) => events.once('failed', () => resolve()));
  const worker = new Worker(
    'sync-user',
    async () => {
      throw new Error(`HubSpot refused Bearer ${SECRETS.hubspot} for the token ${SECRETS.hubspot}`);
    },
    { connection, prefix },
  );
  await queues['sync-user']!.add('sync-user', { oktaUserId: '00u1fail', email: 'failing@example.com' }, { jobId: 'fails-once', attempts: 1 });
  await failedOnce;
  await worker.close();
  await events.close();
  await queues['sync-user']!.add('sync-user', { oktaUserId: '00u1wait', email: 'waiting@example.com', firstName: 'Wanda', title: 'VP Secret Projects' }, { jobId: 'waits', delay: 3_600_000 });
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await Promise.all(Object.values(queues).map((q) => q.close()));
  await removeKeys(prefix);
  redis.disconnect();
});

describe('ops server: open endpoints', () => {
  it('answers /healthz and /readyz without a token', async () => {
    const { url } = await startServer();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', redis: 'ok' });
  });

  it('answers /readyz with 503 once shutdown begins, or while the daemon is not ready', async () => {
    const { server, url } = await startServer();
    server.beginShutdown();
    const during = await fetch(`${url}/readyz`);
    expect(during.status).toBe(503);
    expect(await during.json()).toMatchObject({ shuttingDown: true });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const notReady = await startServer({ ready: () => false });
    expect((await fetch(`${notReady.url}/readyz`)).status).toBe(503);
  });

  it('serves Prometheus metrics with queue counts and no personal data in labels', async () => {
    const { url } = await startServer();
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('okta_hubspot_sync_queue_jobs{queue="sync-user",state="failed"} 1');
    expect(text).toContain('okta_hubspot_sync_queue_jobs{queue="sync-user",state="delayed"} 1');
    expect(text).toContain('okta_hubspot_sync_api_requests_total{api="hubspot"');
    expect(text).toContain('okta_hubspot_sync_seconds_since_last_reconcile');
    expect(text).not.toMatch(/[\w.-]+@[\w.-]+|00u1/);
  });
});

describe('ops server: authentication', () => {
  it('answers 401 with a basic-auth challenge on every protected route without a token or with a wrong one', async () => {
    const { url } = await startServer({ allowWrites: true });
    for (const path of PROTECTED_GETS) {
      const none = await fetch(`${url}${path}`);
      expect([path, none.status]).toEqual([path, 401]);
      expect(none.headers.get('www-authenticate')).toContain('Basic realm=');
      const wrong = await fetch(`${url}${path}`, { headers: { authorization: 'Bearer not-the-token' } });
      expect([path, wrong.status]).toEqual([path, 401]);
    }
    for (const path of PROTECTED_POSTS) {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'x-requested-by': 'test' } });
      expect([path, res.status]).toEqual([path, 401]);
    }
  });

  it('serves every protected page with a bearer token and with basic auth', async () => {
    const { url } = await startServer();
    for (const path of PROTECTED_GETS) {
      for (const headers of [bearer, basic]) {
        const res = await fetch(`${url}${path}`, { headers });
        expect([path, res.status]).toEqual([path, 200]);
        await res.arrayBuffer();
      }
    }
  });

  it('logs a wrong token attempt without the token offered or the real one', async () => {
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    const { url } = await startServer({ logger: createLogger({ stream, format: 'json' }) });
    const offered = 'guessed-token-1234567890';
    expect((await fetch(`${url}/api/status`, { headers: { authorization: `Bearer ${offered}` } })).status).toBe(401);
    expect((await fetch(`${url}/`, { headers: { authorization: `Basic ${Buffer.from(`x:${offered}`).toString('base64')}` } })).status).toBe(401);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged.match(/wrong admin token/g)).toHaveLength(2);
    expect(logged).not.toContain(offered);
    expect(logged).not.toContain(SECRETS.admin);
  });

  it('serves the dashboard page and its scripts under the admin token', async () => {
    const { url } = await startServer();
    const page = await fetch(`${url}/admin/queues`, { headers: basic });
    const body = await page.text();
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = /<script defer src="([^"]+)"/.exec(body)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${url}/admin/queues/${script!}`, { headers: basic });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    await js.arrayBuffer();
    expect((await fetch(`${url}/admin/queues/${script!}`)).status).toBe(401);
  });

  it('refuses to listen beyond loopback without an admin token', () => {
    const ops = fakeOps();
    const loopback = testConfig({ adminToken: null });
    const exposedWithoutToken = { ...loopback, env: { ...loopback.env, HOST: '0.0.0.0' } };
    expect(() => testConfig({ host: '0.0.0.0', adminToken: null })).toThrow(/without authentication/);
    expect(() =>
      createOpsServer({
        // loadConfig refuses this binding itself; the server refuses it too when handed such a config.
        ...serverParts(exposedWithoutToken, queues),
        logger: silentLogger(),
        redis,
        queues,
        status: ops.status,
        actions: ops.actions,
        metrics: createMetrics({ defaultMetrics: false }),
        isReady: () => true,
      }),
    ).toThrow(ConfigError);
  });

  it('without a token on loopback, refuses requests addressed to another host name (DNS rebinding)', async () => {
    const { url } = await startServer({ adminToken: null });
    expect((await fetch(`${url}/api/status`)).status).toBe(200);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/api/status`, { headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});

describe('ops server: writes', () => {
  it('answers 403 to every write while read-only, dashboard included', async () => {
    const { url, calls } = await startServer({ allowWrites: false });
    for (const path of PROTECTED_POSTS) {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers: { ...bearer, 'x-requested-by': 'test' } });
      expect([path, res.status]).toEqual([path, 403]);
    }
    const pause = await fetch(`${url}/admin/queues/api/queues/sync-user/pause`, { method: 'PUT', headers: { ...bearer, 'x-requested-by': 'test' } });
    expect(pause.status).toBe(403);
    expect(calls).toEqual([]);
    expect(await queues['sync-user']!.isPaused()).toBe(false);
  });

  it('carries out a JSON write that names itself with X-Requested-By', async () => {
    const { url, calls } = await startServer({ allowWrites: true });
    const res = await fetch(`${url}/api/approvals/plan-20261128t120000z-abc123/approve`, { method: 'POST', headers: { ...bearer, 'x-requested-by': 'cli' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, message: 'approved' });
    const missing = await fetch(`${url}/api/approvals/nope/approve`, { method: 'POST', headers: { ...bearer, 'x-requested-by': 'cli' } });
    expect(missing.status).toBe(404);
    const retry = await fetch(`${url}/api/jobs/sync-user/fails-once/retry`, { method: 'POST', headers: { ...bearer, 'x-requested-by': 'cli' } });
    expect(retry.status).toBe(200);
    expect(calls.map((c) => [c.action, ...c.args, c.by.via])).toEqual([
      ['approve', 'plan-20261128t120000z-abc123', 'api'],
      ['approve', 'nope', 'api'],
      ['retryJob', 'sync-user', 'fails-once', 'api'],
    ]);
  });

  it('refuses cross-site writes even with valid credentials', async () => {
    const { url, calls } = await startServer({ allowWrites: true });
    const path = `${url}/api/approvals/plan-20261128t120000z-abc123/approve`;
    const form = { ...basic, 'content-type': 'application/x-www-form-urlencoded' };
    const attempts: Array<Record<string, string>> = [
      { ...basic },
      { ...basic, origin: 'https://evil.example' },
      { ...basic, 'sec-fetch-site': 'cross-site', 'x-requested-by': 'x' },
      { ...basic, 'sec-fetch-site': 'same-site', 'x-requested-by': 'x' },
      { ...basic, origin: 'null', 'x-requested-by': 'x' },
      form,
      { ...basic, 'content-type': 'text/plain' },
    ];
    for (const headers of attempts) {
      const res = await fetch(path, { method: 'POST', headers, body: headers['content-type'] ? 'approve=1' : null });
      expect([headers, res.status]).toEqual([headers, 403]);
    }
    expect(calls).toEqual([]);
  });

  it('accepts the status page form with its form token and redirects back with a notice', async () => {
    const { url, calls } = await startServer({ allowWrites: true });
    const pageHtml = await (await fetch(`${url}/`, { headers: basic })).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(pageHtml)?.[1];
    expect(token).toBeDefined();
    const res = await fetch(`${url}/api/approvals/plan-20261128t120000z-abc123/reject`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...basic, 'content-type': 'application/x-www-form-urlencoded', origin: url, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ _csrf: token! }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?notice=rejected');
    expect(calls.map((c) => [c.action, c.by.via])).toEqual([['reject', 'page']]);
    const after = await (await fetch(`${url}${res.headers.get('location')!}`, { headers: basic })).text();
    expect(after).toContain('Rejected: the held deletions were dropped.');
  });
});

describe('ops server: what pages show', () => {
  it('never shows a token or secret, in any page or answer', async () => {
    const { url } = await startServer({ allowWrites: true });
    const bodies: string[] = [];
    for (const path of [...PROTECTED_GETS, '/admin/queues/api/queues?activeQueue=sync-user&status=failed', '/admin/queues/api/queues/sync-user/fails-once', '/metrics', '/readyz', '/healthz', '/nope']) {
      bodies.push(await (await fetch(`${url}${path}`, { headers: bearer })).text());
    }
    bodies.push(await (await fetch(`${url}/api/jobs/nope/x/retry`, { method: 'POST', headers: { ...bearer, 'x-requested-by': 'x' } })).text());
    const all = bodies.join('\n');
    expect(all).toContain('failing@example.com');
    // The dashboard's job details carry BullMQ's failure reason and stack trace, redacted.
    expect(bodies[PROTECTED_GETS.length + 1]).toContain('HubSpot refused Bearer [REDACTED]');
    for (const secret of Object.values(SECRETS)) {
      expect(all).not.toContain(secret);
    }
  });

  it('escapes a malicious title on the status page and sets a strict content security policy', async () => {
    const { url } = await startServer();
    const res = await fetch(`${url}/`, { headers: bearer });
    const body = await res.text();
    expect(body).not.toContain(MALICIOUS_TITLE);
    expect(body).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'nonce-[^']+'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('gives the user page the status page\'s policy and serves the page\'s script as JavaScript from this server', async () => {
    const { url } = await startServer();
    const page = await fetch(`${url}/users/${encodeURIComponent('ada@example.com')}`, { headers: bearer });
    const body = await page.text();
    expect(body).toContain('<h1>ada@example.com</h1>');
    expect(body).toContain('ada@example.com was assigned to the HubSpot app');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src 'nonce-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    const script = await fetch(`${url}/assets/status-live.js`, { headers: bearer });
    expect(script.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(await script.text()).toContain("fetch(url, { credentials: 'same-origin'");
    const sections = (await (await fetch(`${url}/api/status/sections`, { headers: bearer })).json()) as { sections: Record<string, string> };
    expect(sections.sections.failed).toContain('frank@example.com');
    // Secrets are redacted in the sections as on the page.
    expect(JSON.stringify(sections)).not.toContain(SECRETS.admin);
  });

  it('filters the audit trail by user in the JSON API', async () => {
    const { url } = await startServer();
    const res = await fetch(`${url}/api/audit?user=${encodeURIComponent('ada@example.com')}`, { headers: bearer });
    const body = (await res.json()) as { entries: Array<{ email: string }> };
    expect(body.entries.map((e) => e.email)).toEqual(['ada@example.com']);
  });

  it('shows job data in the dashboard with the email but without other personal fields', async () => {
    const { url } = await startServer();
    const res = await fetch(`${url}/admin/queues/api/queues?activeQueue=sync-user&status=delayed`, { headers: bearer });
    const text = await res.text();
    expect(text).toContain('waiting@example.com');
    expect(text).not.toContain('Wanda');
    expect(text).not.toContain('VP Secret Projects');
  });

  it('shows a queue as rate limited only after an API answered 429, not while the worker limiter counts jobs', async () => {
    type QueuesAnswer = { queues: Array<{ name: string; activeRateLimitTtl: number }> };
    const ttlOf = async (url: string) => {
      const res = await fetch(`${url}/admin/queues/api/queues`, { headers: bearer });
      return ((await res.json()) as QueuesAnswer).queues.find((q) => q.name === 'sync-user')?.activeRateLimitTtl;
    };
    const status = createStatusStore(redis, prefix);
    // The key BullMQ's worker limiter keeps while jobs run: bull-board alone reads it as "rate limited".
    await redis.set(`${prefix}:sync-user:limiter`, '3', 'PX', 9_000);
    expect(await queues['sync-user']!.getRateLimitTtl()).toBeGreaterThan(0);
    const { url } = await startServer({ rateLimitedMs: (q) => status.rateLimitedMs(q) });
    expect(await ttlOf(url)).toBe(0);
    await status.noteRateLimited('sync-user', 5_000);
    expect(await ttlOf(url)).toBeGreaterThan(4_000);
    await redis.del(`${prefix}:sync-user:limiter`);
  });
});
