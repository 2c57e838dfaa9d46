import { missingScopes, notFoundRoute, userIdNotNumeric, userNotFound, validationError } from './hubspot-sim-errors';
import type { SimWriteRecord } from './hubspot-request-log';
import { hasAnyScope, SCOPE, type RouteKind } from './hubspot-scopes';
import type { HubSpotApiVersion, PublicSeatJson, PublicTeamJson, SimErrorAnswer, SimUser } from './hubspot-sim-types';
import type { HubSpotStore } from './hubspot-store';
import { checkEmailFree, checkSeatInventory, parseCreate, parseUpdate, renderUser, type VersionFeatures } from './hubspot-user-rules';

/**
 * The User Provisioning API routes: legacy v3 (with and without the trailing slash the SDK
 * sometimes sends), the `/settings/users/v3` spelling of newer specs, and the date versions
 * 2026-03 (no seats) and 2026-09-beta (seatNames and GET /seats). v3 also reads and writes
 * `seatNames`, as HubSpot's v3 spec has listed it since 2026-08.
 */

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 100;

export interface RouteMatch {
  version: HubSpotApiVersion;
  kind: RouteKind;
  /** e.g. `/settings/v3/users/{userId}`; what logs and counters use. */
  template: string;
  /** The collection path, e.g. `/settings/v3/users`. */
  base: string;
  /** `{userId}`, URL-decoded. */
  userId?: string;
}

const BASES: ReadonlyArray<{ prefix: string; version: HubSpotApiVersion; seats: boolean }> = [
  { prefix: '/settings/v3/users', version: 'v3', seats: false },
  { prefix: '/settings/users/v3', version: 'v3', seats: false },
  { prefix: '/settings/users/2026-03', version: '2026-03', seats: false },
  { prefix: '/settings/users/2026-09-beta', version: '2026-09-beta', seats: true },
];

/** Which API features a version has. */
export function featuresOf(version: HubSpotApiVersion): VersionFeatures {
  return { seatAware: version !== '2026-03' };
}

/**
 * Finds the route of a path; null when none. A `{userId}` that is not valid percent-encoding
 * yields kind `user` with the raw segment.
 */
export function matchRoute(pathname: string): RouteMatch | null {
  for (const b of BASES) {
    if (pathname !== b.prefix && !pathname.startsWith(`${b.prefix}/`)) {
      continue;
    }
    const rest = pathname.slice(b.prefix.length).replace(/^\//, '').replace(/\/$/, '');
    if (rest === '') {
      return { version: b.version, kind: 'users', template: b.prefix, base: b.prefix };
    }
    if (rest.includes('/')) {
      return null;
    }
    if (rest === 'roles' || rest === 'teams' || (rest === 'seats' && b.seats)) {
      return { version: b.version, kind: rest, template: `${b.prefix}/${rest}`, base: b.prefix };
    }
    let userId = rest;
    try {
      userId = decodeURIComponent(rest);
    } catch {
      // keep the raw segment; it will not match a user
    }
    return { version: b.version, kind: 'user', template: `${b.prefix}/{userId}`, base: b.prefix, userId };
  }
  return null;
}

export interface ApiRequest {
  method: string;
  match: RouteMatch;
  query: URLSearchParams;
  body: unknown;
  /** `http://host:port` as the client addressed us, for paging links and Location. */
  origin: string;
  scopes: ReadonlySet<string>;
}

export interface ApiAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A mutating request to log against a user. */
  write?: Omit<SimWriteRecord, 'at' | 'status' | 'route'>;
}

export interface RouteDeps {
  store: HubSpotStore;
  /** Whether the account is on seats-based pricing (GET /seats answers). */
  seatsApi: () => boolean;
}

function err(error: SimErrorAnswer, write?: ApiAnswer['write']): ApiAnswer & { error: SimErrorAnswer } {
  return { status: error.status, error, ...(write ? { write } : {}) };
}

/** The answer of an API route, or an error descriptor the server renders with a correlation id. */
export type RouteOutcome = ApiAnswer | (ApiAnswer & { error: SimErrorAnswer });

