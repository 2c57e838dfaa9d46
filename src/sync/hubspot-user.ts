import type { HubSpotUser } from './types';

/** The role a HubSpot user has now: `roleId`, else the first of `roleIds`, else none. */
export function currentRoleId(user: HubSpotUser): string | null {
  return user.roleId ?? user.roleIds[0] ?? null;
}

/** Seat names as a sorted, duplicate-free list, so two lists compare by content. */
export function sortedSeats(seats: readonly string[] | undefined): string[] {
  return [...new Set(seats ?? [])].sort();
}

/** Equal seat lists, order ignored. */
export function sameSeats(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = sortedSeats(a);
  const y = sortedSeats(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
