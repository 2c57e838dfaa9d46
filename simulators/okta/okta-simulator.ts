import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { oktaRateLimitCategory, oktaRouteTemplate } from '../../src/okta/okta-routes';
import { demoCompany } from '../seeds/demo-company';
import type { Seed } from '../seeds/seed-types';
import { createAdmin, type OktaAdmin } from './admin';
import { handleAdmin } from './admin-routes';
import { matchApiRoute, type ApiAnswer } from './api-routes';
import { createEventHooks, type EventHooks, type HookFaultSettings } from './event-hooks';
import { createFaults, type BadAnswerKind, type OktaFaults } from './faults';
import { pageLinks } from './links';
import { OktaHttpError, oktaError, type OktaErrorBody } from './okta-errors';
import { oktaId, oktaRequestId } from './okta-ids';
import { createOktaStore, OktaSimError, type OktaStore } from './okta-store';
import { createOAuthServer, type OAuthClientSettings } from './oauth-token';
import { createRateLimiter, type RateLimitSettings } from './rate-limits';
import { createRequestLog, type RecordedRequest } from './request-log';
import { loadSeed } from './seed-state';

/**
 * A local Okta org for tests, the demo and benchmarks, served over plain HTTP on 127.0.0.1 and
 * spoken to by the real `@okta/okta-sdk-nodejs` unchanged. It answers the endpoints the daemon
 * uses with Okta's shapes, headers, pagination, rate limits and errors, records every change in
 * its System Log, and can inject faults.
 */

export interface OktaSimulatorOptions {
  /** The org's people, groups and app (default: the demo company). */
  seed?: Seed;
  /** The API token accepted as `SSWS <token>` (default: random; read it from `.token`). */
  token?: string;
  /** A service app that may get access tokens with a private-key JWT (the SDK's PrivateKey mode). */
  oauth?: OAuthClientSettings;
  /** Per-minute limits per category (Workforce defaults), or false to turn limits off. */
  rateLimits?: RateLimitSettings;
  /** The clock (epoch ms); seeded history is dated relative to it. */
  now?: () => number;
  /** Seed of the random fault sequence (default 1). */
  faultSeed?: number;
  /** How many requests `requests` keeps (default 10,000; counters are never trimmed). */
  requestLogLimit?: number;
  /** Event hooks: per-request timeout (Okta's 3 s) and the window that groups events into one delivery (50 ms). */
  eventHooks?: { timeoutMs?: number; batchWindowMs?: number; maxBatch?: number };
}

export interface OktaSimulator {
  /** Starts listening on 127.0.0.1 (`port` 0 picks a free one) and resolves the base URL. */
  start(port?: number): Promise<string>;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
  /** The base URL once started (`http://127.0.0.1:PORT`, no trailing slash). */
  readonly url: string;
  /** The API token (never logged by the simulator). */
  readonly token: string;
  /** The HubSpot app instance id (0oa…). */
  readonly appId: string;
  readonly admin: OktaAdmin;
  readonly faults: OktaFaults;
  /** Recorded requests, oldest first (see `requestCounts` for totals). */
  readonly requests: RecordedRequest[];
  /** Requests per `METHOD /route/template`. */
  requestCounts(): Record<string, number>;
  clearRequests(): void;
  /** Replaces the rate limits (and resets the counts). */
  setRateLimits(settings: RateLimitSettings): void;
  /** Expires every OAuth access token issued so far. */
  expireAccessTokens(): void;
  /** The underlying state, for tests that need to look deeper. */
  readonly store: OktaStore;
  /** Registered event hooks, their deliveries and delivery faults. */
  readonly eventHooks: EventHooks;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const MAX_BODY = 1_000_000;

type Fields = Record<string, unknown>;

const isFields = (v: unknown): v is Fields => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A copy of an answer with its user(s) damaged: `missing-fields` drops the first user's profile,
 * `wrong-types` gives its status and profile attributes the wrong JSON types, `unknown-fields`
 * adds fields Okta never sent to every item. The user of an app user is its `_embedded.user`.
 */
function damage(body: unknown, kind: 'missing-fields' | 'wrong-types' | 'unknown-fields'): unknown {
  const copy = JSON.parse(JSON.stringify(body ?? null)) as unknown;
  const items = Array.isArray(copy) ? copy : [copy];
  const userOf = (item: unknown): Fields | null => {
    if (!isFields(item)) return null;
    const embedded = isFields(item._embedded) && isFields(item._embedded.user) ? item._embedded.user : null;
    return embedded ?? item;
  };
  if (kind === 'unknown-fields') {
    for (const item of items) {
      const user = userOf(item);
      if (isFields(item)) item.futureField = { nested: [1, 'two', null] };
      if (user) {
        user.riskLevel = 'LOW';
        if (isFields(user.profile)) user.profile.costCenter = 'CC-0042';
      }
    }
    return copy;
  }
  const first = userOf(items[0]);
  if (first && kind === 'missing-fields') {
    delete first.profile;
  } else if (first) {
    first.status = 7;
    first.profile = isFields(first.profile) ? { ...first.profile, email: 12345, title: ['Sales Rep'], firstName: { given: 'x' } } : 42;
  }
  return copy;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new OktaHttpError(413, oktaError('E0000003', 'The request body was too large.')));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The request's JSON body (null when empty); a body that is not JSON is Okta's 400 E0000003. */
async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === '') {
    return null;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new OktaHttpError(400, oktaError('E0000003', 'The request body was not well-formed.'));
  }
}

