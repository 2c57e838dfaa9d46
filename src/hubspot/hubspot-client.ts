import { Client } from '@hubspot/api-client';
import {
  ApiException,
  type HttpInfo,
  type Middleware,
  type PromiseConfigurationOptions,
  type PublicUserUpdate,
  type RequestContext,
  type ResponseContext,
} from '@hubspot/api-client/lib/codegen/settings/users';
import { DryRunRefusedError, PermanentError, SyncError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { createRedactor } from '../lib/redact';
import type { HubSpotRole, HubSpotSeat, HubSpotTeam, HubSpotUser } from '../sync/types';
import { toSyncError, type FailedExchange } from './hubspot-errors';
import { withTimeout } from '../lib/async';
import { parseRateHeaders } from './hubspot-rate';
import type { CreateUserInput, HubSpotClientApi, HubSpotClientHooks, HubSpotRateState, UpdateUserInput } from './hubspot-types';
import {
  checkAll,
  createBody,
  nextCursor,
  resultsOf,
  toHubSpotRole,
  toHubSpotSeat,
  toHubSpotTeam,
  toHubSpotUser,
  updateBody,
  type Checked,
} from './hubspot-user-mapping';

export interface HubSpotClientOptions {
  /** e.g. `https://api.hubapi.com` or a simulator's URL; a trailing slash is removed. */
  baseUrl: string;
  /** Private app / service key token. Never logged, never in an error. */
  token: string;
  logger: Logger;
  /** Refuse createUser/updateUser/deleteUser before any request. */
  dryRun?: boolean;
  /** Per request; no answer in time is a TransientError HUBSPOT_TIMEOUT. Default 30 s. */
  timeoutMs?: number;
  /** Users per page when listing (HubSpot serves at most 100). */
  pageSize?: number;
  /**
   * role: paid seats come with roles; the SDK's typed calls are used and `seatNames` is not
   * read or written. named: seats-based pricing; user calls go through the SDK's raw
   * `apiRequest` so `seatNames` (which the SDK's models drop) is sent and read.
   */
  seatsMode?: 'role' | 'named';
  hooks?: HubSpotClientHooks;
  /** Clock (tests). */
  now?: () => number;
}

/** The legacy v3 users path the SDK calls; it carries `seatNames` since HubSpot's 2026-08 spec. */
export const USERS_PATH = '/settings/v3/users';
/** Named seats are only listed by the 2026-09-beta version. */
export const SEATS_PATH = '/settings/users/2026-09-beta/seats';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_PAGE_SIZE = 100;

const ROUTE = {
  users: USERS_PATH,
  user: `${USERS_PATH}/{userId}`,
  roles: `${USERS_PATH}/roles`,
  teams: `${USERS_PATH}/teams`,
  seats: SEATS_PATH,
} as const;

interface Op {
  call: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  route: string;
  subject: string | null;
}

/** What came back: the body (typed SDK model, parsed JSON, or text) and whether it is usable. */
interface Received {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** Non-2xx, or a 2xx the SDK did not expect (e.g. 200 where 201 is documented). */
  failed: boolean;
  unreadable?: string;
}

class RequestTimeout extends Error {}

function flatHeaders(raw: Record<string, readonly string[] | string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v !== undefined) {
      out[k.toLowerCase()] = typeof v === 'string' ? v : v.join(', ');
    }
  }
  return out;
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/([a-z.+-]*\+)?json\b/i.test(contentType.trim());
}

/**
 * The PUT body for the SDK. The SDK's model types `roleId` as `string`, but its serializer
 * copies values as they are and JSON.stringify writes `null` (checked with 13.5.0), which is
 * how the daemon removes a role: `{"roleId": null}`. See docs/KNOWN-LIMITS.md.
 */
function asSdkUpdate(body: Record<string, unknown>): PublicUserUpdate {
  return body as PublicUserUpdate;
}

/**
 * The HubSpot adapter: `@hubspot/api-client` with no retries of its own (the queue retries),
 * every call timed, told to the hooks, and every failure turned into a SyncError whose message
 * names the call and user and never carries the token or headers.
 */
