/**
 * Okta route facts shared by the client (metrics labels, proactive throttling) and the
 * simulator (rate-limit buckets): a path's template without ids, and the rate-limit category
 * Okta counts it in.
 */

/** Okta's per-minute rate-limit buckets for the endpoints the daemon uses. */
export type OktaRateLimitCategory = 'app' | 'apps' | 'user' | 'users' | 'logs' | 'group' | 'groups' | 'oauth' | 'other';

const TEMPLATES: ReadonlyArray<[RegExp, string]> = [
  [/^\/api\/v1\/apps\/[^/]+\/users\/[^/]+$/, '/api/v1/apps/{appId}/users/{userId}'],
  [/^\/api\/v1\/apps\/[^/]+\/users$/, '/api/v1/apps/{appId}/users'],
  [/^\/api\/v1\/apps\/[^/]+\/groups\/[^/]+$/, '/api/v1/apps/{appId}/groups/{groupId}'],
  [/^\/api\/v1\/apps\/[^/]+\/groups$/, '/api/v1/apps/{appId}/groups'],
  [/^\/api\/v1\/apps\/[^/]+$/, '/api/v1/apps/{appId}'],
  [/^\/api\/v1\/apps$/, '/api/v1/apps'],
  [/^\/api\/v1\/users\/[^/]+\/groups$/, '/api/v1/users/{userId}/groups'],
  [/^\/api\/v1\/users\/[^/]+$/, '/api/v1/users/{userId}'],
  [/^\/api\/v1\/users$/, '/api/v1/users'],
  [/^\/api\/v1\/groups\/[^/]+\/users$/, '/api/v1/groups/{groupId}/users'],
  [/^\/api\/v1\/groups\/[^/]+$/, '/api/v1/groups/{groupId}'],
  [/^\/api\/v1\/groups$/, '/api/v1/groups'],
  [/^\/api\/v1\/logs$/, '/api/v1/logs'],
  [/^\/api\/v1\/eventHooks\/[^/]+\/lifecycle\/(activate|deactivate|verify)$/, '/api/v1/eventHooks/{eventHookId}/lifecycle/{action}'],
  [/^\/api\/v1\/eventHooks\/[^/]+$/, '/api/v1/eventHooks/{eventHookId}'],
  [/^\/api\/v1\/eventHooks$/, '/api/v1/eventHooks'],
  [/^\/oauth2\/v1\/token$/, '/oauth2/v1/token'],
];

/**
 * The path with ids replaced by placeholders (`/api/v1/users/{userId}`), safe as a metrics label:
 * bounded cardinality, and no user id or login in it. Unknown paths become `other`.
 */
export function oktaRouteTemplate(pathname: string): string {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const [re, template] of TEMPLATES) {
    if (re.test(path)) {
      return template;
    }
  }
  return 'other';
}

/**
 * The bucket Okta counts a request in (the documented "org-wide rate limits" table): every
 * `/api/v1/apps/*` call shares the small apps bucket except `GET /api/v1/apps/{id}` itself,
 * `GET /api/v1/users/{idOrLogin}` has its own large bucket, and the System Log its own.
 */
export function oktaRateLimitCategory(method: string, pathname: string): OktaRateLimitCategory {
  const template = oktaRouteTemplate(pathname);
  const get = method.toUpperCase() === 'GET';
  switch (template) {
    case '/api/v1/apps/{appId}':
      return get ? 'app' : 'apps';
    case '/api/v1/apps':
    case '/api/v1/apps/{appId}/users':
    case '/api/v1/apps/{appId}/users/{userId}':
    case '/api/v1/apps/{appId}/groups':
    case '/api/v1/apps/{appId}/groups/{groupId}':
      return 'apps';
    case '/api/v1/users/{userId}':
      return get ? 'user' : 'users';
    case '/api/v1/users':
      return 'users';
    case '/api/v1/groups/{groupId}':
      return 'group';
    case '/api/v1/groups':
    case '/api/v1/groups/{groupId}/users':
      return 'groups';
    case '/api/v1/logs':
      return 'logs';
    case '/oauth2/v1/token':
      return 'oauth';
    default:
      return 'other';
  }
}

/**
 * Per-minute limits of a Workforce org (Okta's published table, 2025): what the simulator
 * enforces by default.
 */
export const OKTA_WORKFORCE_RATE_LIMITS: Readonly<Record<OktaRateLimitCategory, number>> = {
  app: 500,
  apps: 100,
  user: 2000,
  users: 600,
  logs: 120,
  group: 1000,
  groups: 500,
  oauth: 600,
  other: 1200,
};
