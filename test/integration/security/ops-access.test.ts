import crypto from 'node:crypto';
import http from 'node:http';
import { PassThrough } from 'node:stream';
import { appRoutes } from '@bull-board/api/dist/routes.js';
import { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { createLogger, silentLogger } from '../../../src/lib/logger';
import { createAdminAuth } from '../../../src/server/admin-auth';
import { DASHBOARD_PATH } from '../../../src/server/dashboard';
import { createMetrics } from '../../../src/server/metrics';
import { createOpsServer, type OpsServer } from '../../../src/server/ops-server';
import { isReadOnlyPost } from '../../../src/server/rules-what-if';
import { WHAT_IF_API_PATH, WHAT_IF_PAGE_PATH } from '../../../src/server/what-if-paths';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';
import { SECRETS, fakeOps, serverParts, testConfig } from '../../unit/server/ops-fixtures';

/**
 * The ops server's access rules over every route it serves, found from the routes themselves
 * (its own router and bull-board's route table) rather than from a list kept by hand, so a
 * route added later is covered: without the admin token everything but /healthz, /readyz and
 * /metrics answers 401, whatever the method, path spelling or credential trick; with it, every
 * write is refused while read-only (but the what-if, which changes nothing) and from another site. The token comparison hashes both
 * sides and compares the digests with timingSafeEqual, whatever was offered.
 * (test/integration/server/ops-server.test.ts covers the pages, redaction and forms.)
 */

const OPEN = ['GET /healthz', 'GET /readyz', 'GET /metrics'];
const prefix = uniquePrefix('ops-access');
const SAMPLE: Record<string, string> = { id: 'plan-20261128t120000z-abc123', decision: 'approve', queue: 'sync-user', queueName: 'sync-user', jobId: 'job-1', queueStatus: 'failed', schedulerId: 'nightly' };

interface Endpoint {
  method: string;
  path: string;
}

let queues: Record<string, Queue>;
const started: OpsServer[] = [];

/** A raw request (no client-side path normalisation, any method, a fresh connection); resolves status and body. */
function raw(url: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  const withBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path, agent: false, headers: { ...headers, ...(withBody ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(withBody ? '{}' : undefined);
  });
}

const fill = (pattern: string) => pattern.replace(/:(\w+)/g, (_m, name: string) => SAMPLE[name] ?? 'x');

/** Routes of an express router stack, walking mounted routers; `before` stops at the named middleware. */
function routesOf(stack: readonly unknown[], stopAt?: string): { routes: Endpoint[]; stopped: boolean } {
  const routes: Endpoint[] = [];
  for (const layer of stack) {
    const l = layer as { name?: string; route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } };
    if (stopAt !== undefined && l.name === stopAt) {
      return { routes, stopped: true };
    }
    if (l.route) {
      for (const m of Object.keys(l.route.methods)) {
        routes.push({ method: m.toUpperCase(), path: l.route.path });
      }
    } else if (l.handle?.stack) {
      routes.push(...routesOf(l.handle.stack).routes);
    }
  }
  return { routes, stopped: false };
}

/** Every endpoint the server answers: its own routes and the dashboard's (entry pages and API). */
function allEndpoints(server: OpsServer): Endpoint[] {
  const own = routesOf(server.app.router.stack).routes.map((r) => ({ method: r.method, path: fill(r.path) }));
  const entry = (Array.isArray(appRoutes.entryPoint.route) ? appRoutes.entryPoint.route : [appRoutes.entryPoint.route]).map((p) => ({ method: 'GET', path: `${DASHBOARD_PATH}${fill(String(p))}` }));
  const api = appRoutes.api.flatMap((r) =>
    [r.method].flat().flatMap((m) => [r.route].flat().map((p) => ({ method: m.toUpperCase(), path: `${DASHBOARD_PATH}${fill(String(p))}` }))),
  );
  return [...own, ...entry, ...api];
}

async function start(opts: { allowWrites: boolean; logger?: ReturnType<typeof silentLogger> }) {
  const ops = fakeOps();
  const server = createOpsServer({
    ...serverParts(testConfig({ allowWrites: opts.allowWrites }), queues),
    logger: opts.logger ?? silentLogger(),
    redis: { ping: async () => 'PONG' },
    queues,
    status: ops.status,
    actions: ops.actions,
    metrics: createMetrics({ defaultMetrics: false, queues }),
    isReady: () => true,
  });
  started.push(server);
  const { url } = await server.listen();
  return { server, url, calls: ops.calls };
}

