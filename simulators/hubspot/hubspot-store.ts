import type { Seed } from '../seeds/seed-types';
import type { SimRole, SimSeat, SimTeam, SimUser } from './hubspot-sim-types';

/** The fields a stored user may be created with (validation happens before, in the account rules). */
export interface NewSimUser {
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  roleId?: string | undefined;
  primaryTeamId?: string | undefined;
  secondaryTeamIds?: string[] | undefined;
  superAdmin?: boolean | undefined;
  seatNames?: string[] | undefined;
}

/** A change to a stored user: an absent key is left alone, `null` clears the field. */
export interface SimUserPatch {
  firstName?: string | null;
  lastName?: string | null;
  roleId?: string | null;
  primaryTeamId?: string | null;
  secondaryTeamIds?: string[];
  seatNames?: string[];
}

/** The first user id handed out; real HubSpot user ids are numeric strings of this size. */
export const FIRST_USER_ID = 1_000_001;

/**
 * The simulated account's data: users (indexed by id and by lower-cased email, kept in id order
 * for cursor paging), roles, teams and the named-seat inventory. Holds 10,000+ users; a page is a
 * binary search and a slice.
 */
export function createHubSpotStore(seed: Seed, opts: { firstUserId?: number } = {}) {
  const users = new Map<string, SimUser>();
  const byEmail = new Map<string, string>();
  /** Numeric ids in ascending order (ids only grow, so creating appends). */
  const order: number[] = [];
  let nextId = opts.firstUserId ?? FIRST_USER_ID;
  let roles: SimRole[] = [];
  let teams: SimTeam[] = [];
  let seats: SimSeat[] = [];
  const seatsUsed = new Map<string, number>();

  function emailKey(email: string): string {
    return email.trim().toLowerCase();
  }

  function countSeats(names: readonly string[], delta: 1 | -1): void {
    for (const n of names) {
      seatsUsed.set(n, (seatsUsed.get(n) ?? 0) + delta);
    }
  }

  function firstIndexAfter(after: number): number {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((order[mid] ?? 0) <= after) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  function create(input: NewSimUser): SimUser {
    const id = String(nextId++);
    const user: SimUser = {
      id,
      email: input.email.trim(),
      firstName: input.firstName,
      lastName: input.lastName,
      roleId: input.superAdmin ? undefined : input.roleId,
      primaryTeamId: input.primaryTeamId,
      secondaryTeamIds: [...(input.secondaryTeamIds ?? [])],
      superAdmin: input.superAdmin ?? false,
      seatNames: [...new Set(input.seatNames ?? [])],
    };
    users.set(id, user);
    byEmail.set(emailKey(user.email), id);
    order.push(Number(id));
    countSeats(user.seatNames, 1);
    return { ...user };
  }

  function update(id: string, patch: SimUserPatch): SimUser | null {
    const user = users.get(id);
    if (!user) {
      return null;
    }
    if (patch.firstName !== undefined) {
      user.firstName = patch.firstName ?? undefined;
    }
    if (patch.lastName !== undefined) {
      user.lastName = patch.lastName ?? undefined;
    }
    if (patch.roleId !== undefined) {
      user.roleId = patch.roleId ?? undefined;
    }
    if (patch.primaryTeamId !== undefined) {
      user.primaryTeamId = patch.primaryTeamId ?? undefined;
    }
    if (patch.secondaryTeamIds !== undefined) {
      user.secondaryTeamIds = [...patch.secondaryTeamIds];
    }
    if (patch.seatNames !== undefined) {
      countSeats(user.seatNames, -1);
      user.seatNames = [...new Set(patch.seatNames)];
      countSeats(user.seatNames, 1);
    }
    return { ...user, secondaryTeamIds: [...user.secondaryTeamIds], seatNames: [...user.seatNames] };
  }

  function remove(id: string): boolean {
    const user = users.get(id);
    if (!user) {
      return false;
    }
    users.delete(id);
    byEmail.delete(emailKey(user.email));
    const i = firstIndexAfter(Number(id) - 1);
    if (order[i] === Number(id)) {
      order.splice(i, 1);
    }
    countSeats(user.seatNames, -1);
    return true;
  }

  function copy(user: SimUser | undefined): SimUser | null {
    return user ? { ...user, secondaryTeamIds: [...user.secondaryTeamIds], seatNames: [...user.seatNames] } : null;
  }

  /** Loads (or reloads) the seed: every earlier user, role, team and seat is replaced. */
  function load(s: Seed): void {
    users.clear();
    byEmail.clear();
    order.length = 0;
    seatsUsed.clear();
    nextId = opts.firstUserId ?? FIRST_USER_ID;
    roles = s.hubspot.roles.map((r) => ({ ...r }));
    teams = s.hubspot.teams.map((t) => ({ ...t }));
    seats = s.hubspot.seats.map((x) => ({ ...x }));
    for (const u of s.hubspot.users) {
      const role = u.roleName === undefined ? undefined : roles.find((r) => r.name === u.roleName);
      create({ email: u.email, firstName: u.firstName, lastName: u.lastName, roleId: role?.id, superAdmin: u.superAdmin, seatNames: u.seatNames });
    }
  }

  load(seed);

  return {
    load,
    create,
    update,
    remove,
    get: (id: string): SimUser | null => copy(users.get(id)),
    getByEmail: (email: string): SimUser | null => {
      const id = byEmail.get(emailKey(email));
      return id === undefined ? null : copy(users.get(id));
    },
    count: (): number => users.size,
    /** One page in id order, starting after the user id `after` (exclusive). */
    page(after: number | null, limit: number): { users: SimUser[]; hasMore: boolean } {
      const start = after === null ? 0 : firstIndexAfter(after);
      const ids = order.slice(start, start + limit);
      const out: SimUser[] = [];
      for (const n of ids) {
        const u = copy(users.get(String(n)));
        if (u) {
          out.push(u);
        }
      }
      return { users: out, hasMore: start + limit < order.length };
    },
    all(): SimUser[] {
      return order.map((n) => copy(users.get(String(n)))).filter((u): u is SimUser => u !== null);
    },
    roles: (): SimRole[] => roles.map((r) => ({ ...r })),
    role: (id: string): SimRole | null => roles.find((r) => r.id === id) ?? null,
    roleByName: (name: string): SimRole | null => roles.find((r) => r.name === name) ?? null,
    addRole(role: SimRole): void {
      roles = [...roles.filter((r) => r.id !== role.id), { ...role }];
    },
    teams: (): SimTeam[] => teams.map((t) => ({ ...t })),
    team: (id: string): SimTeam | null => teams.find((t) => t.id === id) ?? null,
    seats: (): SimSeat[] => seats.map((x) => ({ ...x })),
    seat: (name: string): SimSeat | null => seats.find((x) => x.name === name) ?? null,
    seatsUsed: (name: string): number => seatsUsed.get(name) ?? 0,
    /** Replaces the seat inventory (totals); users keep the seats they hold. */
    setSeats(next: readonly SimSeat[]): void {
      seats = next.map((x) => ({ ...x }));
    },
  };
}

export type HubSpotStore = ReturnType<typeof createHubSpotStore>;
