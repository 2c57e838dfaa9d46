import { OktaHttpError, oktaError, validationError } from './okta-errors';
import { appGroupJson, appJson, appUserJson, groupJson, userJson } from './okta-json';
import type { OktaStore, SimUser } from './okta-store';
import { pageLinks, pageUrl, startAfter } from './links';
import { filterPaths, matchesScimFilter, parseScimFilter, ScimFilterError, type ScimFilter } from './scim-filter';
import { formatLogCursor, parseLogCursor, unsupportedLogFilter } from './system-log';

/**
 * The Okta management endpoints the daemon uses, with Okta's parameters, limits, pagination and
 * errors. Each handler reads the store and returns the answer; the server adds the headers.
 */

export interface ApiContext {
  url: URL;
  params: Record<string, string>;
  origin: string;
  store: OktaStore;
  nowMs: number;
  /** The default user type id (users' `type.id`). */
  typeId: string;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  /** `Link` header lines. */
  links?: string[];
}

export interface ApiRoute {
  method: 'GET';
  template: string;
  pattern: RegExp;
  /** The OAuth scope a Bearer token needs. */
  scope: string;
  handle(ctx: ApiContext): ApiAnswer;
}

const SINCE_LIMIT_MS = 180 * 24 * 3600 * 1000;

function intParam(url: URL, name: string, def: number, min: number, max: number, clamp: boolean): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') {
    return def;
  }
  if (!/^-?\d+$/.test(raw)) {
    throw validationError(name, `must be an integer, got "${raw}"`);
  }
  const n = Number(raw);
  if (n < min || (n > max && !clamp)) {
    throw validationError(name, `must be between ${min} and ${max}`);
  }
  return Math.min(n, max);
}

function notFound(id: string, kind: string): OktaHttpError {
  return new OktaHttpError(404, oktaError('E0000007', `Not found: Resource not found: ${id} (${kind})`));
}

function requireApp(ctx: ApiContext): void {
  if (ctx.params.appId !== ctx.store.app.id) {
    throw notFound(ctx.params.appId ?? '', 'AppInstance');
  }
}

function parseFilterParam(url: URL, name: string): ScimFilter | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') {
    return undefined;
  }
  try {
    return parseScimFilter(raw);
  } catch (err) {
    if (err instanceof ScimFilterError) {
      throw new OktaHttpError(400, oktaError('E0000053', 'Invalid SCIM filter.', [`${name}: ${err.message} at ${err.position}`]));
    }
    throw err;
  }
}

/** An ISO 8601 date-time as Okta accepts it in `since`/`until`, or an E0000001 naming the field. */
function dateParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') {
    return undefined;
  }
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw);
  const ms = ok ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) {
    const why = 'The date format in your query is not recognized. Please enter dates using ISO8601 string format.';
    throw new OktaHttpError(
      400,
      oktaError('E0000001', `Api validation failed: '${name}': ${why}. '${name}': must be a valid date-time or empty.`, [`${name}: ${why}`]),
    );
  }
  return ms;
}

function startsWithAny(values: readonly unknown[], q: string): boolean {
  const lower = q.toLowerCase();
  return values.some((v) => typeof v === 'string' && v.toLowerCase().startsWith(lower));
}

function listApp(ctx: ApiContext): ApiAnswer {
  requireApp(ctx);
  return { status: 200, body: appJson(ctx.store, ctx.origin) };
}

/**
 * App assignments, paged by user id. Like real Okta (SDK issue #439), the `next` link drops
 * `expand=user`: only the first page embeds the users unless the client asks again.
 */
function listAppUsers(ctx: ApiContext): ApiAnswer {
  requireApp(ctx);
  const { url, store } = ctx;
  const limit = intParam(url, 'limit', 50, 1, 500, true);
  const after = url.searchParams.get('after') ?? undefined;
  const q = url.searchParams.get('q') ?? undefined;
  const expand = url.searchParams.get('expand') === 'user';
  const ids = store.sortedAppUserIds();
  const page: Record<string, unknown>[] = [];
  let i = startAfter(ids, after);
  let lastId: string | undefined;
  for (; i < ids.length && page.length < limit; i++) {
    const id = ids[i] as string;
    const au = store.appUsers.get(id);
    const u = store.users.get(id);
    if (!au || !u) {
      continue;
    }
    lastId = id;
    if (q && !startsWithAny([u.profile.login, u.profile.firstName, u.profile.lastName, u.profile.email], q)) {
      continue;
    }
    page.push(appUserJson(au, u, store, ctx.origin, ctx.typeId, expand));
  }
  const more = i < ids.length && lastId !== undefined;
  const next = more ? pageUrl(ctx.origin, url.pathname, { limit, after: lastId, q }) : null;
  return { status: 200, body: page, links: pageLinks(url.href, next) };
}