export function createOktaSimulator(opts: OktaSimulatorOptions = {}): OktaSimulator {
  const now = opts.now ?? Date.now;
  const seed = opts.seed ?? demoCompany;
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const nonce = randomBytes(8).toString('hex');
  const domain = seed.people[0]?.email.split('@')[1] ?? 'example.com';
  const startedAt = now();
  const store = createOktaStore({
    scope: seed.name,
    nonce,
    app: { id: seed.app.id, label: seed.app.label, created: startedAt - 90 * 24 * 3600 * 1000 },
    adminEmail: `admin@${domain}`,
  });
  loadSeed(store, seed, startedAt);
  const typeId = oktaId('oty', seed.name, 'default');
  const admin = createAdmin(store, now);
  const faults = createFaults(opts.faultSeed ?? 1, now);
  const limiter = createRateLimiter(opts.rateLimits, now);
  const oauth = createOAuthServer(opts.oauth, now);
  const requestLog = createRequestLog(opts.requestLogLimit ?? 10_000);
  let requestCounter = 0;
  let server: http.Server | null = null;
  let origin = '';
  const eventHooks = createEventHooks({
    log: store.log,
    render: (e) => store.log.render(e),
    origin: () => origin,
    scope: seed.name,
    actor: store.actor,
    now,
    ...opts.eventHooks,
  });

  function send(res: http.ServerResponse, status: number, body: unknown, links?: string[]): void {
    const text = body === null || body === undefined ? '' : JSON.stringify(body);
    res.statusCode = status;
    if (status !== 204) {
      res.setHeader('Content-Type', JSON_TYPE);
    }
    if (links?.length) {
      res.setHeader('Link', links);
    }
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(status === 204 ? undefined : text);
  }

  function sendError(res: http.ServerResponse, status: number, body: OktaErrorBody | Record<string, unknown>): void {
    send(res, status, body);
  }

  /** Writes a deliberately broken answer. */
  function sendBad(req: http.IncomingMessage, res: http.ServerResponse, kind: BadAnswerKind, answer: ApiAnswer, selfUrl: string): void {
    const full = JSON.stringify(answer.body);
    switch (kind) {
      case 'malformed-json':
        res.statusCode = 200;
        res.setHeader('Content-Type', JSON_TYPE);
        res.end(`${full.slice(0, Math.max(1, Math.floor(full.length / 2)))},]}`);
        return;
      case 'html-200':
        res.statusCode = 200;
        res.setHeader('Content-Type', 'text/html;charset=UTF-8');
        res.end('<!DOCTYPE html><html><head><title>Okta</title></head><body><h1>Service temporarily unavailable</h1></body></html>');
        return;
      case 'empty-200':
        res.statusCode = 200;
        res.setHeader('Content-Type', JSON_TYPE);
        res.setHeader('Content-Length', 0);
        res.end();
        return;
      case 'truncated':
        res.statusCode = 200;
        res.setHeader('Content-Type', JSON_TYPE);
        res.setHeader('Content-Length', Buffer.byteLength(full));
        res.write(full.slice(0, Math.floor(full.length / 2)));
        setImmediate(() => req.socket.destroy());
        return;
      case 'drop-connection':
        req.socket.destroy();
        return;
      case 'wrong-shape':
        send(res, 200, Array.isArray(answer.body) ? { items: answer.body } : [answer.body], answer.links);
        return;
      case 'strip-embedded': {
        const items = Array.isArray(answer.body) ? answer.body : [answer.body];
        const stripped = items.map((item: unknown) => {
          if (item === null || typeof item !== 'object') {
            return item;
          }
          const copy: Record<string, unknown> = { ...(item as Record<string, unknown>) };
          delete copy._embedded;
          return copy;
        });
        send(res, 200, Array.isArray(answer.body) ? stripped : stripped[0], answer.links);
        return;
      }
      case 'loop-link':
        send(res, 200, answer.body, pageLinks(selfUrl, selfUrl));
        return;
      case 'missing-fields':
      case 'wrong-types':
      case 'unknown-fields':
        send(res, 200, damage(answer.body, kind), answer.links);
        return;
    }
  }

  /** Who is calling: SSWS token, or a Bearer access token with its scopes. */
  function authenticate(req: http.IncomingMessage): { ok: true; scopes: Set<string> | null } | { ok: false } {
    const auth = req.headers.authorization ?? '';
    const m = /^(SSWS|Bearer)\s+(.+)$/i.exec(auth);
    if (!m) {
      return { ok: false };
    }
    const [, kind = '', value = ''] = m;
    if (kind.toUpperCase() === 'SSWS') {
      return value === token ? { ok: true, scopes: null } : { ok: false };
    }
    const scopes = oauth.scopesOf(value);
    return scopes ? { ok: true, scopes } : { ok: false };
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const isToken = url.pathname === '/oauth2/v1/token';
    const rl = limiter.take(oktaRateLimitCategory(method, url.pathname));
    res.setHeader('X-Rate-Limit-Limit', String(rl.limit));
    res.setHeader('X-Rate-Limit-Remaining', String(rl.remaining));
    res.setHeader('X-Rate-Limit-Reset', String(rl.reset));
    let scopes: Set<string> | null = null;
    if (!isToken) {
      const who = authenticate(req);
      if (!who.ok) {
        sendError(res, 401, oktaError('E0000011', 'Invalid token provided'));
        return;
      }
      scopes = who.scopes;
    }

    const template = oktaRouteTemplate(url.pathname);
    const decision = faults.decide(method, template, url.pathname + url.search);
    if (decision.latencyMs > 0) {
      await new Promise((r) => setTimeout(r, decision.latencyMs));
    }
    const action = decision.action;
    if (action?.kind === '429') {
      res.setHeader('X-Rate-Limit-Remaining', '0');
      res.setHeader('X-Rate-Limit-Reset', String(Math.floor(now() / 1000) + action.resetInSeconds));
      sendError(res, 429, oktaError('E0000047'));
      return;
    }
    if (action?.kind === 'status') {
      const code = action.status === 429 ? 'E0000047' : action.status >= 500 ? 'E0000009' : action.status === 404 ? 'E0000007' : action.status === 401 ? 'E0000011' : 'E0000001';
      sendError(res, action.status, (action.body as Record<string, unknown> | undefined) ?? oktaError(code));
      return;
    }
    if (action?.kind === 'bad' && action.bad === 'drop-connection') {
      req.socket.destroy();
      return;
    }
    if (!rl.allowed) {
      sendError(res, 429, oktaError('E0000047'));
      return;
    }

    if (isToken) {
      if (method !== 'POST') {
        sendError(res, 405, oktaError('E0000022'));
        return;
      }
      const answer = oauth.token(new URLSearchParams(await readBody(req)), `${origin}/oauth2/v1/token`);
      send(res, answer.status, answer.body);
      return;
    }
    const hookPath = /^\/api\/v1\/eventHooks(\/.*)?$/.exec(url.pathname);
    if (hookPath) {
      const scope = method === 'GET' ? 'okta.eventHooks.read' : 'okta.eventHooks.manage';
      if (scopes && !scopes.has(scope) && !scopes.has('okta.eventHooks.manage')) {
        sendError(res, 403, oktaError('E0000006', 'You do not have permission to perform the requested action', [`The access token is missing the scope ${scope}`]));
        return;
      }
      const body = await readJsonBody(req);
      const segments = (hookPath[1] ?? '').split('/').filter((x) => x !== '').map((x) => decodeURIComponent(x));
      const answer = await eventHooks.handle(method, segments, body);
      send(res, answer.status, answer.body);
      return;
    }
    const matched = matchApiRoute(url.pathname);
    if (!matched) {
      sendError(res, 404, oktaError('E0000007', `Not found: Resource not found: ${url.pathname}`));
      return;
    }
    if (method !== matched.route.method) {
      sendError(res, 405, oktaError('E0000022'));
      return;
    }
    if (scopes && !scopes.has(matched.route.scope)) {
      sendError(res, 403, oktaError('E0000006', 'You do not have permission to perform the requested action', [`The access token is missing the scope ${matched.route.scope}`]));
      return;
    }
    const answer = matched.route.handle({ url, params: matched.params, origin, store, nowMs: now(), typeId });
    if (action?.kind === 'bad') {
      sendBad(req, res, action.bad, answer, url.href);
      return;
    }
    send(res, answer.status, answer.body, answer.links);
  }

  async function handleAdminRequest(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const auth = req.headers.authorization ?? '';
    if (auth !== `SSWS ${token}` && auth !== `Bearer ${token}`) {
      sendError(res, 401, oktaError('E0000011', 'Invalid token provided'));
      return;
    }
    const body = await readJsonBody(req);
    const segments = url.pathname
      .slice('/__admin/'.length)
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
    const adminMethod = (req.method ?? 'GET').toUpperCase();
    if (segments[0] === 'eventHooks') {
      send(res, 200, await handleHookAdmin(adminMethod, segments.slice(1), body));
      return;
    }
    const answer = handleAdmin(
      { admin, faults, requests: requestLog, expireTokens: () => oauth.expireAll() },
      (req.method ?? 'GET').toUpperCase(),
      segments,
      body,
    );
    send(res, answer.status, answer.body);
  }

  /** `/__admin/eventHooks/...`: the hooks, their delivery attempts, delivery faults, and sending what is pending now. */
  async function handleHookAdmin(method: string, segments: string[], body: unknown): Promise<unknown> {
    const what = segments.join('/');
    if (method === 'GET' && what === '') {
      return eventHooks.list();
    }
    if (method === 'GET' && what === 'deliveries') {
      return eventHooks.deliveries();
    }
    if (method === 'PUT' && what === 'faults') {
      eventHooks.setFaults(body !== null && typeof body === 'object' ? (body as HookFaultSettings) : {});
      return eventHooks.faults();
    }
    if (method === 'DELETE' && what === 'faults') {
      eventHooks.setFaults({});
      return eventHooks.faults();
    }
    if (method === 'POST' && what === 'settle') {
      await eventHooks.settle();
      return { settled: true };
    }
    throw new OktaHttpError(404, oktaError('E0000007', `Not found: /__admin/eventHooks/${what}`));
  }

  function onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const arrived = now();
    const t0 = performance.now();
    const url = new URL(req.url ?? '/', origin);
    const isAdmin = url.pathname.startsWith('/__admin/');
    res.setHeader('Date', new Date(arrived).toUTCString());
    res.setHeader('X-Okta-Request-Id', oktaRequestId(++requestCounter, nonce));
    res.setHeader('Content-Type', JSON_TYPE);
    if (!isAdmin) {
      let recorded = false;
      const record = (status: number) => {
        if (!recorded) {
          recorded = true;
          requestLog.record({
            method: (req.method ?? 'GET').toUpperCase(),
            path: url.pathname + url.search,
            route: oktaRouteTemplate(url.pathname),
            status,
            at: arrived,
            durationMs: performance.now() - t0,
          });
        }
      };
      res.on('finish', () => record(res.statusCode));
      res.on('close', () => record(res.writableFinished ? res.statusCode : 0));
    }
    const work = isAdmin ? handleAdminRequest(req, res, url) : handleApi(req, res, url);
    work.catch((err: unknown) => {
      if (res.headersSent || res.destroyed) {
        return;
      }
      if (err instanceof OktaHttpError) {
        sendError(res, err.status, err.body);
      } else if (err instanceof OktaSimError) {
        sendError(res, err.status, oktaError(err.errorCode, err.message));
      } else {
        sendError(res, 500, oktaError('E0000009'));
      }
    });
  }

  return {
    async start(port = 0): Promise<string> {
      if (server) {
        return origin;
      }
      const s = http.createServer(onRequest);
      s.keepAliveTimeout = 5000;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve());
      });
      server = s;
      origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
      return origin;
    },
    async stop(): Promise<void> {
      const s = server;
      if (!s) {
        return;
      }
      server = null;
      eventHooks.close();
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
    get url() {
      return origin;
    },
    token,
    appId: store.app.id,
    admin,
    faults,
    get requests() {
      return requestLog.list();
    },
    requestCounts: () => requestLog.counts(),
    clearRequests: () => requestLog.clear(),
    setRateLimits: (settings) => limiter.configure(settings),
    expireAccessTokens: () => oauth.expireAll(),
    store,
    eventHooks,
  };
}
