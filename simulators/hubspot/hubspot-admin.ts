import type { Seed } from '../seeds/seed-types';
import type { HubSpotStore, NewSimUser, SimUserPatch } from './hubspot-store';
import type { PublicTeamJson, PublicUserJson, SimErrorAnswer, SimRole, SimSeat, SimUser } from './hubspot-sim-types';
import { checkEmailFree, checkSeatInventory, parseCreate, parseUpdate, renderUser } from './hubspot-user-rules';

/**
 * Changes made "as a person in HubSpot would" (outside the API): edit a user's role, names or
 * seats, delete users, add super admins, change the seat inventory. Not rate limited, not
 * logged as API requests, and no scope checks; the account's rules (existing roles, teams,
 * seats left, unique emails) still hold.
 */

/** A refused admin change; `status` is what the HTTP admin API answers. */
export class SimAdminError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'SimAdminError';
    this.status = status;
  }
}

export interface AdminUserInput {
  email: string;
  firstName?: string;
  lastName?: string;
  roleId?: string;
  /** Alternative to roleId: the role's exact name. */
  roleName?: string;
  primaryTeamId?: string;
  secondaryTeamIds?: string[];
  seatNames?: string[];
  superAdmin?: boolean;
}

export interface AdminUserPatch {
  firstName?: string | null;
  lastName?: string | null;
  /** null removes the role. */
  roleId?: string | null;
  /** Alternative to roleId: the role's exact name (null removes the role). */
  roleName?: string | null;
  primaryTeamId?: string | null;
  secondaryTeamIds?: string[];
  seatNames?: string[];
}

export interface AdminSeat {
  name: string;
  description?: string | undefined;
  total: number;
  used: number;
  remainingSeats: number;
}

export interface HubSpotAdmin {
  /** Every user, rendered with seatNames. */
  users(): PublicUserJson[];
  user(idOrEmail: string): PublicUserJson | null;
  createUser(input: AdminUserInput): PublicUserJson;
  updateUser(idOrEmail: string, patch: AdminUserPatch): PublicUserJson;
  /** False when no such user. */
  deleteUser(idOrEmail: string): boolean;
  roles(): SimRole[];
  addRole(role: SimRole): void;
  teams(): PublicTeamJson[];
  seats(): AdminSeat[];
  /** Sets how many seats of one kind were bought (adds the seat when new). */
  setSeatTotal(name: string, total: number, description?: string): void;
  /** Puts the seat inventory back to the seed's (or to `seats` when given). */
  resetSeats(seats?: readonly SimSeat[]): void;
  /** Reloads the seed: every change since start is gone. */
  reload(seed?: Seed): void;
}

function raise(e: SimErrorAnswer): never {
  throw new SimAdminError(e.status, e.message);
}

const ALL_FEATURES = { seatAware: true };

export function createHubSpotAdmin(deps: { store: HubSpotStore; seed: Seed; onReload?: () => void }): HubSpotAdmin {
  const { store } = deps;
  let seed = deps.seed;

  function find(idOrEmail: string): SimUser | null {
    return /^\d+$/.test(idOrEmail) ? store.get(idOrEmail) : store.getByEmail(idOrEmail);
  }

  function roleIdOf(roleId: string | null | undefined, roleName: string | null | undefined): string | null | undefined {
    if (roleName === undefined) {
      return roleId;
    }
    if (roleName === null) {
      return null;
    }
    const role = store.roleByName(roleName);
    if (!role) {
      throw new SimAdminError(400, `No role named "${roleName}"`);
    }
    return role.id;
  }

  function teams(): PublicTeamJson[] {
    const out = store.teams().map((t) => ({ id: t.id, name: t.name, userIds: [] as string[], secondaryUserIds: [] as string[] }));
    for (const u of store.all()) {
      out.find((t) => t.id === u.primaryTeamId)?.userIds.push(u.id);
      for (const s of u.secondaryTeamIds) {
        out.find((t) => t.id === s)?.secondaryUserIds.push(u.id);
      }
    }
    return out;
  }

  return {
    users: () => store.all().map((u) => renderUser(u, ALL_FEATURES)),
    user(idOrEmail) {
      const u = find(idOrEmail);
      return u ? renderUser(u, ALL_FEATURES) : null;
    },
    createUser(input) {
      const roleId = roleIdOf(input.roleId, input.roleName) ?? undefined;
      const parsed = parseCreate({ ...input, roleId, roleName: undefined, superAdmin: undefined }, store, ALL_FEATURES);
      if (!parsed.ok) {
        raise(parsed.error);
      }
      const problem = checkEmailFree(store, parsed.value.user.email) ?? checkSeatInventory(store, [], parsed.value.user.seatNames);
      if (problem) {
        raise(problem);
      }
      const user: NewSimUser = { ...parsed.value.user, superAdmin: input.superAdmin === true };
      return renderUser(store.create(user), ALL_FEATURES);
    },
    updateUser(idOrEmail, patch) {
      const current = find(idOrEmail);
      if (!current) {
        throw new SimAdminError(404, `No user ${idOrEmail}`);
      }
      const { roleName, ...rest } = patch;
      const body: SimUserPatch = { ...rest };
      const roleId = roleIdOf(patch.roleId, roleName);
      if (roleId !== undefined) {
        body.roleId = roleId;
      }
      const parsed = parseUpdate(body, current, store, ALL_FEATURES);
      if (!parsed.ok) {
        raise(parsed.error);
      }
      const noSeat = checkSeatInventory(store, current.seatNames, parsed.value.patch.seatNames);
      if (noSeat) {
        raise(noSeat);
      }
      const updated = store.update(current.id, parsed.value.patch);
      if (!updated) {
        throw new SimAdminError(404, `No user ${idOrEmail}`);
      }
      return renderUser(updated, ALL_FEATURES);
    },
    deleteUser(idOrEmail) {
      const u = find(idOrEmail);
      return u ? store.remove(u.id) : false;
    },
    roles: () => store.roles(),
    addRole: (role) => store.addRole(role),
    teams,
    seats: () =>
      store.seats().map((s) => {
        const used = store.seatsUsed(s.name);
        return { name: s.name, description: s.description, total: s.total, used, remainingSeats: Math.max(0, s.total - used) };
      }),
    setSeatTotal(name, total, description) {
      if (!Number.isInteger(total) || total < 0) {
        throw new SimAdminError(400, `seat total must be a whole number ≥ 0, not ${total}`);
      }
      const seats = store.seats();
      const existing = seats.find((s) => s.name === name);
      if (existing) {
        existing.total = total;
        if (description !== undefined) {
          existing.description = description;
        }
      } else {
        seats.push({ name, description, total });
      }
      store.setSeats(seats);
    },
    resetSeats(seats) {
      store.setSeats(seats ?? seed.hubspot.seats);
    },
    reload(next) {
      seed = next ?? seed;
      store.load(seed);
      deps.onReload?.();
    },
  };
}
