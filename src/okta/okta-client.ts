import { Client, Collection } from '@okta/okta-sdk-nodejs';
import { PermanentError, RateLimitedError, TransientError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { createRedactor } from '../lib/redact';
import type { OktaCandidate, OktaGroupRef } from '../sync/types';
import { isNotFound, toOktaError } from './okta-errors';
import { appUserId, embeddedUser, toCandidate, toGroupRef, toLogEvent } from './okta-mapping';
import { createOktaRequestExecutor, type OktaClientHooks } from './okta-request-executor';
import type { CandidateReadOptions, LogPollResult, OktaAppInfo, OktaClientApi, OktaLogEvent } from './okta-types';
import { sleep as defaultSleep } from '../lib/async';

/**
 * The daemon's Okta adapter over `@okta/okta-sdk-nodejs`, with the SDK's traps avoided:
 * - the resource cache is off (`cacheMiddleware: null`), so a changed user is seen at once;
 * - the org URL loses its trailing slash (the SDK would request `//api/v1/...`);
 * - `HTTPS_PROXY` is ignored (`client.http.agent = undefined`), the org is reached directly;
 * - the SDK never retries (the queue layer does), and rate limits are respected before Okta has
 *   to refuse;
 * - the System Log is read page by page (never `for await`, which spins on empty pages), with
 *   `since` as an ISO string, and resumed from the stored next link;
 * - next links and stored cursors are followed on the org's origin only (the token goes nowhere else);
 * - app-user listing asks for `expand=user` on every page, because Okta's next link drops it
 *   (SDK issue #439), and fetches any user still missing in bulk, never one call per user.
 */

export interface OktaClientOptions {
  orgUrl: string;
  /** API token (SSWS). Or clientId + privateKey for an OAuth service app. */
  token?: string | undefined;
  clientId?: string | undefined;
  /** JWK (object or JSON) or PEM. */
  privateKey?: string | Record<string, unknown> | undefined;
  /** Key id, needed when the private key is a PEM. */
  keyId?: string | undefined;
  /** The HubSpot app instance (0oa…). */
  appId: string;
  logger: Logger;
  /** Timeout of one request (default 30 s). */
  timeoutMs?: number | undefined;
  /** App users per page (1–500, default 500). */
  pageSize?: number | undefined;
  /** System Log events per page (1–1000, default 1000). */
  logPageSize?: number | undefined;
  /** Group members per page (1–1000, default 1000). */
  groupMemberPageSize?: number | undefined;
  hooks?: OktaClientHooks | undefined;
  /** Stop a poll after this many events (default 10,000); the cursor resumes from there. */
  maxEventsPerPoll?: number | undefined;
  /** Longest wait for a rate-limit reset before a call (default 65 s); longer throws RateLimitedError. */
  maxRateLimitWaitMs?: number | undefined;
  /** How often one page is tried again after a 429 while listing (default 3). */
  pageRateLimitRetries?: number | undefined;
  /** Clock and sleep, replaceable in tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** OAuth scopes the daemon asks for in PrivateKey mode. */
export const OKTA_SCOPES = ['okta.users.read', 'okta.apps.read', 'okta.logs.read', 'okta.groups.read'];

const MAX_PAGES = 100_000;
const USERS_PER_FILTER = 50;
/** Groups named per `search` request (each adds a clause or two: the URL stays well under Okta's limits). */
const GROUPS_PER_SEARCH = 20;
/** Groups per page of `/groups` (Okta recommends at most 200). */
const GROUPS_PAGE = 200;
/** What an Okta group id looks like (`00g` and 17 more characters). */
const GROUP_ID = /^00g[0-9A-Za-z]{17}$/;

/** A value quoted for an Okta filter expression. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

type Obj = Record<string, unknown>;
type Page = Obj[];

/** The subset of the SDK's Collection the client drives page by page. */
interface Pager {
  nextUri: string | undefined;
  getNextPage(): Promise<Obj[]>;
}

function clamp(n: number | undefined, min: number, max: number, def: number): number {
  return n === undefined || !Number.isFinite(n) ? def : Math.min(max, Math.max(min, Math.floor(n)));
}

/** The URL with `expand=user` (Okta's next link drops it). */
function withExpandUser(uri: string): string {
  const url = new URL(uri);
  if (url.searchParams.get('expand') !== 'user') {
    url.searchParams.set('expand', 'user');
  }
  return url.toString();
}

function asPage(items: unknown, call: string): Page {
  if (!Array.isArray(items)) {
    throw new TransientError(`Okta ${call} got an answer that is not a list`, { code: 'OKTA_BAD_RESPONSE' });
  }
  return items.filter((i): i is Obj => i !== null && typeof i === 'object');
}

export function createOktaClient(opts: OktaClientOptions) {
  const orgUrl = opts.orgUrl.replace(/\/+$/, '');
  const log = opts.logger.child({ component: 'okta' });
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const pageSize = clamp(opts.pageSize, 1, 500, 500);
  const logPageSize = clamp(opts.logPageSize, 1, 1000, 1000);
  // Okta's default page of `/groups/{id}/users`, and the largest it recommends.
  const groupMemberPageSize = clamp(opts.groupMemberPageSize, 1, 1000, 1000);
  const maxEventsPerPoll = Math.max(1, opts.maxEventsPerPoll ?? 10_000);
  const pageRetries = Math.max(0, opts.pageRateLimitRetries ?? 3);
  const appId = opts.appId;
  const secrets = [opts.token, typeof opts.privateKey === 'string' ? opts.privateKey : JSON.stringify(opts.privateKey ?? null)].filter(
    (s): s is string => typeof s === 'string' && s !== 'null',
  );
  const redactor = createRedactor(secrets);
  const requestExecutor = createOktaRequestExecutor({
    timeoutMs: clamp(opts.timeoutMs, 0, 600_000, 30_000),
    hooks: opts.hooks,
    now,
    sleep,
    maxWaitMs: opts.maxRateLimitWaitMs ?? 65_000,
  });
  const oauth = !opts.token && opts.clientId && opts.privateKey;
  if (!opts.token && !oauth) {
    throw new Error('Okta client needs a token, or a clientId with a privateKey');
  }
  const client = new Client({
    orgUrl,
    cacheMiddleware: null,
    requestExecutor,
    ...(oauth
      ? {
          authorizationMode: 'PrivateKey',
          clientId: opts.clientId,
          privateKey: opts.privateKey,
          keyId: opts.keyId,
          scopes: OKTA_SCOPES,
        }
      : { authorizationMode: 'SSWS', token: opts.token }),
  });
  client.http.agent = undefined;

  const fail = (err: unknown, call: string) => toOktaError(err, { call, redactor, nowMs: now() });

  /**
   * The link moved onto the org's own origin: the token is only ever sent to `orgUrl`, whatever
   * a next link or a stored cursor says.
   */
  function onOrigin(uri: string): string {
    const u = new URL(uri, orgUrl);
    return `${orgUrl}${u.pathname}${u.search}`;
  }

  /** Reads one page; a 429 is waited out and the same page asked again (bounded). */
  async function nextPage(pager: Pager, call: string): Promise<Page> {
    for (let attempt = 0; ; attempt++) {
      const uri = pager.nextUri;
      try {
        const page = asPage(await pager.getNextPage(), call);
        if (pager.nextUri) {
          pager.nextUri = onOrigin(pager.nextUri);
        }
        return page;
      } catch (err) {
        const e = fail(err, call);
        if (e instanceof RateLimitedError && attempt < pageRetries) {
          log.warn('Okta rate limit while paging; waiting before asking for the same page again', { call, waitMs: e.retryAfterMs });
          await sleep(e.retryAfterMs ?? 1000);
          pager.nextUri = uri;
          continue;
        }
        throw e;
      }
    }
  }

  /** Guards against a next link that leads back to a page already read. */
  function loopGuard(call: string) {
    const seen = new Set<string>();
    return (uri: string | undefined) => {
      if (uri === undefined) {
        return;
      }
      if (seen.has(uri) || seen.size >= MAX_PAGES) {
        throw new TransientError(`Okta ${call}: the next link leads back to a page already read`, { code: 'OKTA_BAD_RESPONSE' });
      }
      seen.add(uri);
    };
  }

  /** Users by id, in bulk (`filter=id eq … or …`), for app users whose page lacked them. */
  async function usersByIds(ids: string[]): Promise<Map<string, Obj>> {
    const found = new Map<string, Obj>();
    for (let i = 0; i < ids.length; i += USERS_PER_FILTER) {
      const chunk = ids.slice(i, i + USERS_PER_FILTER);
      const call = `listUsers(${chunk.length} ids)`;
      const filter = chunk.map((id) => `id eq "${id.replace(/["\\]/g, '')}"`).join(' or ');
      let pager: Pager;
      try {
        pager = await client.userApi.listUsers({ filter, limit: 200 });
      } catch (err) {
        throw fail(err, call);
      }
      const guard = loopGuard(call);
      while (pager.nextUri) {
        guard(pager.nextUri);
        for (const u of await nextPage(pager, call)) {
          if (typeof u.id === 'string') {
            found.set(u.id, u);
          }
        }
      }
    }
    return found;
  }

  /** One user by id; null only when Okta answers 404 (the user no longer exists). */
  async function userById(id: string): Promise<Obj | null> {
    let user: unknown;
    try {
      user = await client.userApi.getUser({ userId: id });
    } catch (err) {
      if (isNotFound(err)) {
        return null;
      }
      throw fail(err, `getUser(${id})`);
    }
    if (user === null || typeof user !== 'object' || appUserId(user) !== id) {
      throw new TransientError(`Okta getUser(${id}) got an answer that is not that user`, { code: 'OKTA_BAD_RESPONSE' });
    }
    return user as Obj;
  }

  async function* listAssignedUsers(): AsyncGenerator<OktaCandidate[]> {
    const call = `listAssignedUsers(app ${appId})`;
    let pager: Pager;
    try {
      pager = await client.applicationApi.listApplicationUsers({ appId, limit: pageSize, expand: 'user' });
    } catch (err) {
      throw fail(err, call);
    }
    const guard = loopGuard(call);
    let pageNo = 0;
    while (pager.nextUri) {
      guard(pager.nextUri);
      pageNo++;
      const page = await nextPage(pager, `${call} page ${pageNo}`);
      if (pager.nextUri) {
        pager.nextUri = withExpandUser(pager.nextUri);
      }
      const missing = page.filter((au) => !embeddedUser(au)).flatMap((au) => appUserId(au) ?? []);
      const fetched = missing.length > 0 ? await usersByIds(missing) : new Map<string, Obj>();
      if (missing.length > 0) {
        log.warn('Okta page came without embedded users; fetched them in bulk', { page: pageNo, missing: missing.length });
      }
      // A user the bulk lookup did not return is asked for on its own: only a 404 means it is
      // gone (a partial answer must never make an assigned user look deleted).
      for (const id of missing.filter((m) => !fetched.has(m))) {
        const user = await userById(id);
        if (user) {
          fetched.set(id, user);
        }
      }
      const candidates: OktaCandidate[] = [];
      for (const au of page) {
        const id = appUserId(au);
        const user = embeddedUser(au) ?? (id ? fetched.get(id) : undefined);
        if (!id) {
          throw new TransientError(`Okta ${call} page ${pageNo}: an assignment has no user id`, { code: 'OKTA_BAD_RESPONSE' });
        }
        if (!user) {
          // Assigned a moment ago and deleted since: not in scope any more.
          log.info('Okta assignment whose user no longer exists; skipped', { oktaUserId: id });
          continue;
        }
        candidates.push(toCandidate(user, au));
      }
      log.debug('Okta app users page', { page: pageNo, count: candidates.length });
      yield candidates;
    }
  }

  async function getCandidate(idOrLogin: string, opts: CandidateReadOptions = {}): Promise<OktaCandidate | null> {
    let user: unknown;
    try {
      user = await client.userApi.getUser({ userId: idOrLogin });
    } catch (err) {
      if (isNotFound(err)) {
        return null;
      }
      throw fail(err, `getCandidate(${idOrLogin}) getUser`);
    }
    const userId = appUserId(user);
    if (!userId) {
      throw new TransientError(`Okta getCandidate(${idOrLogin}) got a user without an id`, { code: 'OKTA_BAD_RESPONSE' });
    }
    if (opts.knownAssignment) {
      const known = opts.knownAssignment;
      const candidate: OktaCandidate = { ...toCandidate(user, null), assigned: true, assignedVia: known.assignedVia, assignedAt: known.assignedAt };
      if (known.appProfile) {
        candidate.appProfile = known.appProfile;
      } else {
        delete candidate.appProfile;
      }
      return candidate;
    }
    let appUser: unknown = null;
    try {
      appUser = await client.applicationApi.getApplicationUser({ appId, userId });
    } catch (err) {
      if (!isNotFound(err)) {
        throw fail(err, `getCandidate(${idOrLogin}) getApplicationUser`);
      }
    }
    if (appUser !== null && appUserId(appUser) !== userId) {
      throw new TransientError(`Okta getCandidate(${idOrLogin}) got an assignment for another user`, { code: 'OKTA_BAD_RESPONSE' });
    }
    return toCandidate(user, appUser);
  }

  /** `/api/v1/logs` with the given parameters (`since`/`until` as ISO strings, never Dates). */
  function logsUrl(params: Record<string, string | undefined>): string {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== '') {
        qs.set(k, v);
      }
    }
    return `${orgUrl}/api/v1/logs?${qs.toString()}`;
  }

  /**
   * A System Log reader starting at `uri` (a first request or a stored next link). Read page by
   * page with `getNextPage`, items stay raw JSON: no item factory is needed, every field is kept,
   * and the SDK's slow model deserialisation is skipped.
   */
  function logPager(uri: string): Pager {
    return new Collection(client.http, uri);
  }

  async function pollLog(cursor: string | null, since: string, filter?: string): Promise<LogPollResult> {
    const call = cursor ? 'pollLog(from cursor)' : `pollLog(since ${since})`;
    const pager = logPager(cursor ? onOrigin(cursor) : logsUrl({ since: toIso(since, call), sortOrder: 'ASCENDING', limit: String(logPageSize), filter }));
    const events: OktaLogEvent[] = [];
    let last = pager.nextUri;
    const seen = new Set<string>();
    while (pager.nextUri && events.length < maxEventsPerPoll) {
      const uri: string = pager.nextUri;
      const page = await nextPage(pager, call);
      last = pager.nextUri ?? uri;
      if (page.length === 0) {
        break;
      }
      if (seen.has(uri) || pager.nextUri === uri) {
        throw new TransientError(`Okta ${call}: the next link leads back to a page already read`, { code: 'OKTA_BAD_RESPONSE' });
      }
      seen.add(uri);
      events.push(...page.map(toLogEvent));
    }
    if (!last) {
      throw new TransientError(`Okta ${call}: no next link to resume from`, { code: 'OKTA_BAD_RESPONSE' });
    }
    return { events, nextCursor: last };
  }

  async function* readLogHistory(since: string, until: string, filter?: string): AsyncGenerator<OktaLogEvent[]> {
    const call = `readLogHistory(${since} .. ${until})`;
    const pager = logPager(logsUrl({ since: toIso(since, call), until: toIso(until, call), sortOrder: 'ASCENDING', limit: String(logPageSize), filter }));
    const guard = loopGuard(call);
    while (pager.nextUri) {
      guard(pager.nextUri);
      const page = await nextPage(pager, call);
      if (page.length > 0) {
        yield page.map(toLogEvent);
      }
    }
  }

  async function getApp(): Promise<OktaAppInfo> {
    let app: unknown;
    try {
      app = await client.applicationApi.getApplication({ appId });
    } catch (err) {
      const e = fail(err, `getApp(${appId})`);
      if (isNotFound(err)) {
        throw new PermanentError(`${e.message} (is the app id ${appId} right?)`, { code: e.code, status: 404, cause: err });
      }
      throw e;
    }
    const a = app !== null && typeof app === 'object' ? (app as Obj) : {};
    if (typeof a.id !== 'string' || typeof a.label !== 'string') {
      throw new TransientError(`Okta getApp(${appId}) got an answer that is not an app`, { code: 'OKTA_BAD_RESPONSE' });
    }
    return { id: a.id, label: a.label, status: typeof a.status === 'string' ? a.status : 'UNKNOWN' };
  }

  /** A raw pager over `uri` on the org (items stay JSON; see `logPager`). */
  function rawPager(uri: string): Pager {
    return new Collection(client.http, onOrigin(uri));
  }

  /** Every item of a paged SDK listing, page by page (429s waited out per page, loops refused). */
  async function allPages(start: () => Promise<Pager>, call: string): Promise<Obj[]> {
    let pager: Pager;
    try {
      pager = await start();
    } catch (err) {
      throw fail(err, call);
    }
    const guard = loopGuard(call);
    const items: Obj[] = [];
    while (pager.nextUri) {
      guard(pager.nextUri);
      items.push(...(await nextPage(pager, call)));
    }
    return items;
  }

  async function resolveGroups(refs: readonly string[]): Promise<Map<string, OktaGroupRef | null>> {
    const wanted = [...new Set(refs)];
    const found: OktaGroupRef[] = [];
    for (let i = 0; i < wanted.length; i += GROUPS_PER_SEARCH) {
      const chunk = wanted.slice(i, i + GROUPS_PER_SEARCH);
      const search = chunk.map((ref) => (GROUP_ID.test(ref) ? `id eq ${quoted(ref)} or profile.name eq ${quoted(ref)}` : `profile.name eq ${quoted(ref)}`)).join(' or ');
      const page = await allPages(() => client.groupApi.listGroups({ search, limit: GROUPS_PAGE }), `resolveGroups(${chunk.length} groups)`);
      found.push(...page.flatMap((g) => toGroupRef(g) ?? []));
    }
    const out = new Map<string, OktaGroupRef | null>();
    for (const ref of wanted) {
      const loose = found.filter((g) => g.name.toLowerCase() === ref.toLowerCase());
      const match = found.find((g) => g.id === ref) ?? found.find((g) => g.name === ref) ?? (loose.length === 1 ? loose[0] : undefined);
      out.set(ref, match ? { id: match.id, name: match.name } : null);
    }
    return out;
  }

  async function listGroups(): Promise<OktaGroupRef[]> {
    const items = await allPages(() => client.groupApi.listGroups({ limit: GROUPS_PAGE }), 'listGroups');
    return items.flatMap((g) => toGroupRef(g) ?? []);
  }

  async function listGroupMemberIds(groupId: string): Promise<string[]> {
    const call = `listGroupMemberIds(${groupId})`;
    try {
      // Raw pages (the SDK's Collection without its User model): only the ids are needed, and
      // turning 100,000 members into SDK models costs seconds.
      const items = await allPages(async () => rawPager(`${orgUrl}/api/v1/groups/${encodeURIComponent(groupId)}/users?limit=${groupMemberPageSize}`), call);
      return items.flatMap((u) => (typeof u.id === 'string' ? [u.id] : []));
    } catch (err) {
      // Deleted since it was resolved: it has no members (the next resolution reports it).
      if (err instanceof PermanentError && err.status === 404) {
        log.warn('Okta group the rules name no longer exists; read as having no members', { groupId });
        return [];
      }
      throw err;
    }
  }

  async function listUserGroupIds(userIdOrLogin: string): Promise<string[]> {
    const call = `listUserGroupIds(${userIdOrLogin})`;
    try {
      const items = await allPages(() => client.userApi.listUserGroups({ userId: userIdOrLogin }), call);
      return items.flatMap((g) => (typeof g.id === 'string' ? [g.id] : []));
    } catch (err) {
      if (err instanceof PermanentError && err.status === 404) {
        return [];
      }
      throw err;
    }
  }

  const api: OktaClientApi = { listAssignedUsers, getCandidate, pollLog, readLogHistory, getApp, resolveGroups, listGroups, listGroupMemberIds, listUserGroupIds };
  return api;
}

export type OktaClient = ReturnType<typeof createOktaClient>;

function toIso(value: string, call: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new PermanentError(`Okta ${call}: "${value}" is not a date`, { code: 'OKTA_BAD_DATE' });
  }
  return new Date(ms).toISOString();
}
