import type { LogRef, StoredLogEvent } from './log-events';
import { oktaId } from './okta-ids';
import { createSystemLog } from './system-log';

/**
 * The simulated org's state: users, groups, the one app and its assignments, and the System
 * Log. Every change goes through here and emits the events real Okta emits for it, so the
 * System Log always explains the current state.
 *
 * Assignment rules, as in Okta:
 * - A user is assigned to the app directly (scope USER) or through any assigned group they are
 *   in (scope GROUP); a direct assignment wins.
 * - Deactivating a user deprovisions them from every app: direct assignments are dropped for
 *   good, group memberships are kept, and activating the user again restores the assignments
 *   that come from groups (not the direct ones).
 * - Suspending keeps assignments.
 *
 * App user profiles, as in Okta: the attributes mapped from the user's profile, plus the
 * assignment's own. A direct assignment has a profile of its own and it wins; otherwise the
 * assigning group with the best priority (lowest number) gives the group-scoped attributes.
 * Group priorities are unique and renumbered 0, 1, … when one moves, as Okta's console does.
 */

export type OktaUserStatus = 'ACTIVE' | 'STAGED' | 'PROVISIONED' | 'SUSPENDED' | 'DEPROVISIONED' | 'LOCKED_OUT' | 'PASSWORD_EXPIRED' | 'RECOVERY';

export const OKTA_USER_STATUSES: readonly OktaUserStatus[] = ['ACTIVE', 'STAGED', 'PROVISIONED', 'SUSPENDED', 'DEPROVISIONED', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'RECOVERY'];

/** A profile attribute's value: Okta's custom attributes may be numbers, booleans or lists of strings as well as text. */
export type SimValue = string | number | boolean | string[] | null;

/** Profile attributes; unset attributes are absent (Okta omits several rather than send null). */
export type SimProfile = Record<string, SimValue>;

/** A user's profile: the base attributes are text, custom ones any {@link SimValue}. */
export type SimUserProfile = SimProfile & { login: string; email?: string | null; firstName?: string | null; lastName?: string | null; displayName?: string | null; title?: string | null };

export interface SimUser {
  id: string;
  status: OktaUserStatus;
  created: number;
  activated: number | null;
  statusChanged: number | null;
  lastLogin: number | null;
  lastUpdated: number;
  passwordChanged: number | null;
  profile: SimUserProfile;
  groupIds: Set<string>;
}

export interface SimGroup {
  id: string;
  name: string;
  description: string | null;
  created: number;
  lastUpdated: number;
  lastMembershipUpdated: number;
  members: Set<string>;
  /** Set while the group is assigned to the app: its priority (0 is the best) and its profile. */
  appAssignment: { at: number; priority: number; profile: SimProfile; lastUpdated: number } | null;
}

export interface SimAppUser {
  userId: string;
  /** The app-user instance id (0ua…) that System Log AppUser targets carry. */
  instanceId: string;
  scope: 'USER' | 'GROUP';
  /** The group the assignment comes from, when scope is GROUP. */
  groupId: string | null;
  created: number;
  lastUpdated: number;
  statusChanged: number;
}

export interface SimApp {
  id: string;
  name: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: number;
  lastUpdated: number;
}

/** A refused admin change, carrying the Okta error it maps to. */
export class OktaSimError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'OktaSimError';
  }
}

export interface NewUser {
  login: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  title?: string | null;
  department?: string;
  status?: OktaUserStatus;
  /** Other profile attributes (custom attributes included). */
  profile?: SimProfile;
  /** Stable key for a deterministic id (default: a counter). */
  key?: string;
}

export type ProfilePatch = Partial<Record<'login' | 'email' | 'firstName' | 'lastName' | 'title' | 'department' | 'displayName', string | null>> & SimProfile;

export interface StoreOptions {
  /** Namespace of the deterministic ids (the seed's name). */
  scope: string;
  /** Random per instance: keeps event uuids and request ids unique across simulators. */
  nonce: string;
  app: { id: string; label: string; name?: string; created: number };
  /** The administrator who performs changes (the System Log actor). */
  adminEmail: string;
}

/** The profile without its null attributes (null means "not set" in a change). */
function withoutNulls(p: SimProfile): SimProfile {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null));
}