async function queuesUntouched(): Promise<void> {
  for (const q of Object.values(queues)) {
    expect(await q.isPaused()).toBe(false);
  }
  expect(await queues['sync-user']!.getJob('keep-me')).toBeDefined();
}

beforeAll(async () => {
  const connection = { url: testRedisUrl() };
  queues = { 'sync-user': new Queue('sync-user', { connection, prefix }), reconcile: new Queue('reconcile', { connection, prefix }) };
  await queues['sync-user']!.add('sync-user', { oktaUserId: '00u1keep' }, { jobId: 'keep-me', delay: 3_600_000 });
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await Promise.all(Object.values(queues).map((q) => q.close()));
  await removeKeys(prefix);
});

describe('routes open without the admin token', () => {
  it('are exactly /healthz, /readyz and /metrics, all registered before the admin check', async () => {
    const { server } = await start({ allowWrites: true });
    const before = routesOf(server.app.router.stack, 'adminAuth');
    expect(before.stopped).toBe(true);
    // A path may have several handlers in turn (readiness checks Redis, then the APIs, then the daemon).
    expect([...new Set(before.routes.map((r) => `${r.method} ${r.path}`))].sort()).toEqual([...OPEN].sort());
    expect(allEndpoints(server).length).toBeGreaterThan(40);
  });
});

