import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { demoCompany } from '../seeds/demo-company';
import type { Seed } from '../seeds/seed-types';
import { createHubSpotAdmin, type HubSpotAdmin } from './hubspot-admin';
import { createAdminRoutes } from './hubspot-admin-routes';
import { createFaults, type HubSpotFaults, type QueuedFault } from './hubspot-faults';
import { createRateLimiter, type RateLimitOptions } from './hubspot-rate-limits';
import { createRequestLog, type SimCounts, type SimRequestRecord, type SimWriteRecord } from './hubspot-request-log';
import { createApiRoutes, matchRoute, scopeError, type RouteMatch, type RouteOutcome } from './hubspot-routes';
import { createTokenRegistry, DEFAULT_SCOPES, requiredScopes } from './hubspot-scopes';
import { errorBody, internalError, methodNotAllowed, notFoundRoute, rateLimitBody, unauthenticated, validationError } from './hubspot-sim-errors';
import type { SimErrorAnswer } from './hubspot-sim-types';
import { createHubSpotStore } from './hubspot-store';
import { TOKEN_INFO_PATH } from '../../src/hubspot/hubspot-token-info';

/**
 * A local HubSpot User Provisioning API that `@hubspot/api-client` talks to unchanged: real
 * paths and shapes, tokens with scopes (401/403), the rolling 10-second and daily rate limits
 * with their headers and 429 bodies, seat inventory, fault injection, a request log, and an
 * admin API for changes made "in HubSpot by a person".
 */

export interface HubSpotSimulatorOptions {
  /** Company data (default: the demo company). */
  seed?: Seed;
  /** The private-app token the account accepts (default: random). */
  token?: string;
  /** Scopes of `token` (default: users read/write, teams read, billing write). */
  scopes?: readonly string[];
  /** Budgets, or false for none (answers then carry no rate headers). */
  rateLimit?: RateLimitOptions | false;
  /** Token for `/__admin` (default: random). */
  adminToken?: string;
  /** Whether GET /seats answers (seats-based pricing); default: the seed has seats. */
  seatsApi?: boolean;
  /** Clock for the rate limits (default: Date.now). */
  now?: () => number;
  /** Randomness for the random 5xx and latency (default: Math.random). */
  random?: () => number;
  /** Most request records kept (counters are exact regardless). */
  requestLogLimit?: number;
}

export interface HubSpotSimulator {
  /** Listens on 127.0.0.1 (port 0: any free port); resolves to the base URL, no trailing slash. */
  start(port?: number): Promise<string>;
  /** Stops listening and drops open connections and pending slow answers. */
  stop(): Promise<void>;
  /** The base URL once started. */
  readonly url: string;
  readonly token: string;
  readonly adminToken: string;
  /** Adds a token with its scopes (e.g. fewer, to test 403). */
  registerToken(token: string, scopes: readonly string[]): void;
  readonly faults: HubSpotFaults;
  readonly admin: HubSpotAdmin;
  /** API requests received, oldest first. */
  readonly requests: readonly SimRequestRecord[];
  counts(): SimCounts;
  /** Mutating API requests that targeted this user id or email. */
  writesTo(userIdOrEmail: string): SimWriteRecord[];
  /** Every mutating API request, oldest first (whatever user it named, if any). */
  writes(): readonly SimWriteRecord[];
  /** Forgets requests, writes and counters. */
  clearLog(): void;
  /** Reloads the seed and clears the log, faults and rate limits. */
  reset(): void;
}

const MAX_BODY = 1024 * 1024;
const SIM_HUB_ID = 9_900_001;
const SIM_APP_ID = 4_200_001;
const JSON_TYPE = 'application/json;charset=utf-8';

interface Prepared {
  status: number;
  headers: Record<string, string>;
  payload: string;
  contentType: string | null;
  /** truncated: send half the body then cut the connection; slow: wait before answering. */
  mode: 'normal' | 'truncated' | 'slow';
}

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1] ?? null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

type ParsedBody = { ok: true; value: unknown } | { ok: false };

