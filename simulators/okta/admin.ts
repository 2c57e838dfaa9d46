import type { NewUser, OktaStore, OktaUserStatus, ProfilePatch, SimUser } from './okta-store';

/**
 * The simulator's administration API: what an Okta admin does in the console (create people,
 * assign them to the app, change titles, deactivate, delete), each change dated by the
 * simulator's clock and recorded in the System Log like Okta records it.
 */

/** A user as the admin API reports it. */
export interface AdminUser {
  id: string;
  status: OktaUserStatus;
  login: string;
  profile: Record<string, string | null>;
  groupIds: string[];
  /** The app assignment, or null when not assigned. */
  assignment: { scope: 'USER' | 'GROUP'; groupId: string | null; created: string } | null;
}

export interface AdminGroup {
  id: string;
  name: string;
  assignedToApp: boolean;
  memberIds: string[];
}

/** Input of `admin.createUser`: a new user, optionally assigned and put in groups at once. */
export interface AdminNewUser extends NewUser {
  assign?: boolean;
  groups?: string[];
}

export function createAdmin(store: OktaStore, now: () => number) {
  function view(u: SimUser): AdminUser {
    const au = store.appUsers.get(u.id);
    return {
      id: u.id,
      status: u.status,
      login: u.profile.login,
      profile: { ...u.profile },
      groupIds: [...u.groupIds],
      assignment: au ? { scope: au.scope, groupId: au.groupId, created: new Date(au.created).toISOString() } : null,
    };
  }

  function found(idOrLogin: string): AdminUser {
    const u = store.findUser(idOrLogin);
    if (!u) {
      throw new Error(`user ${idOrLogin} vanished`);
    }
    return view(u);
  }

  return {
    createUser(input: AdminNewUser): AdminUser {
      const at = now();
      const { assign, groups, ...user } = input;
      const u = store.createUser(user, at);
      for (const g of groups ?? []) {
        store.addToGroup(u.id, g, at);
      }
      if (assign) {
        store.assign(u.id, at);
      }
      return view(u);
    },
    createGroup(input: { name: string; description?: string; assignToApp?: boolean }): AdminGroup {
      const g = store.createGroup(input, now());
      if (input.assignToApp) {
        store.assignGroup(g.id, now());
      }
      return { id: g.id, name: g.name, assignedToApp: g.appAssignment !== null, memberIds: [] };
    },
    /** Assigns the user to the app directly (scope USER). */
    assign(idOrLogin: string): AdminUser {
      store.assign(idOrLogin, now());
      return found(idOrLogin);
    },
    /** Removes the direct assignment; a user still in an assigned group stays assigned (scope GROUP). */
    unassign(idOrLogin: string): AdminUser {
      store.unassign(idOrLogin, now());
      return found(idOrLogin);
    },
    /** Assigns a group (id or name) to the app: its members get the app. */
    assignGroup(groupIdOrName: string): void {
      store.assignGroup(groupIdOrName, now());
    },
    unassignGroup(groupIdOrName: string): void {
      store.unassignGroup(groupIdOrName, now());
    },
    addToGroup(userIdOrLogin: string, groupIdOrName: string): AdminUser {
      store.addToGroup(userIdOrLogin, groupIdOrName, now());
      return found(userIdOrLogin);
    },
    removeFromGroup(userIdOrLogin: string, groupIdOrName: string): AdminUser {
      store.removeFromGroup(userIdOrLogin, groupIdOrName, now());
      return found(userIdOrLogin);
    },
    /** Changes profile attributes (null removes one); a login change keeps the id. */
    updateProfile(idOrLogin: string, patch: ProfilePatch): AdminUser {
      return view(store.updateProfile(idOrLogin, patch, now()));
    },
    deactivate: (idOrLogin: string): AdminUser => view(store.deactivate(idOrLogin, now())),
    suspend: (idOrLogin: string): AdminUser => view(store.suspend(idOrLogin, now())),
    unsuspend: (idOrLogin: string): AdminUser => view(store.unsuspend(idOrLogin, now())),
    reactivate: (idOrLogin: string): AdminUser => view(store.reactivate(idOrLogin, now())),
    activate: (idOrLogin: string): AdminUser => view(store.activate(idOrLogin, now())),
    /** Deletes the user (deactivating first when needed); afterwards the API answers 404. */
    deleteUser(idOrLogin: string): void {
      store.deleteUser(idOrLogin, now());
    },
    getUser(idOrLogin: string): AdminUser | null {
      const u = store.findUser(idOrLogin);
      return u ? view(u) : null;
    },
    /** Every user, ordered by id. */
    listUsers(): AdminUser[] {
      return store.sortedUserIds().flatMap((id) => {
        const u = store.users.get(id);
        return u ? [view(u)] : [];
      });
    },
    /** Users currently assigned to the app, ordered by id. */
    listAssigned(): AdminUser[] {
      return store.sortedAppUserIds().flatMap((id) => {
        const u = store.users.get(id);
        return u ? [view(u)] : [];
      });
    },
    listGroups(): AdminGroup[] {
      return [...store.groups.values()].map((g) => ({ id: g.id, name: g.name, assignedToApp: g.appAssignment !== null, memberIds: [...g.members] }));
    },
    /** Every System Log event, rendered as the API serves them, oldest first. */
    events(): Array<Record<string, unknown>> {
      return store.log.all();
    },
  };
}

export type OktaAdmin = ReturnType<typeof createAdmin>;
