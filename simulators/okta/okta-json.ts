import type { OktaStore, SimAppUser, SimGroup, SimProfile, SimUser } from './okta-store';
import { oktaId } from './okta-ids';

/**
 * The JSON shapes of Okta's management API (User, AppUser, Application, Group,
 * ApplicationGroupAssignment), with every link pointing at the simulator's own origin, so the
 * SDK follows them here.
 */

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const isoOf = (ms: number): string => new Date(ms).toISOString();

/** `GET /api/v1/users/{id}`: a User with `_links.self` (what the SDK's cache keys on). */
export function userJson(u: SimUser, origin: string, typeId: string): Record<string, unknown> {
  const self = `${origin}/api/v1/users/${u.id}`;
  const links: Record<string, { href: string; method?: string }> = {
    self: { href: self },
    type: { href: `${origin}/api/v1/meta/types/user/${typeId}` },
    schema: { href: `${origin}/api/v1/meta/schemas/user/${typeId.replace(/^oty/, 'osc')}` },
  };
  if (u.status === 'ACTIVE') {
    links.suspend = { href: `${self}/lifecycle/suspend`, method: 'POST' };
    links.deactivate = { href: `${self}/lifecycle/deactivate`, method: 'POST' };
  } else if (u.status === 'SUSPENDED') {
    links.unsuspend = { href: `${self}/lifecycle/unsuspend`, method: 'POST' };
    links.deactivate = { href: `${self}/lifecycle/deactivate`, method: 'POST' };
  } else if (u.status === 'DEPROVISIONED' || u.status === 'STAGED' || u.status === 'PROVISIONED') {
    links.activate = { href: `${self}/lifecycle/activate`, method: 'POST' };
  }
  return {
    id: u.id,
    status: u.status,
    created: isoOf(u.created),
    activated: iso(u.activated),
    statusChanged: iso(u.statusChanged),
    lastLogin: iso(u.lastLogin),
    lastUpdated: isoOf(u.lastUpdated),
    passwordChanged: iso(u.passwordChanged),
    type: { id: typeId },
    profile: { ...u.profile },
    credentials: {
      ...(u.status === 'STAGED' ? {} : { password: {} }),
      provider: { type: 'OKTA', name: 'OKTA' },
    },
    _links: links,
  };
}

/**
 * The app-user profile: the attributes Okta maps from the user profile for the HubSpot app, then
 * the assignment's own (the direct assignment's, else the best-priority assigning group's).
 */
function appUserProfile(u: SimUser, store: OktaStore): SimProfile {
  const p = u.profile;
  return {
    email: p.email ?? null,
    firstName: p.firstName ?? null,
    lastName: p.lastName ?? null,
    displayName: p.displayName ?? ([p.firstName, p.lastName].filter((s) => s).join(' ') || null),
    title: p.title ?? null,
    ...store.assignmentProfile(u.id),
  };
}

/** `GET /api/v1/apps/{appId}/users`: one AppUser, with the user embedded when asked. */
export function appUserJson(au: SimAppUser, u: SimUser, store: OktaStore, origin: string, typeId: string, expandUser: boolean): Record<string, unknown> {
  const links: Record<string, { href: string; name?: string }> = {
    app: { href: `${origin}/api/v1/apps/${store.app.id}` },
    user: { href: `${origin}/api/v1/users/${u.id}` },
  };
  if (au.groupId) {
    const g = store.groups.get(au.groupId);
    links.group = { href: `${origin}/api/v1/groups/${au.groupId}`, ...(g ? { name: g.name } : {}) };
  }
  const json: Record<string, unknown> = {
    id: u.id,
    externalId: oktaId('0ua', 'external', `${store.app.id}:${u.id}`).slice(3),
    created: isoOf(au.created),
    lastUpdated: isoOf(au.lastUpdated),
    scope: au.scope,
    status: 'PROVISIONED',
    statusChanged: isoOf(au.statusChanged),
    passwordChanged: null,
    syncState: 'SYNCHRONIZED',
    lastSync: isoOf(au.lastUpdated),
    credentials: { userName: u.profile.login },
    profile: appUserProfile(u, store),
    _links: links,
  };
  if (expandUser) {
    json._embedded = { user: userJson(u, origin, typeId) };
  }
  return json;
}

/** `GET /api/v1/apps/{appId}`: the HubSpot app as a SAML 2.0 catalog app with provisioning. */
export function appJson(store: OktaStore, origin: string): Record<string, unknown> {
  const a = store.app;
  const self = `${origin}/api/v1/apps/${a.id}`;
  return {
    id: a.id,
    orn: `orn:okta:idp:simulated:apps:${a.name}:${a.id}`,
    name: a.name,
    label: a.label,
    status: a.status,
    lastUpdated: isoOf(a.lastUpdated),
    created: isoOf(a.created),
    accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
    visibility: { autoLaunch: false, autoSubmitToolbar: false, hide: { iOS: false, web: false }, appLinks: { [`${a.name}_link`]: true } },
    features: ['PUSH_NEW_USERS', 'PUSH_PROFILE_UPDATES', 'PUSH_USER_DEACTIVATION', 'REACTIVATE_USERS'],
    signOnMode: 'SAML_2_0',
    credentials: { userNameTemplate: { template: '${source.email}', type: 'BUILT_IN' }, signing: { kid: 'simulated-signing-key' } },
    settings: { app: {}, notifications: { vpn: { network: { connection: 'DISABLED' } } }, signOn: {} },
    _links: {
      self: { href: self },
      users: { href: `${self}/users` },
      groups: { href: `${self}/groups` },
      deactivate: { href: `${self}/lifecycle/deactivate` },
    },
  };
}

/** `GET /api/v1/apps/{appId}/groups`: one ApplicationGroupAssignment. */
export function appGroupJson(g: SimGroup, store: OktaStore, origin: string): Record<string, unknown> {
  return {
    id: g.id,
    lastUpdated: isoOf(g.appAssignment?.lastUpdated ?? g.lastUpdated),
    priority: g.appAssignment?.priority ?? 0,
    profile: { ...(g.appAssignment?.profile ?? {}) },
    _links: {
      self: { href: `${origin}/api/v1/apps/${store.app.id}/groups/${g.id}` },
      app: { href: `${origin}/api/v1/apps/${store.app.id}` },
      group: { href: `${origin}/api/v1/groups/${g.id}` },
    },
  };
}

/** `GET /api/v1/groups/{id}`: an Okta-mastered group. */
export function groupJson(g: SimGroup, origin: string): Record<string, unknown> {
  return {
    id: g.id,
    created: isoOf(g.created),
    lastUpdated: isoOf(g.lastUpdated),
    lastMembershipUpdated: isoOf(g.lastMembershipUpdated),
    objectClass: ['okta:user_group'],
    type: 'OKTA_GROUP',
    // The spec types description as a string: an unset one is left out rather than sent as null.
    profile: { name: g.name, ...(g.description === null ? {} : { description: g.description }) },
    _links: { self: { href: `${origin}/api/v1/groups/${g.id}` }, users: { href: `${origin}/api/v1/groups/${g.id}/users` } },
  };
}