function parseJson(text: string): ParsedBody {
  if (text.trim() === '') {
    return { ok: true, value: undefined };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Damages a JSON answer for fuzzing: drops required fields or gives them the wrong type (of the
 * first user of a list), adds fields HubSpot never sent (to every user), or points the next
 * page at `after`, the cursor the request used.
 */
function damage(body: unknown, kind: 'missing-fields' | 'wrong-types' | 'unknown-fields' | 'loop-paging', after: string | null): unknown {
  const target = (o: unknown): Record<string, unknown> | null => {
    if (typeof o !== 'object' || o === null) {
      return null;
    }
    const rec = o as Record<string, unknown>;
    const results = rec.results;
    if (Array.isArray(results) && results.length > 0 && typeof results[0] === 'object' && results[0] !== null) {
      return results[0] as Record<string, unknown>;
    }
    return rec;
  };
  const copy = JSON.parse(JSON.stringify(body ?? {})) as unknown;
  const t = target(copy);
  if (!t) {
    return copy;
  }
  if (kind === 'loop-paging') {
    const next = (copy as { paging?: { next?: { after?: unknown } } }).paging?.next;
    if (next && after !== null) {
      next.after = after;
    }
    return copy;
  }
  if (kind === 'unknown-fields') {
    const rec = copy as Record<string, unknown>;
    const users = Array.isArray(rec.results) ? rec.results : [rec];
    for (const u of users) {
      if (typeof u === 'object' && u !== null) {
        Object.assign(u, { lastLoginAt: '2026-11-28T12:00:00Z', permissions: { canExport: false }, locale: 'de-DE' });
      }
    }
    rec.experimental = { flag: true };
    return copy;
  }
  if (kind === 'missing-fields') {
    for (const k of ['id', 'email', 'roleIds', 'name', 'results']) {
      delete t[k];
    }
  } else {
    for (const [k, v] of Object.entries(t)) {
      if (typeof v === 'string') {
        t[k] = /^\d+$/.test(v) ? Number(v) : v.length;
      } else if (typeof v === 'boolean') {
        t[k] = String(v);
      } else if (Array.isArray(v)) {
        t[k] = v.join(',');
      }
    }
  }
  return copy;
}

/** Creates a simulator; nothing listens until `start`. */
export function createHubSpotSimulator(opts: HubSpotSimulatorOptions = {}): HubSpotSimulator {
  const seed = opts.seed ?? demoCompany;
  const now = opts.now ?? Date.now;
  const token = opts.token ?? `pat-sim-${randomUUID()}`;
  const adminToken = opts.adminToken ?? randomBytes(24).toString('hex');
  const store = createHubSpotStore(seed);
  const tokens = createTokenRegistry();
  tokens.register(token, opts.scopes ?? DEFAULT_SCOPES);
  const rate = opts.rateLimit === false ? null : createRateLimiter(opts.rateLimit ?? {}, now);
  const control = createFaults(opts.random, now);
  const log = createRequestLog(opts.requestLogLimit);
  const seatsApi = opts.seatsApi ?? seed.hubspot.seats.length > 0;
  const routes = createApiRoutes({ store, seatsApi: () => seatsApi });
  const admin = createHubSpotAdmin({ store, seed });

  function reset(): void {
    admin.reload();
    log.clear();
    control.faults.reset();
    rate?.reset();
  }

  /** HubSpot's private-app token introspection: the token travels in the body, never in a URL. */
  function tokenInfo(body: ParsedBody): Prepared {
    const key = body.ok && typeof body.value === 'object' && body.value !== null ? (body.value as { tokenKey?: unknown }).tokenKey : undefined;
    const scopes = typeof key === 'string' ? tokens.scopesOf(key) : null;
    if (scopes === null) {
      return errorAnswer(unauthenticated, randomUUID(), {});
    }
    return json(200, { userId: 1, hubId: SIM_HUB_ID, appId: SIM_APP_ID, scopes: [...scopes].sort() }, {});
  }

  const adminRoutes = createAdminRoutes({ admin, faults: control.faults, log, reset });

  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let server: http.Server | null = null;
  let baseUrl = '';

  function wait(ms: number): Promise<void> {
    if (ms <= 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  function json(status: number, body: unknown, headers: Record<string, string>, mode: Prepared['mode'] = 'normal'): Prepared {
    return { status, headers, payload: body === undefined ? '' : JSON.stringify(body), contentType: body === undefined ? null : JSON_TYPE, mode };
  }

  function errorAnswer(err: SimErrorAnswer, correlationId: string, headers: Record<string, string>): Prepared {
    return json(err.status, errorBody(err, correlationId), headers);
  }

  function injected(fault: Extract<QueuedFault, { kind: 'answer' }>, headers: Record<string, string>): Prepared {
    const { status, body } = fault.answer;
    const extra = { ...headers, ...fault.answer.headers };
    if (typeof body === 'string') {
      return { status, headers: extra, payload: body, contentType: body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : JSON_TYPE, mode: 'normal' };
    }
    return json(status, body, extra);
  }

  function serverError(correlationId: string, headers: Record<string, string>): Prepared {
    if (control.random() < 0.5) {
      const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
      return { status: 502, headers, payload: html, contentType: 'text/html; charset=utf-8', mode: 'normal' };
    }
    return errorAnswer(internalError(), correlationId, headers);
  }

  function writeOf(method: string, match: RouteMatch | null, query: URLSearchParams, body: unknown): Omit<SimWriteRecord, 'at' | 'status' | 'route'> | null {
    if (method !== 'POST' && method !== 'PUT' && method !== 'DELETE') {
      return null;
    }
    if (method === 'POST') {
      const email = typeof body === 'object' && body !== null && typeof (body as { email?: unknown }).email === 'string' ? (body as { email: string }).email : null;
      return { method, userId: null, email };
    }
    const key = match?.userId ?? null;
    const byEmail = query.get('idProperty') === 'EMAIL';
    const user = key === null ? null : byEmail ? store.getByEmail(key) : store.get(key);
    return { method, userId: user?.id ?? (byEmail ? null : key), email: user?.email ?? (byEmail ? key : null) };
  }

  async function serveApi(req: http.IncomingMessage, url: URL, correlationId: string): Promise<{ prepared: Prepared; match: RouteMatch | null; write: Omit<SimWriteRecord, 'at' | 'status' | 'route'> | null }> {
    const method = req.method ?? 'GET';
    const match = matchRoute(url.pathname);
    const raw = method === 'POST' || method === 'PUT' || method === 'PATCH' ? await readBody(req) : '';
    const parsed: ParsedBody = raw === null ? { ok: false } : parseJson(raw);
    const fallbackWrite = writeOf(method, match, url.searchParams, parsed.ok ? parsed.value : undefined);
    const presented = bearer(req.headers.authorization);
    const scopes = presented === null ? null : tokens.scopesOf(presented);
    const app = presented ?? 'anonymous';
    const baseHeaders = (): Record<string, string> => ({ 'X-HubSpot-Correlation-Id': correlationId, ...(rate ? rate.headers(app) : {}) });

    const outage = control.faults.activeOutage();
    if (scopes === null || outage?.answer === 'unauthenticated') {
      return { prepared: errorAnswer(unauthenticated, correlationId, baseHeaders()), match, write: fallbackWrite };
    }
    if (outage) {
      return { prepared: errorAnswer({ status: 503, category: 'INTERNAL_ERROR', message: 'Service Unavailable' }, correlationId, baseHeaders()), match, write: fallbackWrite };
    }
    const window = control.faults.activeRateLimit();
    if (window) {
      return { prepared: json(429, rateLimitBody(window.policy, correlationId, app.slice(-6)), { ...baseHeaders(), [window.policy === 'DAILY' ? 'X-HubSpot-RateLimit-Daily-Remaining' : 'X-HubSpot-RateLimit-Remaining']: '0' }), match, write: fallbackWrite };
    }
    const fault = control.take(method, match?.template ?? url.pathname, parsed.ok ? parsed.value : undefined);
    if (fault?.kind === 'rate-limit') {
      return { prepared: json(429, rateLimitBody(fault.policy, correlationId, app.slice(-6)), baseHeaders()), match, write: fallbackWrite };
    }
    if (rate) {
      const decision = rate.admit(app);
      if (!decision.ok) {
        const headers = { 'X-HubSpot-Correlation-Id': correlationId, ...decision.headers };
        return { prepared: json(429, rateLimitBody(decision.policy, correlationId, app.slice(-6)), headers), match, write: fallbackWrite };
      }
    }
    const headers = baseHeaders();
    if (fault?.kind === 'answer') {
      return { prepared: injected(fault, headers), match, write: fallbackWrite };
    }
    if (!fault && control.randomServerError()) {
      return { prepared: serverError(correlationId, headers), match, write: fallbackWrite };
    }
    if (fault?.kind === 'bad' && fault.bad === 'html-200') {
      const html = '<!DOCTYPE html><html><head><title>HubSpot</title></head><body><p>Please wait while we check your browser…</p></body></html>';
      return { prepared: { status: 200, headers, payload: html, contentType: 'text/html; charset=utf-8', mode: 'normal' }, match, write: fallbackWrite };
    }
    if (fault?.kind === 'bad' && fault.bad === 'malformed-json') {
      return { prepared: { status: 200, headers, payload: '{"results": [{"id": "1000001", "email": ', contentType: JSON_TYPE, mode: 'normal' }, match, write: fallbackWrite };
    }
    if (!match) {
      return { prepared: errorAnswer(notFoundRoute(url.pathname), correlationId, headers), match, write: fallbackWrite };
    }
    const needed = requiredScopes(match.kind, method);
    if (needed === null) {
      return { prepared: errorAnswer(methodNotAllowed(method, url.pathname), correlationId, headers), match, write: null };
    }
    const forbidden = scopeError(scopes, needed);
    if (forbidden) {
      return { prepared: errorAnswer(forbidden, correlationId, headers), match, write: fallbackWrite };
    }
    if (!parsed.ok) {
      const bad = raw === null ? validationError('body', 'The request body is too large.') : validationError('body', 'Invalid input JSON: the request body is not valid JSON.', 'INVALID_JSON');
      return { prepared: errorAnswer(bad, correlationId, headers), match, write: fallbackWrite };
    }
    const outcome: RouteOutcome = routes.handle({ method, match, query: url.searchParams, body: parsed.value, origin: `http://${req.headers.host ?? '127.0.0.1'}`, scopes });
    const write = outcome.write ?? fallbackWrite;
    const answerHeaders = { ...headers, ...outcome.headers };
    if ('error' in outcome) {
      return { prepared: errorAnswer(outcome.error, correlationId, answerHeaders), match, write };
    }
    let body = outcome.body;
    let mode: Prepared['mode'] = 'normal';
    if (fault?.kind === 'bad') {
      if (fault.bad === 'missing-fields' || fault.bad === 'wrong-types' || fault.bad === 'unknown-fields' || fault.bad === 'loop-paging') {
        body = damage(body, fault.bad, url.searchParams.get('after'));
      } else if (fault.bad === 'truncated' || fault.bad === 'slow') {
        mode = fault.bad;
      }
    }
    return { prepared: json(outcome.status, body, answerHeaders, mode), match, write };
  }

  async function send(res: http.ServerResponse, p: Prepared): Promise<void> {
    if (p.mode === 'slow') {
      await wait(control.faults.slowMs);
    }
    if (res.destroyed) {
      return;
    }
    const headers: Record<string, string> = { ...p.headers };
    if (p.contentType) {
      headers['Content-Type'] = p.contentType;
    }
    const bytes = Buffer.from(p.payload, 'utf8');
    headers['Content-Length'] = String(bytes.length);
    res.writeHead(p.status, headers);
    if (p.mode === 'truncated') {
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      res.socket?.destroy();
      return;
    }
    res.end(bytes);
  }

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = now();
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    if (url.pathname === '/__admin' || url.pathname.startsWith('/__admin/')) {
      const presented = bearer(req.headers.authorization);
      const raw = (await readBody(req)) ?? '';
      if (presented === null || !sameSecret(presented, adminToken)) {
        await send(res, json(401, { message: 'admin token required' }, {}));
        return;
      }
      const parsed = parseJson(raw);
      if (!parsed.ok) {
        await send(res, json(400, { message: 'invalid JSON' }, {}));
        return;
      }
      const a = adminRoutes.handle(req.method ?? 'GET', url.pathname, url.searchParams, parsed.value);
      await send(res, json(a.status, a.body, {}));
      return;
    }
    if (url.pathname === TOKEN_INFO_PATH && req.method === 'POST') {
      await send(res, tokenInfo(parseJson((await readBody(req)) ?? '')));
      return;
    }
    const held = control.faults.activeOutage();
    if (held?.answer === 'timeout') {
      // No answer at all: held until the outage ends (or the client gives up), then dropped.
      await wait(Math.max(0, held.until - now()));
      log.record({ at: started, method: req.method ?? 'GET', path: url.pathname, route: null, status: 0, durationMs: now() - started });
      req.socket.destroy();
      return;
    }
    const correlationId = randomUUID();
    const { prepared, match, write } = await serveApi(req, url, correlationId);
    await wait(control.latency());
    const method = req.method ?? 'GET';
    const at = now();
    log.record({ at: started, method, path: url.pathname, route: match?.template ?? null, status: prepared.status, durationMs: at - started });
    if (write) {
      log.recordWrite({ ...write, at, status: prepared.status, route: match?.template ?? url.pathname });
    }
    await send(res, prepared);
  }

  return {
    async start(port = 0) {
      if (server) {
        return baseUrl;
      }
      const srv = http.createServer((req, res) => {
        onRequest(req, res).catch(() => {
          if (!res.headersSent) {
            res.writeHead(500, { 'Content-Type': JSON_TYPE });
            res.end(JSON.stringify(errorBody(internalError(), randomUUID())));
          } else {
            res.destroy();
          }
        });
      });
      srv.on('connection', (s: Socket) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, '127.0.0.1', () => resolve());
      });
      server = srv;
      const addr = srv.address() as AddressInfo;
      baseUrl = `http://127.0.0.1:${addr.port}`;
      return baseUrl;
    },
    async stop() {
      const srv = server;
      server = null;
      for (const t of timers) {
        clearTimeout(t);
      }
      timers.clear();
      if (!srv) {
        return;
      }
      const closed = new Promise<void>((resolve) => srv.close(() => resolve()));
      for (const s of sockets) {
        s.destroy();
      }
      sockets.clear();
      await closed;
    },
    get url() {
      return baseUrl;
    },
    token,
    adminToken,
    registerToken: (t, scopes) => tokens.register(t, scopes),
    faults: control.faults,
    admin,
    get requests() {
      return log.requests();
    },
    counts: () => log.counts(),
    writesTo: (key) => log.writesTo(key),
    writes: () => log.allWrites(),
    clearLog: () => log.clear(),
    reset,
  };
}