/** Serves the User Provisioning API over the store. */
export function createApiRoutes(deps: RouteDeps) {
  const { store } = deps;

  function resolveUser(req: ApiRequest): { user: SimUser | null; key: string; byEmail: boolean } | { error: SimErrorAnswer } {
    const key = req.match.userId ?? '';
    const idProperty = req.query.get('idProperty');
    if (idProperty !== null && idProperty !== 'USER_ID' && idProperty !== 'EMAIL') {
      return { error: validationError('idProperty', `idProperty must be USER_ID or EMAIL, not "${idProperty}"`) };
    }
    if (idProperty === 'EMAIL') {
      return { user: store.getByEmail(key), key, byEmail: true };
    }
    if (!/^\d+$/.test(key)) {
      return { error: userIdNotNumeric(key) };
    }
    return { user: store.get(key), key, byEmail: false };
  }

  function listUsers(req: ApiRequest): RouteOutcome {
    const rawLimit = req.query.get('limit');
    const rawAfter = req.query.get('after');
    let limit = DEFAULT_PAGE_SIZE;
    if (rawLimit !== null) {
      if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1) {
        return err(validationError('limit', `limit must be a positive integer, not "${rawLimit}"`));
      }
      limit = Math.min(MAX_PAGE_SIZE, Number(rawLimit));
    }
    if (rawAfter !== null && !/^\d+$/.test(rawAfter)) {
      return err(validationError('after', `after "${rawAfter}" is not a paging cursor from this API`));
    }
    const page = store.page(rawAfter === null ? null : Number(rawAfter), limit);
    const features = featuresOf(req.match.version);
    const body: Record<string, unknown> = { results: page.users.map((u) => renderUser(u, features)) };
    const last = page.users[page.users.length - 1];
    if (page.hasMore && last) {
      body.paging = { next: { after: last.id, link: `${req.origin}${req.match.base}/?after=${last.id}&limit=${limit}` } };
    }
    return { status: 200, body };
  }

  function createUser(req: ApiRequest): RouteOutcome {
    const features = featuresOf(req.match.version);
    const parsed = parseCreate(req.body, store, features);
    const email = typeof (req.body as { email?: unknown } | null)?.email === 'string' ? String((req.body as { email: string }).email) : null;
    const write = { method: 'POST' as const, userId: null, email };
    if (!parsed.ok) {
      return err(parsed.error, write);
    }
    if (parsed.value.needsBilling && !req.scopes.has(SCOPE.billingWrite)) {
      return err(missingScopes([SCOPE.billingWrite]), write);
    }
    const conflict = checkEmailFree(store, parsed.value.user.email) ?? checkSeatInventory(store, [], parsed.value.user.seatNames);
    if (conflict) {
      return err(conflict, write);
    }
    const user = store.create(parsed.value.user);
    return {
      status: 201,
      body: renderUser(user, features, parsed.value.sendWelcomeEmail),
      headers: { Location: `${req.origin}${req.match.base}/${user.id}` },
      write: { method: 'POST', userId: user.id, email: user.email },
    };
  }

  function userRoute(req: ApiRequest): RouteOutcome {
    const features = featuresOf(req.match.version);
    const resolved = resolveUser(req);
    const mutating = req.method === 'PUT' || req.method === 'DELETE';
    const method = req.method === 'PUT' ? 'PUT' : 'DELETE';
    if ('error' in resolved) {
      return err(resolved.error, mutating ? { method, userId: null, email: null } : undefined);
    }
    const { user, key, byEmail } = resolved;
    const write = { method, userId: user?.id ?? null, email: user?.email ?? (byEmail ? key : null) } as const;
    if (!user) {
      return err(userNotFound(key, byEmail), mutating ? write : undefined);
    }
    if (req.method === 'GET') {
      return { status: 200, body: renderUser(user, features) };
    }
    if (req.method === 'DELETE') {
      store.remove(user.id);
      return { status: 204, write };
    }
    const parsed = parseUpdate(req.body, user, store, features);
    if (!parsed.ok) {
      return err(parsed.error, write);
    }
    if (parsed.value.needsBilling && !req.scopes.has(SCOPE.billingWrite)) {
      return err(missingScopes([SCOPE.billingWrite]), write);
    }
    const noSeat = checkSeatInventory(store, user.seatNames, parsed.value.patch.seatNames);
    if (noSeat) {
      return err(noSeat, write);
    }
    const updated = store.update(user.id, parsed.value.patch);
    return updated ? { status: 200, body: renderUser(updated, features), write } : err(userNotFound(key, byEmail), write);
  }

  function teams(): RouteOutcome {
    const members = new Map<string, { primary: string[]; secondary: string[] }>();
    for (const t of store.teams()) {
      members.set(t.id, { primary: [], secondary: [] });
    }
    for (const u of store.all()) {
      if (u.primaryTeamId !== undefined) {
        members.get(u.primaryTeamId)?.primary.push(u.id);
      }
      for (const s of u.secondaryTeamIds) {
        members.get(s)?.secondary.push(u.id);
      }
    }
    const results: PublicTeamJson[] = store.teams().map((t) => ({
      id: t.id,
      name: t.name,
      userIds: members.get(t.id)?.primary ?? [],
      secondaryUserIds: members.get(t.id)?.secondary ?? [],
    }));
    return { status: 200, body: { results } };
  }

  function seats(): RouteOutcome {
    if (!deps.seatsApi()) {
      return err({ status: 404, category: 'OBJECT_NOT_FOUND', message: 'This account does not use seats-based pricing.' });
    }
    const results: PublicSeatJson[] = store.seats().map((s) => {
      const out: PublicSeatJson = { name: s.name, remainingSeats: Math.max(0, s.total - store.seatsUsed(s.name)) };
      if (s.description !== undefined) {
        out.description = s.description;
      }
      return out;
    });
    return { status: 200, body: { results } };
  }

  return {
    /** Serves one request whose route, token and scopes were already checked. */
    handle(req: ApiRequest): RouteOutcome {
      const { kind } = req.match;
      if (kind === 'users') {
        return req.method === 'POST' ? createUser(req) : listUsers(req);
      }
      if (kind === 'user') {
        return userRoute(req);
      }
      if (kind === 'roles') {
        return { status: 200, body: { results: store.roles() } };
      }
      if (kind === 'teams') {
        return teams();
      }
      if (kind === 'seats') {
        return seats();
      }
      return err(notFoundRoute(req.match.template));
    },
  };
}

/** Whether the token's scopes allow the route; the 403 to answer when not. */
export function scopeError(granted: ReadonlySet<string>, anyOf: readonly string[] | null): SimErrorAnswer | null {
  if (anyOf === null || hasAnyScope(granted, anyOf)) {
    return null;
  }
  return missingScopes(anyOf);
}
