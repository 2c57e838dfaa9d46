import type { HubSpotUser } from './types';

/** The role a HubSpot user has now: `roleId`, else the first of `roleIds`, else none. */
export function currentRoleId(user: HubSpotUser): string | null {
  return user.roleId ?? user.roleIds[0] ?? null;
}

/** Already sorted (by code unit, as `sort()` does) with no name twice: most lists are, and need no copy to compare. */
function isSortedUnique(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) {
    if ((list[i - 1] as string) >= (list[i] as string)) {
      return false;
    }
  }
  return true;
}

/** Seat names as a sorted, duplicate-free list (a new one), so two lists compare by content. */
export function sortedSeats(seats: readonly string[] | undefined): string[] {
  if (seats === undefined) {
    return [];
  }
  return isSortedUnique(seats) ? seats.slice() : [...new Set(seats)].sort();
}

/** Equal seat lists, order and repeats ignored. */
export function sameSeats(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a === undefined || isSortedUnique(a) ? (a ?? []) : sortedSeats(a);
  const y = b === undefined || isSortedUnique(b) ? (b ?? []) : sortedSeats(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