function getAppUser(ctx: ApiContext): ApiAnswer {
  requireApp(ctx);
  const userId = ctx.params.userId ?? '';
  const au = ctx.store.appUsers.get(userId);
  const u = ctx.store.users.get(userId);
  if (!au || !u) {
    throw notFound(userId, 'AppUser');
  }
  return { status: 200, body: appUserJson(au, u, ctx.store, ctx.origin, ctx.typeId, ctx.url.searchParams.get('expand') === 'user') };
}

function listAppGroups(ctx: ApiContext): ApiAnswer {
  requireApp(ctx);
  const { url, store } = ctx;
  const limit = intParam(url, 'limit', 20, 1, 200, true);
  const after = url.searchParams.get('after') ?? undefined;
  const assigned = [...store.groups.values()].filter((g) => g.appAssignment).sort((a, b) => (a.id < b.id ? -1 : 1));
  const start = startAfter(
    assigned.map((g) => g.id),
    after,
  );
  const slice = assigned.slice(start, start + limit);
  const last = slice[slice.length - 1];
  const next = start + limit < assigned.length && last ? pageUrl(ctx.origin, url.pathname, { limit, after: last.id }) : null;
  return { status: 200, body: slice.map((g) => appGroupJson(g, store, ctx.origin)), links: pageLinks(url.href, next) };
}

function getAppGroup(ctx: ApiContext): ApiAnswer {
  requireApp(ctx);
  const g = ctx.store.groups.get(ctx.params.groupId ?? '');
  if (!g?.appAssignment) {
    throw notFound(ctx.params.groupId ?? '', 'ApplicationGroupAssignment');
  }
  return { status: 200, body: appGroupJson(g, ctx.store, ctx.origin) };
}

/** Group fields Okta's `filter` accepts on `/api/v1/groups` (search takes any profile attribute too). */
const GROUP_FILTER_PATHS = /^(id|type|lastUpdated|lastMembershipUpdated)$/;
const GROUP_SEARCH_PATHS = /^(id|type|created|lastUpdated|lastMembershipUpdated|profile\..+|source\.id)$/;

/**
 * `GET /api/v1/groups`, paged by group id: `search` (any profile attribute, e.g. `profile.name eq
 * "Sales"`; values compared without case, as Okta does), `filter` (id, type, lastUpdated,
 * lastMembershipUpdated only) or `q` (name starts with; not paged, at most `limit`, default 300).
 */
