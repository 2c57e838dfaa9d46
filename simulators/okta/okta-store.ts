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
 */

export type OktaUserStatus = 'ACTIVE' | 'STAGED' | 'PROVISIONED' | 'SUSPENDED' | 'DEPROVISIONED' | 'LOCKED_OUT' | 'PASSWORD_EXPIRED' | 'RECOVERY';

export const OKTA_USER_STATUSES: readonly OktaUserStatus[] = ['ACTIVE', 'STAGED', 'PROVISIONED', 'SUSPENDED', 'DEPROVISIONED', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'RECOVERY'];

/** Profile attributes; unset attributes are absent (Okta omits several rather than send null). */
export type SimProfile = Record<string, string | null>;

export interface SimUser {
  id: string;
  status: OktaUserStatus;
  created: number;
  activated: number | null;
  statusChanged: number | null;
  lastLogin: number | null;
  lastUpdated: number;
  passwordChanged: number | null;
  profile: SimProfile & { login: string };
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
  /** Set while the group is assigned to the app. */
  appAssignment: { at: number; priority: number } | null;
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
      if (g?.appAssignment && (!best || g.appAssignment.priority < (best.appAssignment?.priority ?? Infinity))) {
        best = g;
      }
    }
    return best;
  }

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

  function assign(idOrLogin: string, at: number): SimAppUser | undefined {
    const u = requireUser(idOrLogin);
    if (u.status === 'DEPROVISIONED') {
      throw new OktaSimError(403, 'E0000038', `This operation is not allowed in the user's current status: ${u.id} is DEPROVISIONED`);
    }
    direct.set(u.id, at);
    refreshAssignment(u, change(at, assignUri));
    return appUsers.get(u.id);
  }

  function unassign(idOrLogin: string, at: number): void {
    const u = requireUser(idOrLogin);
    direct.delete(u.id);
    refreshAssignment(u, change(at, `/api/v1/apps/${app.id}/users/${u.id}`));
  }

  function assignGroup(idOrName: string, at: number, priority?: number): void {
    const g = requireGroup(idOrName);
    if (g.appAssignment) {
      return;
    }
    const c = change(at, `/api/v1/apps/${app.id}/groups/${g.id}`);
    g.appAssignment = { at, priority: priority ?? [...groups.values()].filter((x) => x.appAssignment).length };
    emit(c, 'group.application_assignment.add', [appRef(), groupRef(g)]);
    for (const uid of g.members) {
      const u = users.get(uid);
      if (u) {
        refreshAssignment(u, c);
      }
    }
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