/** One change in progress: all its events share a transaction and a request URI. */
interface Change {
  at: number;
  tx: number;
  uri: string;
}

export function createOktaStore(opts: StoreOptions) {
  const users = new Map<string, SimUser>();
  const loginIndex = new Map<string, string>();
  const groups = new Map<string, SimGroup>();
  const direct = new Map<string, number>();
  /** The direct assignments' own app user profiles (by user id). */
  const directProfiles = new Map<string, SimProfile>();
  const appUsers = new Map<string, SimAppUser>();
  const log = createSystemLog(opts.nonce);
  const app: SimApp = {
    id: opts.app.id,
    name: opts.app.name ?? 'hubspot',
    label: opts.app.label,
    status: 'ACTIVE',
    created: opts.app.created,
    lastUpdated: opts.app.created,
  };
  const actor: LogRef = { id: oktaId('00u', opts.scope, '__admin__'), type: 'User', alternateId: opts.adminEmail, displayName: 'Okta Admin' };
  let userCounter = 0;
  let groupCounter = 0;
  let txCounter = 0;
  let sortedUsers: string[] | null = null;
  let sortedAppUsers: string[] | null = null;

  const change = (at: number, uri: string): Change => ({ at, tx: ++txCounter, uri });

  function emit(c: Change, eventType: string, targets: LogRef[]): StoredLogEvent {
    return log.append({ publishedMs: c.at, eventType, actor, targets, tx: c.tx, requestUri: c.uri, outcome: 'SUCCESS' });
  }

  const displayName = (u: SimUser): string => [u.profile.firstName, u.profile.lastName].filter((s) => s).join(' ') || u.profile.login;
  const userRef = (u: SimUser): LogRef => ({ id: u.id, type: 'User', alternateId: u.profile.login, displayName: displayName(u) });
  const appTarget: LogRef = { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label };
  const appRef = (): LogRef => appTarget;
  const assignUri = `/api/v1/apps/${app.id}/users`;
  const groupRef = (g: SimGroup): LogRef => ({ id: g.id, type: 'UserGroup', alternateId: 'unknown', displayName: g.name });
  const appUserRef = (au: SimAppUser, u: SimUser): LogRef => ({ id: au.instanceId, type: 'AppUser', alternateId: u.profile.login, displayName: displayName(u) });

  /** Finds a user by id or login (case-insensitive), or by an unambiguous login short name. */
  function findUser(idOrLogin: string): SimUser | undefined {
    const byId = users.get(idOrLogin);
    if (byId) {
      return byId;
    }
    const id = loginIndex.get(idOrLogin.toLowerCase());
    if (id) {
      return users.get(id);
    }
    if (!idOrLogin.includes('@')) {
      const short = idOrLogin.toLowerCase();
      const found = [...users.values()].filter((u) => u.profile.login.toLowerCase().split('@')[0] === short);
      return found.length === 1 ? found[0] : undefined;
    }
    return undefined;
  }

  function requireUser(idOrLogin: string): SimUser {
    const u = findUser(idOrLogin);
    if (!u) {
      throw new OktaSimError(404, 'E0000007', `Not found: Resource not found: ${idOrLogin} (User)`);
    }
    return u;
  }

  function findGroup(idOrName: string): SimGroup | undefined {
    const byId = groups.get(idOrName);
    if (byId) {
      return byId;
    }
    const lower = idOrName.toLowerCase();
    return [...groups.values()].find((g) => g.name.toLowerCase() === lower);
  }

  function requireGroup(idOrName: string): SimGroup {
    const g = findGroup(idOrName);
    if (!g) {
      throw new OktaSimError(404, 'E0000007', `Not found: Resource not found: ${idOrName} (UserGroup)`);
    }
    return g;
  }

  /** The assigned group (lowest priority number first) that gives `u` the app, if any. */
  function assigningGroup(u: SimUser): SimGroup | undefined {
    let best: SimGroup | undefined;
    for (const gid of u.groupIds) {
      const g = groups.get(gid);
      const bestPriority = best?.appAssignment?.priority ?? Infinity;
      if (g?.appAssignment && (!best || g.appAssignment.priority < bestPriority || (g.appAssignment.priority === bestPriority && g.id < best.id))) {
        best = g;
      }
    }
    return best;
  }

  /**
   * The app user profile's attributes that come from the assignment (not from the user's own
   * profile): the direct assignment's profile, or the best-priority assigning group's; empty when
   * not assigned.
   */
  function assignmentProfile(userId: string): SimProfile {
    const au = appUsers.get(userId);
    if (!au) {
      return {};
    }
    if (au.scope === 'USER') {
      return { ...(directProfiles.get(userId) ?? {}) };
    }
    const g = au.groupId ? groups.get(au.groupId) : undefined;
    return { ...(g?.appAssignment?.profile ?? {}) };
  }

  const sameProfile = (a: SimProfile, b: SimProfile): boolean => {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => (a[k] ?? null) === (b[k] ?? null));
  };

  /** Recomputes `u`'s assignment after a change and emits the membership event that follows. */
  function refreshAssignment(u: SimUser, c: Change): void {
    const before = appUsers.get(u.id);
    const eligible = u.status !== 'DEPROVISIONED';
    const viaGroup = eligible ? assigningGroup(u) : undefined;
    const isDirect = eligible && direct.has(u.id);
    if (!isDirect && !viaGroup) {
      if (before) {
        appUsers.delete(u.id);
        sortedAppUsers = null;
        emit(c, 'application.user_membership.remove', [appUserRef(before, u), appRef(), userRef(u)]);
      }
      return;
    }
    const scope = isDirect ? 'USER' : 'GROUP';
    const groupId = isDirect ? null : (viaGroup?.id ?? null);
    if (!before) {
      const au: SimAppUser = {
        userId: u.id,
        instanceId: oktaId('0ua', opts.scope, `${app.id}:${u.id}`),
        scope,
        groupId,
        created: c.at,
        lastUpdated: c.at,
        statusChanged: c.at,
      };
      appUsers.set(u.id, au);
      sortedAppUsers = null;
      emit(c, 'application.user_membership.add', [appUserRef(au, u), appRef(), userRef(u)]);
      return;
    }
    if (before.scope !== scope || before.groupId !== groupId) {
      before.scope = scope;
      before.groupId = groupId;
      before.lastUpdated = c.at;
      emit(c, 'application.user_membership.update', [appUserRef(before, u), appRef(), userRef(u)]);
    }
  }

  /**
   * Recomputes the assignment of every member of the given groups after a group assignment
   * changed (profile or priority): an app user whose assigning group changed gets
   * `application.user_membership.update`; one whose profile changed only has it recomputed (Okta
   * logs the change once, on the group assignment).
   */
  function refreshMembers(groupList: Iterable<SimGroup>, c: Change, profilesBefore: Map<string, SimProfile>): void {
    const seen = new Set<string>();
    for (const g of groupList) {
      for (const uid of g.members) {
        const u = users.get(uid);
        if (!u || seen.has(uid)) {
          continue;
        }
        seen.add(uid);
        refreshAssignment(u, c);
        const au = appUsers.get(uid);
        const before = profilesBefore.get(uid);
        if (au && before && !sameProfile(before, assignmentProfile(uid))) {
          au.lastUpdated = c.at;
        }
      }
    }
  }

  /** The assignment profiles of every member of the assigned groups, before a change. */
  function memberProfiles(): Map<string, SimProfile> {
    const out = new Map<string, SimProfile>();
    for (const g of groups.values()) {
      if (g.appAssignment) {
        for (const uid of g.members) {
          out.set(uid, assignmentProfile(uid));
        }
      }
    }
    return out;
  }

  /** Moves `g` to `priority` among the assigned groups and renumbers them 0, 1, … (unique, as Okta keeps them). */
  function placeGroup(g: SimGroup, priority: number): void {
    const others = [...groups.values()]
      .filter((x) => x.appAssignment && x.id !== g.id)
      .sort((a, b) => (a.appAssignment?.priority ?? 0) - (b.appAssignment?.priority ?? 0) || (a.id < b.id ? -1 : 1));
    const at = Math.max(0, Math.min(others.length, Math.floor(priority)));
    others.splice(at, 0, g);
    others.forEach((x, i) => {
      if (x.appAssignment) {
        x.appAssignment.priority = i;
      }
    });
  }

  function setStatus(u: SimUser, status: OktaUserStatus, at: number): void {
    u.status = status;
    u.statusChanged = at;
    u.lastUpdated = at;
    if (status === 'ACTIVE' && u.activated === null) {
      u.activated = at;
    }
  }

  function touchAppUser(u: SimUser, at: number): void {
    const au = appUsers.get(u.id);
    if (au) {
      au.lastUpdated = at;
    }
  }

  /**
   * Creates a user (emitting create, and activate/suspend/deactivate for those statuses).
   * `quiet` skips the lifecycle events, for seeding very large orgs.
   */
  function createUser(input: NewUser, at: number, quiet = false): SimUser {
    const login = input.login.trim();
    if (login.length < 5) {
      throw new OktaSimError(400, 'E0000001', 'Api validation failed: login: The field cannot be left blank or is too short');
    }
    if (loginIndex.has(login.toLowerCase())) {
      throw new OktaSimError(400, 'E0000001', 'Api validation failed: login: An object with this field already exists in the current organization');
    }
    const status = input.status ?? 'ACTIVE';
    const id = oktaId('00u', opts.scope, input.key ?? `user-${++userCounter}`);
    if (users.has(id)) {
      throw new OktaSimError(400, 'E0000001', `Api validation failed: id: ${id} already exists`);
    }
    const profile: SimUser['profile'] = { login };
    const put = (k: string, v: string | null | undefined) => {
      if (v !== undefined) {
        profile[k] = v;
      }
    };
    put('firstName', input.firstName);
    put('lastName', input.lastName);
    put('email', input.email === undefined ? login : input.email);
    put('title', input.title);
    put('department', input.department);
    for (const [k, v] of Object.entries(input.profile ?? {})) {
      if (k !== 'login') {
        profile[k] = v;
      }
    }
    const u: SimUser = {
      id,
      status: 'STAGED',
      created: at,
      activated: null,
      statusChanged: null,
      lastLogin: null,
      lastUpdated: at,
      passwordChanged: null,
      profile,
      groupIds: new Set(),
    };
    users.set(id, u);
    loginIndex.set(login.toLowerCase(), id);
    sortedUsers = null;
    const c = change(at, '/api/v1/users');
    const lifecycleEvent = (eventType: string) => {
      if (!quiet) {
        emit(c, eventType, [userRef(u)]);
      }
    };
    lifecycleEvent('user.lifecycle.create');
    if (status === 'STAGED') {
      return u;
    }
    if (status === 'PROVISIONED') {
      setStatus(u, 'PROVISIONED', at);
      return u;
    }
    setStatus(u, 'ACTIVE', at);
    u.passwordChanged = at;
    lifecycleEvent('user.lifecycle.activate');
    if (status === 'SUSPENDED') {
      setStatus(u, 'SUSPENDED', at);
      lifecycleEvent('user.lifecycle.suspend');
    } else if (status === 'DEPROVISIONED') {
      setStatus(u, 'DEPROVISIONED', at);
      lifecycleEvent('user.lifecycle.deactivate');
    } else if (status !== 'ACTIVE') {
      setStatus(u, status, at);
    }
    return u;
  }

  function createGroup(input: { name: string; description?: string | null; key?: string }, at: number): SimGroup {
    if (findGroup(input.name)) {
      throw new OktaSimError(400, 'E0000001', 'Api validation failed: name: An object with this field already exists in the current organization');
    }
    const g: SimGroup = {
      id: oktaId('00g', opts.scope, input.key ?? `group-${++groupCounter}`),
      name: input.name,
      description: input.description ?? null,
      created: at,
      lastUpdated: at,
      lastMembershipUpdated: at,
      members: new Set(),
      appAssignment: null,
    };
    groups.set(g.id, g);
    return g;
  }

  /**
   * Assigns the user directly (scope USER), with the assignment's own app user profile when
   * given. Assigning someone already assigned directly changes nothing (use `setAppUserProfile`).
   */
  function assign(idOrLogin: string, at: number, profile?: SimProfile): SimAppUser | undefined {
    const u = requireUser(idOrLogin);
    if (u.status === 'DEPROVISIONED') {
      throw new OktaSimError(403, 'E0000038', `This operation is not allowed in the user's current status: ${u.id} is DEPROVISIONED`);
    }
    if (!direct.has(u.id)) {
      direct.set(u.id, at);
      directProfiles.set(u.id, withoutNulls(profile ?? {}));
    }
    refreshAssignment(u, change(at, assignUri));
    return appUsers.get(u.id);
  }

  function unassign(idOrLogin: string, at: number): void {
    const u = requireUser(idOrLogin);
    direct.delete(u.id);
    directProfiles.delete(u.id);
    refreshAssignment(u, change(at, `/api/v1/apps/${app.id}/users/${u.id}`));
  }

  /**
   * Changes the profile of a direct assignment (null removes an attribute), as
   * `POST /api/v1/apps/{appId}/users/{userId}` does, and logs `application.user_membership.update`
   * when the app user's profile changed. A user assigned only through a group has no profile of
   * their own to change (Okta's group-scoped attributes come from the group assignment).
   */
  function setAppUserProfile(idOrLogin: string, patch: SimProfile, at: number): SimAppUser {
    const u = requireUser(idOrLogin);
    const au = appUsers.get(u.id);
    if (!au || !direct.has(u.id)) {
      throw new OktaSimError(
        404,
        'E0000007',
        au ? `Not found: ${u.id} is assigned to the app through a group only; assign them directly to give them a profile of their own (AppUser)` : `Not found: Resource not found: ${u.id} (AppUser)`,
      );
    }
    const before = assignmentProfile(u.id);
    const next: SimProfile = { ...(directProfiles.get(u.id) ?? {}) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) {
        delete next[k];
      } else {
        next[k] = v;
      }
    }
    directProfiles.set(u.id, next);
    if (!sameProfile(before, assignmentProfile(u.id))) {
      au.lastUpdated = at;
      emit(change(at, `/api/v1/apps/${app.id}/users/${u.id}`), 'application.user_membership.update', [appUserRef(au, u), appRef(), userRef(u)]);
    }
    return au;
  }

  function assignGroup(idOrName: string, at: number, priority?: number, profile?: SimProfile): void {
    const g = requireGroup(idOrName);
    if (g.appAssignment) {
      return;
    }
    const c = change(at, `/api/v1/apps/${app.id}/groups/${g.id}`);
    const count = [...groups.values()].filter((x) => x.appAssignment).length;
    g.appAssignment = { at, priority: count, profile: withoutNulls(profile ?? {}), lastUpdated: at };
    if (priority !== undefined) {
      placeGroup(g, priority);
    }
    emit(c, 'group.application_assignment.add', [appRef(), groupRef(g)]);
    for (const uid of g.members) {
      const u = users.get(uid);
      if (u) {
        refreshAssignment(u, c);
      }
    }
    if (priority !== undefined) {
      // Another group's members may now get the app from this one instead.
      refreshMembers([...groups.values()].filter((x) => x.appAssignment), c, new Map());
    }
  }

  /**
   * Changes a group assignment's profile (null removes an attribute) and/or its priority, as
   * `PUT /api/v1/apps/{appId}/groups/{groupId}` does: logs `group.application_assignment.update`
   * (targets AppInstance and UserGroup) and recomputes every affected app user (see
   * `refreshMembers`).
   */
  function updateGroupAssignment(idOrName: string, update: { profile?: SimProfile; priority?: number }, at: number): SimGroup {
    const g = requireGroup(idOrName);
    const assignment = g.appAssignment;
    if (!assignment) {
      throw new OktaSimError(404, 'E0000007', `Not found: Resource not found: ${g.id} (ApplicationGroupAssignment)`);
    }
    const before = memberProfiles();
    const priorityBefore = assignment.priority;
    const profileBefore = { ...assignment.profile };
    if (update.profile) {
      for (const [k, v] of Object.entries(update.profile)) {
        if (v === null) {
          delete assignment.profile[k];
        } else {
          assignment.profile[k] = v;
        }
      }
    }
    if (update.priority !== undefined) {
      placeGroup(g, update.priority);
    }
    if (assignment.priority === priorityBefore && sameProfile(profileBefore, assignment.profile)) {
      return g;
    }
    assignment.lastUpdated = at;
    const c = change(at, `/api/v1/apps/${app.id}/groups/${g.id}`);
    emit(c, 'group.application_assignment.update', [appRef(), groupRef(g)]);
    refreshMembers([...groups.values()].filter((x) => x.appAssignment), c, before);
    return g;
  }

  function unassignGroup(idOrName: string, at: number): void {
    const g = requireGroup(idOrName);
    if (!g.appAssignment) {
      return;
    }
    const c = change(at, `/api/v1/apps/${app.id}/groups/${g.id}`);
    g.appAssignment = null;
    emit(c, 'group.application_assignment.remove', [appRef(), groupRef(g)]);
    for (const uid of g.members) {
      const u = users.get(uid);
      if (u) {
        refreshAssignment(u, c);
      }
    }
  }

  function addToGroup(userIdOrLogin: string, groupIdOrName: string, at: number): void {
    const u = requireUser(userIdOrLogin);
    const g = requireGroup(groupIdOrName);
    if (g.members.has(u.id)) {
      return;
    }
    const c = change(at, `/api/v1/groups/${g.id}/users/${u.id}`);
    g.members.add(u.id);
    g.lastMembershipUpdated = at;
    u.groupIds.add(g.id);
    emit(c, 'group.user_membership.add', [userRef(u), groupRef(g)]);
    refreshAssignment(u, c);
  }

  function removeFromGroup(userIdOrLogin: string, groupIdOrName: string, at: number): void {
    const u = requireUser(userIdOrLogin);
    const g = requireGroup(groupIdOrName);
    if (!g.members.has(u.id)) {
      return;
    }
    const c = change(at, `/api/v1/groups/${g.id}/users/${u.id}`);
    g.members.delete(u.id);
    g.lastMembershipUpdated = at;
    u.groupIds.delete(g.id);
    emit(c, 'group.user_membership.remove', [userRef(u), groupRef(g)]);
    refreshAssignment(u, c);
  }

  function updateProfile(idOrLogin: string, patch: ProfilePatch, at: number): SimUser {
    const u = requireUser(idOrLogin);
    const from: Record<string, unknown> = {};
    const to: Record<string, unknown> = {};
    const newLogin = patch.login;
    if (newLogin !== undefined && newLogin !== u.profile.login) {
      if (newLogin === null || newLogin.trim().length < 5) {
        throw new OktaSimError(400, 'E0000001', 'Api validation failed: login: The field cannot be left blank or is too short');
      }
      const owner = loginIndex.get(newLogin.toLowerCase());
      if (owner && owner !== u.id) {
        throw new OktaSimError(400, 'E0000001', 'Api validation failed: login: An object with this field already exists in the current organization');
      }
    }
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || u.profile[k] === v) {
        continue;
      }
      from[k] = u.profile[k] ?? null;
      to[k] = v;
      if (k === 'login' && typeof v === 'string') {
        loginIndex.delete(u.profile.login.toLowerCase());
        loginIndex.set(v.toLowerCase(), u.id);
        u.profile.login = v;
      } else if (v === null) {
        delete u.profile[k];
      } else {
        u.profile[k] = v;
      }
    }
    if (Object.keys(to).length === 0) {
      return u;
    }
    u.lastUpdated = at;
    touchAppUser(u, at);
    const c = change(at, `/api/v1/users/${u.id}`);
    emit(c, 'user.account.update_profile', [{ ...userRef(u), changeDetails: { from, to } }]);
    return u;
  }

  function lifecycle(idOrLogin: string, action: string, at: number): { u: SimUser; c: Change } {
    const u = requireUser(idOrLogin);
    return { u, c: change(at, `/api/v1/users/${u.id}/lifecycle/${action}`) };
  }

  function notAllowed(u: SimUser, what: string): OktaSimError {
    return new OktaSimError(403, 'E0000038', `This operation is not allowed in the user's current status: cannot ${what} a ${u.status} user`);
  }

  function deactivateUser(u: SimUser, c: Change): void {
    setStatus(u, 'DEPROVISIONED', c.at);
    direct.delete(u.id);
    directProfiles.delete(u.id);
    emit(c, 'user.lifecycle.deactivate', [userRef(u)]);
    refreshAssignment(u, c);
  }

  const admin = {
    deactivate(idOrLogin: string, at: number): SimUser {
      const { u, c } = lifecycle(idOrLogin, 'deactivate', at);
      if (u.status === 'DEPROVISIONED') {
        throw notAllowed(u, 'deactivate');
      }
      deactivateUser(u, c);
      return u;
    },
    suspend(idOrLogin: string, at: number): SimUser {
      const { u, c } = lifecycle(idOrLogin, 'suspend', at);
      if (u.status !== 'ACTIVE') {
        throw notAllowed(u, 'suspend');
      }
      setStatus(u, 'SUSPENDED', at);
      emit(c, 'user.lifecycle.suspend', [userRef(u)]);
      return u;
    },
    unsuspend(idOrLogin: string, at: number): SimUser {
      const { u, c } = lifecycle(idOrLogin, 'unsuspend', at);
      if (u.status !== 'SUSPENDED') {
        throw notAllowed(u, 'unsuspend');
      }
      setStatus(u, 'ACTIVE', at);
      emit(c, 'user.lifecycle.unsuspend', [userRef(u)]);
      return u;
    },
    /** DEPROVISIONED → PROVISIONED (the user still has to finish activation), as Okta does. */
    reactivate(idOrLogin: string, at: number): SimUser {
      const { u, c } = lifecycle(idOrLogin, 'reactivate', at);
      if (u.status !== 'DEPROVISIONED') {
        throw notAllowed(u, 'reactivate');
      }
      setStatus(u, 'PROVISIONED', at);
      emit(c, 'user.lifecycle.reactivate', [userRef(u)]);
      refreshAssignment(u, c);
      return u;
    },
    /** STAGED, PROVISIONED or DEPROVISIONED → ACTIVE (a deprovisioned user is reactivated first). */
    activate(idOrLogin: string, at: number): SimUser {
      const { u, c } = lifecycle(idOrLogin, 'activate', at);
      if (u.status === 'ACTIVE') {
        throw new OktaSimError(403, 'E0000016', 'Activation failed because the user is already active');
      }
      if (!['STAGED', 'PROVISIONED', 'DEPROVISIONED'].includes(u.status)) {
        throw notAllowed(u, 'activate');
      }
      if (u.status === 'DEPROVISIONED') {
        emit(c, 'user.lifecycle.reactivate', [userRef(u)]);
      }
      setStatus(u, 'ACTIVE', at);
      emit(c, 'user.lifecycle.activate', [userRef(u)]);
      refreshAssignment(u, c);
      return u;
    },
    /** Okta deletes only deprovisioned users; a live user is deactivated first, in the same call. */
    deleteUser(idOrLogin: string, at: number): void {
      const u = requireUser(idOrLogin);
      const c = change(at, `/api/v1/users/${u.id}`);
      if (u.status !== 'DEPROVISIONED') {
        deactivateUser(u, c);
      }
      emit(c, 'user.lifecycle.delete.initiated', [userRef(u)]);
      for (const gid of u.groupIds) {
        groups.get(gid)?.members.delete(u.id);
      }
      users.delete(u.id);
      loginIndex.delete(u.profile.login.toLowerCase());
      direct.delete(u.id);
      directProfiles.delete(u.id);
      appUsers.delete(u.id);
      sortedUsers = null;
      sortedAppUsers = null;
      emit(c, 'user.lifecycle.delete.completed', [userRef(u)]);
    },
  };

  function sortedIds(map: Map<string, unknown>): string[] {
    return [...map.keys()].sort();
  }

  return {
    app,
    actor,
    log,
    users,
    groups,
    appUsers,
    findUser,
    findGroup,
    createUser,
    createGroup,
    assign,
    unassign,
    assignGroup,
    unassignGroup,
    setAppUserProfile,
    updateGroupAssignment,
    assignmentProfile,
    addToGroup,
    removeFromGroup,
    updateProfile,
    ...admin,
    /** Every user id, sorted (the order list endpoints page in). */
    sortedUserIds(): string[] {
      sortedUsers ??= sortedIds(users);
      return sortedUsers;
    },
    /** Every assigned user id, sorted. */
    sortedAppUserIds(): string[] {
      sortedAppUsers ??= sortedIds(appUsers);
      return sortedAppUsers;
    },
  };
}

export type OktaStore = ReturnType<typeof createOktaStore>;