function listGroups(ctx: ApiContext): ApiAnswer {
  const { url, store } = ctx;
  const filter = parseFilterParam(url, 'filter');
  const search = parseFilterParam(url, 'search');
  for (const [name, f, allowed] of [
    ['filter', filter, GROUP_FILTER_PATHS],
    ['search', search, GROUP_SEARCH_PATHS],
  ] as const) {
    const bad = f ? filterPaths(f).find((path) => !allowed.test(path)) : undefined;
    if (bad !== undefined) {
      throw new OktaHttpError(400, oktaError('E0000031', 'Invalid search criteria.', [`${name}: ${bad} cannot be searched`]));
    }
  }
  const q = url.searchParams.get('q') ?? undefined;
  const limit = intParam(url, 'limit', q === undefined ? 10000 : 300, 1, 10000, true);
  const all = [...store.groups.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  if (q !== undefined) {
    const page = all.filter((g) => g.name.toLowerCase().startsWith(q.toLowerCase())).slice(0, limit);
    return { status: 200, body: page.map((g) => groupJson(g, ctx.origin)), links: pageLinks(url.href, null) };
  }
  const after = url.searchParams.get('after') ?? undefined;
  const ids = all.map((g) => g.id);
  const page: Record<string, unknown>[] = [];
  let i = startAfter(ids, after);
  let lastId: string | undefined;
  for (; i < all.length && page.length < limit; i++) {
    const g = all[i];
    if (!g) {
      continue;
    }
    lastId = g.id;
    const json = groupJson(g, ctx.origin);
    if ((filter && !matchesScimFilter(filter, json)) || (search && !matchesScimFilter(search, json))) {
      continue;
    }
    page.push(json);
  }
  const more = i < all.length && lastId !== undefined;
  const keep = (name: string) => url.searchParams.get(name) ?? undefined;
  const next = more ? pageUrl(ctx.origin, url.pathname, { limit, after: lastId, filter: keep('filter'), search: keep('search') }) : null;
  return { status: 200, body: page, links: pageLinks(url.href, next) };
}

/** `GET /api/v1/users/{userId}/groups` (id or login): every group the user is in, in one answer. */
function listUserGroups(ctx: ApiContext): ApiAnswer {
  const key = ctx.params.userId ?? '';
  const u = ctx.store.findUser(key);
  if (!u) {
    throw notFound(key, 'User');
  }
  const list = [...u.groupIds]
    .sort()
    .flatMap((id) => {
      const g = ctx.store.groups.get(id);
      return g ? [groupJson(g, ctx.origin)] : [];
    });
  return { status: 200, body: list, links: pageLinks(ctx.url.href, null) };
}

function listGroupUsers(ctx: ApiContext): ApiAnswer {
  const { url, store } = ctx;
  const g = store.groups.get(ctx.params.groupId ?? '');
  if (!g) {
    throw notFound(ctx.params.groupId ?? '', 'UserGroup');
  }
  const limit = intParam(url, 'limit', 1000, 1, 10000, true);
  const after = url.searchParams.get('after') ?? undefined;
  const ids = [...g.members].sort();
  const start = startAfter(ids, after);
  const slice = ids.slice(start, start + limit);
  const body = slice.map((id) => store.users.get(id)).filter((u): u is SimUser => u !== undefined);
  const last = slice[slice.length - 1];
  const next = start + limit < ids.length && last ? pageUrl(ctx.origin, url.pathname, { limit, after: last }) : null;
  return { status: 200, body: body.map((u) => userJson(u, ctx.origin, ctx.typeId)), links: pageLinks(url.href, next) };
}

function getGroup(ctx: ApiContext): ApiAnswer {
  const g = ctx.store.groups.get(ctx.params.groupId ?? '');
  if (!g) {
    throw notFound(ctx.params.groupId ?? '', 'UserGroup');
  }
  return { status: 200, body: groupJson(g, ctx.origin) };
}

function getUser(ctx: ApiContext): ApiAnswer {
  const key = ctx.params.userId ?? '';
  const u = ctx.store.findUser(key);
  if (!u) {
    throw notFound(key, 'User');
  }
  return { status: 200, body: userJson(u, ctx.origin, ctx.typeId) };
}

/**
 * `GET /api/v1/users`: without `search`/`filter`, every user but the deprovisioned ones (as
 * Okta lists them); `q` matches the start of login, names and email.
 */
function listUsers(ctx: ApiContext): ApiAnswer {
  const { url, store } = ctx;
  const limit = intParam(url, 'limit', 200, 1, 200, true);
  const after = url.searchParams.get('after') ?? undefined;
  const q = url.searchParams.get('q') ?? undefined;
  const filter = parseFilterParam(url, 'filter');
  const search = parseFilterParam(url, 'search');
  const ids = store.sortedUserIds();
  const page: Record<string, unknown>[] = [];
  let i = startAfter(ids, after);
  let lastId: string | undefined;
  const light = [filter, search].every((f) => !f || filterPaths(f).every((p) => /^(id|status|profile\..+|type\.id)$/.test(p)));
  for (; i < ids.length && page.length < limit; i++) {
    const u = store.users.get(ids[i] as string);
    if (!u) {
      continue;
    }
    lastId = u.id;
    if (!filter && !search && u.status === 'DEPROVISIONED') {
      continue;
    }
    if (q && !startsWithAny([u.profile.login, u.profile.firstName, u.profile.lastName, u.profile.email], q)) {
      continue;
    }
    // Most filters read only id, status and profile: test those before rendering the user.
    const view = light ? { id: u.id, status: u.status, profile: u.profile, type: { id: ctx.typeId } } : userJson(u, ctx.origin, ctx.typeId);
    if ((filter && !matchesScimFilter(filter, view)) || (search && !matchesScimFilter(search, view))) {
      continue;
    }
    page.push(light ? userJson(u, ctx.origin, ctx.typeId) : view);
  }
  const more = i < ids.length && lastId !== undefined;
  const keep = (name: string) => url.searchParams.get(name) ?? undefined;
  const next = more ? pageUrl(ctx.origin, url.pathname, { limit, after: lastId, q, filter: keep('filter'), search: keep('search') }) : null;
  return { status: 200, body: page, links: pageLinks(url.href, next) };
}

/**
 * `GET /api/v1/logs`. Polling (no `until`, ascending) always answers a `next` link, even with an
 * empty page; bounded queries end. `since` and `after` exclude each other.
 */
function listLogs(ctx: ApiContext): ApiAnswer {
  const { url, store, nowMs } = ctx;
  const sinceMs = dateParam(url, 'since');
  const untilMs = dateParam(url, 'until');
  const afterRaw = url.searchParams.get('after');
  if (sinceMs !== undefined && afterRaw !== null) {
    throw new OktaHttpError(400, oktaError('E0000001', "Api validation failed: 'since' and 'after' cannot be used together", ['since: cannot be used with after']));
  }
  if (sinceMs !== undefined && sinceMs < nowMs - SINCE_LIMIT_MS) {
    throw new OktaHttpError(400, oktaError('E0000053', 'Invalid parameter: The since parameter is over 180 days prior to the current day.'));
  }
  const limit = intParam(url, 'limit', 100, 0, 1000, false);
  const sortOrder = (url.searchParams.get('sortOrder') ?? 'ASCENDING').toUpperCase();
  if (sortOrder !== 'ASCENDING' && sortOrder !== 'DESCENDING') {
    throw validationError('sortOrder', 'must be ASCENDING or DESCENDING');
  }
  const after = afterRaw === null ? undefined : parseLogCursor(afterRaw);
  if (after === null) {
    throw validationError('after', 'is not a valid cursor');
  }
  const filter = parseFilterParam(url, 'filter');
  if (filter) {
    const why = unsupportedLogFilter(filter);
    if (why) {
      throw new OktaHttpError(400, oktaError('E0000031', 'Invalid search criteria.', [`filter: ${why}`]));
    }
  }
  const q = url.searchParams.get('q') ?? undefined;
  const keywords = q?.split(/\s+/).filter((k) => k !== '');
  if (keywords && (keywords.length > 10 || keywords.some((k) => k.length > 40))) {
    throw validationError('q', 'at most 10 keywords of at most 40 characters');
  }
  const page = store.log.query({ sinceMs, untilMs, after, limit, descending: sortOrder === 'DESCENDING', filter, keywords, nowMs });
  const next = page.next
    ? pageUrl(ctx.origin, url.pathname, {
        until: url.searchParams.get('until') ?? undefined,
        limit: url.searchParams.get('limit') ?? undefined,
        filter: url.searchParams.get('filter') ?? undefined,
        q,
        sortOrder: url.searchParams.get('sortOrder') ?? undefined,
        after: formatLogCursor(page.next),
      })
    : null;
  return { status: 200, body: page.events.map((e) => store.log.render(e)), links: pageLinks(url.href, next) };
}

const route = (template: string, scope: string, handle: ApiRoute['handle']): ApiRoute => ({
  method: 'GET',
  template,
  scope,
  pattern: new RegExp(`^${template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
  handle,
});

/** Every simulated API route. */
export const API_ROUTES: readonly ApiRoute[] = [
  route('/api/v1/apps/{appId}', 'okta.apps.read', listApp),
  route('/api/v1/apps/{appId}/users', 'okta.apps.read', listAppUsers),
  route('/api/v1/apps/{appId}/users/{userId}', 'okta.apps.read', getAppUser),
  route('/api/v1/apps/{appId}/groups', 'okta.apps.read', listAppGroups),
  route('/api/v1/apps/{appId}/groups/{groupId}', 'okta.apps.read', getAppGroup),
  route('/api/v1/groups', 'okta.groups.read', listGroups),
  route('/api/v1/groups/{groupId}', 'okta.groups.read', getGroup),
  route('/api/v1/groups/{groupId}/users', 'okta.groups.read', listGroupUsers),
  route('/api/v1/users', 'okta.users.read', listUsers),
  route('/api/v1/users/{userId}', 'okta.users.read', getUser),
  route('/api/v1/users/{userId}/groups', 'okta.users.read', listUserGroups),
  route('/api/v1/logs', 'okta.logs.read', listLogs),
];

/** Finds the route for a path, with its decoded path parameters. */
export function matchApiRoute(pathname: string): { route: ApiRoute; params: Record<string, string> } | null {
  for (const r of API_ROUTES) {
    const m = r.pattern.exec(pathname);
    if (m) {
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) {
        try {
          params[k] = decodeURIComponent(v);
        } catch {
          params[k] = v;
        }
      }
      return { route: r, params };
    }
  }
  return null;
}
