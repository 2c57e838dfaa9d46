/**
 * Private-app tokens and their scopes. Each route needs one of a set of scopes (from the spec's
 * security blocks); assigning a paid-seat role or named seats also needs `settings.billing.write`.
 */

export const SCOPE = {
  usersRead: 'settings.users.read',
  usersWrite: 'settings.users.write',
  crmUsersRead: 'crm.objects.users.read',
  crmUsersWrite: 'crm.objects.users.write',
  teamsRead: 'settings.users.teams.read',
  billingWrite: 'settings.billing.write',
} as const;

/** The scopes a token gets when none are given: everything the daemon may need. */
export const DEFAULT_SCOPES: readonly string[] = [SCOPE.usersRead, SCOPE.usersWrite, SCOPE.teamsRead, SCOPE.billingWrite];

export type RouteKind = 'users' | 'user' | 'roles' | 'teams' | 'seats';

/** Any one of these scopes lets the request through; null when the route/method pair has none. */
export function requiredScopes(kind: RouteKind, method: string): readonly string[] | null {
  const read = [SCOPE.usersRead, SCOPE.crmUsersRead];
  const write = [SCOPE.usersWrite, SCOPE.crmUsersWrite];
  switch (kind) {
    case 'users':
      return method === 'GET' ? read : method === 'POST' ? write : null;
    case 'user':
      return method === 'GET' ? read : method === 'PUT' || method === 'DELETE' ? write : null;
    case 'roles':
      return method === 'GET' ? read : null;
    case 'teams':
      return method === 'GET' ? [SCOPE.teamsRead] : null;
    case 'seats':
      return method === 'GET' ? [SCOPE.billingWrite] : null;
  }
}

/** Tokens the simulated account accepts, each with its granted scopes. */
export function createTokenRegistry() {
  const tokens = new Map<string, Set<string>>();
  return {
    register(token: string, scopes: readonly string[]): void {
      tokens.set(token, new Set(scopes));
    },
    revoke(token: string): void {
      tokens.delete(token);
    },
    /** The scopes of a known token, or null for an unknown one. */
    scopesOf(token: string): ReadonlySet<string> | null {
      return tokens.get(token) ?? null;
    },
  };
}

export type TokenRegistry = ReturnType<typeof createTokenRegistry>;

/** Whether granted scopes include at least one of `anyOf`. */
export function hasAnyScope(granted: ReadonlySet<string>, anyOf: readonly string[]): boolean {
  return anyOf.some((s) => granted.has(s));
}