export function createHubSpotClient(opts: HubSpotClientOptions): HubSpotClientApi {
  const basePath = opts.baseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(basePath)) {
    throw new PermanentError(`HubSpot base URL must start with http:// or https://, got "${basePath}"`, { code: 'CONFIG' });
  }
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, opts.pageSize ?? MAX_PAGE_SIZE));
  const named = opts.seatsMode === 'named';
  const logger = opts.logger.child({ component: 'hubspot-client' });
  const { redactString } = createRedactor([opts.token]);
  // numberOfApiCallRetries and limiterOptions stay unset: one retry layer (the queue's), one budget (the hooks').
  const sdk = new Client({ accessToken: opts.token, basePath });
  // Materialised now: the SDK applies its process-wide decorators when this getter first runs.
  const api = sdk.settings.users;
  let lastRate: HubSpotRateState | null = null;

  function scrub(e: SyncError): SyncError {
    const message = redactString(e.message);
    if (message !== e.message) {
      e.message = message;
      e.stack = e.stack === undefined ? undefined : redactString(e.stack);
    }
    return e;
  }

  function reasonOf(e: unknown): string {
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return redactString(text).slice(0, 300);
  }

  /** Runs a typed SDK call, keeping status and headers even when the SDK fails to read the body. */
  async function typed<T>(run: (o: PromiseConfigurationOptions) => Promise<HttpInfo<T>>): Promise<Received> {
    const seen: { status: number | null; headers: Record<string, string> } = { status: null, headers: {} };
    const capture: Middleware = {
      pre: (ctx: RequestContext) => Promise.resolve(ctx),
      post: (rsp: ResponseContext) => {
        seen.status = rsp.httpStatusCode;
        seen.headers = flatHeaders(rsp.headers);
        return Promise.resolve(rsp);
      },
    };
    try {
      const info = await run({ middleware: [capture], middlewareMergeStrategy: 'append' });
      return { status: info.httpStatusCode, headers: flatHeaders(info.headers), body: info.data, failed: false };
    } catch (e) {
      if (e instanceof ApiException) {
        const err: ApiException<unknown> = e;
        return { status: err.code, headers: flatHeaders(err.headers), body: err.body, failed: true };
      }
      if (seen.status !== null) {
        return { status: seen.status, headers: seen.headers, body: undefined, failed: true, unreadable: reasonOf(e) };
      }
      throw e;
    }
  }

  /** Runs a raw request through the SDK (auth, base path, user agent) and reads the answer itself. */
  async function raw(method: Op['method'], path: string, qs?: Record<string, string>, body?: Record<string, unknown>): Promise<Received> {
    const res = await sdk.apiRequest({ method, path, ...(qs ? { qs } : {}), ...(body ? { body } : {}) });
    const headers = flatHeaders(Object.fromEntries(res.headers.entries()));
    const ok = res.status >= 200 && res.status < 300;
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      return { status: res.status, headers, body: undefined, failed: true, unreadable: `body cut off (${reasonOf(e)})` };
    }
    if (text === '') {
      return { status: res.status, headers, body: undefined, failed: !ok };
    }
    if (isJson(headers['content-type'])) {
      try {
        return { status: res.status, headers, body: JSON.parse(text) as unknown, failed: !ok };
      } catch {
        return { status: res.status, headers, body: text, failed: true, unreadable: 'body is not valid JSON' };
      }
    }
    return ok
      ? { status: res.status, headers, body: text, failed: true, unreadable: `expected JSON, got ${headers['content-type'] ?? 'no content type'}` }
      : { status: res.status, headers, body: text, failed: true };
  }

  function tell(op: Op, status: number, durationMs: number, rate: HubSpotRateState | null): void {
    logger.debug('hubspot request', { call: op.call, method: op.method, route: op.route, status, durationMs });
    try {
      opts.hooks?.afterResponse?.({ api: 'hubspot', route: op.route, method: op.method, status, durationMs, rate });
    } catch (e) {
      logger.warn('afterResponse hook failed', { error: reasonOf(e) });
    }
  }

  /** One HTTP request: budget hook, timeout, rate state, metrics hook, error mapping. */
  async function exchange(op: Op, perform: () => Promise<Received>): Promise<Received> {
    await opts.hooks?.beforeRequest?.({ method: op.method, route: op.route });
    const started = now();
    let received: Received;
    try {
      received = await withTimeout(perform(), timeoutMs, () => new RequestTimeout());
    } catch (e) {
      tell(op, 0, now() - started, null);
      const base = { call: op.call, subject: op.subject, status: null, headers: {}, body: undefined, now: new Date(now()) };
      const failure: FailedExchange = e instanceof RequestTimeout ? { ...base, timeoutMs } : { ...base, networkReason: reasonOf(e) };
      throw scrub(toSyncError(failure));
    }
    const rate = parseRateHeaders(received.headers, now());
    if (rate) {
      lastRate = rate;
    }
    tell(op, received.status, now() - started, rate);
    if (!received.failed && received.unreadable === undefined) {
      return received;
    }
    const failure: FailedExchange = {
      call: op.call,
      subject: op.subject,
      status: received.status,
      headers: received.headers,
      body: received.body,
      now: new Date(now()),
      ...(received.unreadable === undefined ? {} : { unreadable: received.unreadable }),
    };
    throw scrub(toSyncError(failure));
  }

  function accept<T>(op: Op, status: number, checked: Checked<T>): T {
    if (!checked.ok) {
      throw scrub(toSyncError({ call: op.call, subject: op.subject, status, headers: {}, body: undefined, unreadable: checked.problem, now: new Date(now()) }));
    }
    return checked.value;
  }

  /** A HubSpot "not found" (a JSON error body), as opposed to a wrong URL answered by a proxy. */
  function isUserNotFound(e: unknown): boolean {
    return e instanceof SyncError && e.status === 404 && !e.message.includes('answer was not JSON');
  }

  function userPath(idOrEmail: string): string {
    return `${USERS_PATH}/${encodeURIComponent(idOrEmail)}`;
  }

  async function getOne(op: Op, key: string, byEmail: boolean): Promise<HubSpotUser | null> {
    try {
      const r = named
        ? await exchange(op, () => raw('GET', userPath(key), byEmail ? { idProperty: 'EMAIL' } : undefined))
        : await exchange(op, () => typed((o) => api.usersApi.getByIdWithHttpInfo(key, byEmail ? 'EMAIL' : undefined, o)));
      const user = accept(op, r.status, toHubSpotUser(r.body));
      if (byEmail ? user.email.toLowerCase() !== key.toLowerCase() : user.id !== key) {
        accept(op, r.status, { ok: false, problem: `asked for ${key}, got user ${user.id} <${user.email}>` });
      }
      return user;
    } catch (e) {
      if (isUserNotFound(e)) {
        return null;
      }
      throw e;
    }
  }

  function refuseInDryRun(call: string): void {
    if (opts.dryRun) {
      throw new DryRunRefusedError(call);
    }
  }

  function refuseSeatsInRoleMode(call: string, subject: string, seatNames: readonly string[] | undefined): void {
    if (!named && seatNames !== undefined && seatNames.length > 0) {
      throw new PermanentError(`HubSpot ${call} for ${subject}: seatNames given but the client runs with seatsMode "role"`, { code: 'HUBSPOT_SEATS_MODE' });
    }
  }

  return {
    async *listUsers(): AsyncIterable<HubSpotUser[]> {
      let after: string | undefined;
      const seen = new Set<string>();
      do {
        const op: Op = { call: 'listUsers', method: 'GET', route: ROUTE.users, subject: null };
        const cursor = after;
        const r = named
          ? await exchange(op, () => raw('GET', `${USERS_PATH}/`, { limit: String(pageSize), ...(cursor === undefined ? {} : { after: cursor }) }))
          : await exchange(op, () => typed((o) => api.usersApi.getPageWithHttpInfo(pageSize, cursor, o)));
        const results = accept(op, r.status, resultsOf(r.body));
        const users = accept(op, r.status, checkAll(results, toHubSpotUser));
        after = accept(op, r.status, nextCursor(r.body));
        if (after !== undefined) {
          if (seen.has(after)) {
            accept(op, r.status, { ok: false, problem: `paging cursor ${after} repeated` });
          }
          seen.add(after);
        }
        yield users;
      } while (after !== undefined);
    },

    getUser(id) {
      return getOne({ call: 'getUser', method: 'GET', route: ROUTE.user, subject: `user ${id}` }, id, false);
    },

    getUserByEmail(email) {
      return getOne({ call: 'getUserByEmail', method: 'GET', route: ROUTE.user, subject: email }, email, true);
    },

    async createUser(input: CreateUserInput) {
      refuseInDryRun(`createUser (${input.email})`);
      refuseSeatsInRoleMode('createUser', input.email, input.seatNames);
      const op: Op = { call: 'createUser', method: 'POST', route: ROUTE.users, subject: input.email };
      const body = createBody(input, named);
      const r = named
        ? await exchange(op, () => raw('POST', USERS_PATH, undefined, { ...body }))
        : await exchange(op, () => typed((o) => api.usersApi.createWithHttpInfo(body, o)));
      return accept(op, r.status, toHubSpotUser(r.body));
    },

    async updateUser(id: string, input: UpdateUserInput) {
      refuseInDryRun(`updateUser (user ${id})`);
      refuseSeatsInRoleMode('updateUser', `user ${id}`, input.seatNames);
      const op: Op = { call: 'updateUser', method: 'PUT', route: ROUTE.user, subject: `user ${id}` };
      const body = updateBody(input, named);
      const r = named
        ? await exchange(op, () => raw('PUT', userPath(id), undefined, body))
        : await exchange(op, () => typed((o) => api.usersApi.replaceWithHttpInfo(id, asSdkUpdate(body), undefined, o)));
      return accept(op, r.status, toHubSpotUser(r.body));
    },

    async deleteUser(id: string) {
      refuseInDryRun(`deleteUser (user ${id})`);
      const op: Op = { call: 'deleteUser', method: 'DELETE', route: ROUTE.user, subject: `user ${id}` };
      try {
        await exchange(op, () => typed((o) => api.usersApi.archiveWithHttpInfo(id, undefined, o)));
        return true;
      } catch (e) {
        if (isUserNotFound(e)) {
          return false;
        }
        throw e;
      }
    },

    async listRoles(): Promise<HubSpotRole[]> {
      const op: Op = { call: 'listRoles', method: 'GET', route: ROUTE.roles, subject: null };
      const r = await exchange(op, () => typed((o) => api.rolesApi.getAllWithHttpInfo(o)));
      return accept(op, r.status, checkAll(accept(op, r.status, resultsOf(r.body)), toHubSpotRole));
    },

    async listTeams(): Promise<HubSpotTeam[]> {
      const op: Op = { call: 'listTeams', method: 'GET', route: ROUTE.teams, subject: null };
      const r = await exchange(op, () => typed((o) => api.teamsApi.getAllWithHttpInfo(o)));
      return accept(op, r.status, checkAll(accept(op, r.status, resultsOf(r.body)), toHubSpotTeam));
    },

    async listSeats(): Promise<HubSpotSeat[] | null> {
      const op: Op = { call: 'listSeats', method: 'GET', route: ROUTE.seats, subject: null };
      try {
        const r = await exchange(op, () => raw('GET', SEATS_PATH));
        return accept(op, r.status, checkAll(accept(op, r.status, resultsOf(r.body)), toHubSpotSeat));
      } catch (e) {
        if (e instanceof SyncError && (e.status === 403 || e.status === 404)) {
          logger.info('HubSpot seats API not available; treating the account as classic (role-based) pricing', { status: e.status });
          return null;
        }
        throw e;
      }
    },

    rateState: () => lastRate,
  };
}

/** The client's type, for callers that build one. */
export type HubSpotClient = ReturnType<typeof createHubSpotClient>;