describe('without the admin token', () => {
  it('every other route, with every method, answers 401 and changes nothing', async () => {
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (c: Buffer) => (logged += c.toString()));
    const { server, url, calls } = await start({ allowWrites: true, logger: createLogger({ stream, format: 'json' }) });
    const guessed = 'guessed-token-with-some-length-0123456789';
    const credentials: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${guessed}` },
      { authorization: `Bearer ${SECRETS.admin.slice(0, -1)}` },
      { authorization: `Bearer ${SECRETS.admin}x` },
      { authorization: `Bearer ${SECRETS.admin.toUpperCase()}` },
      { authorization: `Basic ${Buffer.from(`ops:${guessed}`).toString('base64')}` },
      { authorization: `Basic ${Buffer.from(SECRETS.admin).toString('base64')}` },
      { authorization: 'Basic %%%not-base64' },
      { authorization: `Token ${SECRETS.admin}` },
      { authorization: `Bearer ${SECRETS.admin} ${SECRETS.admin}` },
      { 'x-admin-token': SECRETS.admin, cookie: `token=${SECRETS.admin}` },
    ];
    const failures: string[] = [];
    for (const e of allEndpoints(server).filter((x) => !OPEN.includes(`${x.method} ${x.path}`))) {
      for (const headers of credentials) {
        const res = await raw(url, e.method, e.path, { ...headers, 'x-requested-by': 'test' });
        if (res.status !== 401) {
          failures.push(`${e.method} ${e.path} with ${JSON.stringify(headers)} → ${res.status}`);
        }
      }
      const inQuery = await raw(url, e.method, `${e.path}${e.path.includes('?') ? '&' : '?'}token=${SECRETS.admin}&access_token=${SECRETS.admin}`);
      if (inQuery.status !== 401) {
        failures.push(`${e.method} ${e.path} with the token in the query → ${inQuery.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toEqual([]);
    await queuesUntouched();
    expect(logged).toContain('wrong admin token');
    for (const secret of [guessed, SECRETS.admin, SECRETS.admin.slice(0, -1), SECRETS.admin.toUpperCase()]) {
      expect(logged).not.toContain(secret);
    }
  });

  it('odd spellings of protected paths and other methods answer 401 or 404, never protected content', async () => {
    const { url } = await start({ allowWrites: true });
    const tricks = [
      '//api/status',
      '/api/status/',
      '/API/STATUS',
      '/api//status',
      '/api/status%2f',
      '/%61pi/status',
      '/healthz/../api/status',
      '/metrics/../api/status',
      '/healthz/%2e%2e/api/status',
      '/./api/status',
      '/api/status;.css',
      '/api/status?/healthz',
      '/healthz?x=/api/status',
      `${DASHBOARD_PATH}/../api/audit`,
      `${DASHBOARD_PATH.toUpperCase()}/api/queues`,
      '/metrics/',
      '/metricsx',
      '/readyz/api/status',
    ];
    const failures: string[] = [];
    for (const path of tricks) {
      for (const method of ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE']) {
        const res = await raw(url, method, path);
        const leaked = /"plans"|"approvals"|"entries"|carol@example\.com|ada@example\.com|<form/.test(res.body);
        // A spelling that still names an open endpoint may answer it (/metrics/, /healthz?x=…).
        const openAnswer = res.status === 200 && (method === 'GET' || method === 'HEAD') && (res.body === '' || /^\{"status":"(ok|ready)"|^# HELP/.test(res.body));
        if ((res.status !== 401 && res.status !== 404 && !openAnswer) || leaked) {
          failures.push(`${method} ${path} → ${res.status}${leaked ? ' with protected content' : ''}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('with the admin token', () => {
  const bearer = { authorization: `Bearer ${SECRETS.admin}` };

  it('every write is refused (403) while the server is read-only, and nothing changes', async () => {
    const { server, url, calls } = await start({ allowWrites: false });
    // The what-if (its API and its page's form) is a POST that changes nothing: the only ones let through.
    expect(allEndpoints(server).filter(isReadOnlyPost).map((e) => e.path)).toEqual([WHAT_IF_API_PATH, WHAT_IF_PAGE_PATH]);
    const writes = allEndpoints(server).filter((e) => e.method !== 'GET' && !isReadOnlyPost(e));
    expect(writes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const e of writes) {
      const res = await raw(url, e.method, e.path, { ...bearer, 'x-requested-by': 'test' });
      if (res.status !== 403) {
        failures.push(`${e.method} ${e.path} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toEqual([]);
    await queuesUntouched();
  });

  it('every write from another site is refused (403), and nothing changes', async () => {
    const { server, url, calls } = await start({ allowWrites: true });
    const crossSite: Array<Record<string, string>> = [
      { origin: 'https://evil.example', 'x-requested-by': 'x' },
      { 'sec-fetch-site': 'cross-site', 'x-requested-by': 'x' },
      { 'sec-fetch-site': 'same-site', 'x-requested-by': 'x' },
      { origin: 'null', 'x-requested-by': 'x' },
      {},
    ];
    const failures: string[] = [];
    for (const e of allEndpoints(server).filter((x) => x.method !== 'GET')) {
      for (const headers of crossSite) {
        const res = await raw(url, e.method, e.path, { ...bearer, ...headers });
        if (res.status !== 403) {
          failures.push(`${e.method} ${e.path} with ${JSON.stringify(headers)} → ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toEqual([]);
    await queuesUntouched();
  });
});

describe('the token comparison', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('hashes what is offered and compares 32-byte SHA-256 digests with timingSafeEqual, right or wrong, short or long', () => {
    const hash = jest.spyOn(crypto, 'createHash');
    const safeEqual = jest.spyOn(crypto, 'timingSafeEqual');
    const auth = createAdminAuth({ token: SECRETS.admin, logger: silentLogger() });
    hash.mockClear();
    const offers = [SECRETS.admin, 'x', SECRETS.admin.slice(0, 5), `${SECRETS.admin}${'y'.repeat(500)}`, 'z'.repeat(SECRETS.admin.length)];
    for (const offered of offers) {
      safeEqual.mockClear();
      hash.mockClear();
      let passed = false;
      const status = { code: 0 };
      const res = {
        setHeader: () => res,
        status: (c: number) => ((status.code = c), res),
        json: () => res,
        type: () => res,
        send: () => res,
      };
      const req = { headers: { authorization: `Bearer ${offered}` }, method: 'GET', path: '/api/status', socket: { remoteAddress: '127.0.0.1' } };
      auth(req as unknown as Request, res as unknown as Response, (() => (passed = true)) as NextFunction);
      expect([offered.length, passed]).toEqual([offered.length, offered === SECRETS.admin]);
      expect(hash.mock.calls).toEqual([['sha256']]);
      expect(safeEqual).toHaveBeenCalledTimes(1);
      const [a, b] = safeEqual.mock.calls[0] ?? [];
      expect([Buffer.isBuffer(a) && a.length, Buffer.isBuffer(b) && b.length]).toEqual([32, 32]);
    }
  });
});
