import type { NewUser, OktaStore, OktaUserStatus, ProfilePatch, SimGroup, SimProfile, SimUser, SimUserProfile } from './okta-store';

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
  profile: SimUserProfile;
  groupIds: string[];
  /** The app assignment, or null when not assigned; `profile` is the app user's profile as the API serves it. */
  assignment: { scope: 'USER' | 'GROUP'; groupId: string | null; created: string; profile: SimProfile } | null;
}

export interface AdminGroup {
  id: string;
  name: string;
  assignedToApp: boolean;
  memberIds: string[];
  /** The group's app assignment (priority 0 is the best), or null when not assigned. */
  appAssignment: { priority: number; profile: SimProfile } | null;
}

/** Input of `admin.createUser`: a new user, optionally assigned (with an app user profile of its own) and put in groups at once. */
export interface AdminNewUser extends NewUser {
  assign?: boolean;
  appProfile?: SimProfile;
  groups?: string[];
}

/** Input of `admin.createGroup`: optionally assigned to the app, with a priority and a group assignment profile. */
export interface AdminNewGroup {
  name: string;
  description?: string;
  assignToApp?: boolean;
  priority?: number;
  appProfile?: SimProfile;
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
      assignment: au ? { scope: au.scope, groupId: au.groupId, created: new Date(au.created).toISOString(), profile: store.assignmentProfile(u.id) } : null,
    };
  }

  function groupView(g: SimGroup): AdminGroup {
    return {
      id: g.id,
      name: g.name,
      assignedToApp: g.appAssignment !== null,
      memberIds: [...g.members],
      appAssignment: g.appAssignment ? { priority: g.appAssignment.priority, profile: { ...g.appAssignment.profile } } : null,
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
      const { assign, appProfile, groups, ...user } = input;
      const u = store.createUser(user, at);
      for (const g of groups ?? []) {
        store.addToGroup(u.id, g, at);
      }
      if (assign) {
        store.assign(u.id, at, appProfile);
      }
      return view(u);
    },
    createGroup(input: AdminNewGroup): AdminGroup {
      const g = store.createGroup(input, now());
      if (input.assignToApp) {
        store.assignGroup(g.id, now(), input.priority, input.appProfile);
      }
      return groupView(g);
    },
    /** Assigns the user to the app directly (scope USER), with the assignment's own app user profile when given. */
    assign(idOrLogin: string, appProfile?: SimProfile): AdminUser {
      store.assign(idOrLogin, now(), appProfile);
      return found(idOrLogin);
    },
    /**
     * Changes a direct assignment's app user profile (null removes an attribute); Okta logs
     * `application.user_membership.update`. Refused (404) for a user assigned only through a group.
     */
    setAppUserProfile(idOrLogin: string, patch: SimProfile): AdminUser {
      store.setAppUserProfile(idOrLogin, patch, now());
      return found(idOrLogin);
    },
    /**
     * Changes a group assignment's profile (null removes an attribute) and/or priority; Okta logs
     * `group.application_assignment.update`, and the members' app user profiles follow.
     */
    updateGroupAssignment(groupIdOrName: string, update: { profile?: SimProfile; priority?: number }): AdminGroup {
      return groupView(store.updateGroupAssignment(groupIdOrName, update, now()));
    },
    /** Removes the direct assignment; a user still in an assigned group stays assigned (scope GROUP). */
    unassign(idOrLogin: string): AdminUser {
      store.unassign(idOrLogin, now());
      return found(idOrLogin);
    },
    /** Assigns a group (id or name) to the app: its members get the app. */
    assignGroup(groupIdOrName: string, opts: { priority?: number; appProfile?: SimProfile } = {}): void {
      store.assignGroup(groupIdOrName, now(), opts.priority, opts.appProfile);
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
      return [...store.groups.values()].map(groupView);
    },
    /** Every System Log event, rendered as the API serves them, oldest first. */
    events(): Array<Record<string, unknown>> {
      return store.log.all();
    },
  };
}

export type OktaAdmin = ReturnType<typeof createAdmin>;
