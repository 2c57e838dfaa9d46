import type { AppliedValues, DesiredUser, FieldChange, HubSpotUser } from './types';
import { currentRoleId, sameSeats, sortedSeats } from './hubspot-user';

/** What the diff needs to know beyond the two users. */
export interface DiffOptions {
  /** Named seats are managed (named mode); in role mode `seatNames` is left alone. */
  manageSeats: boolean;
  /** Role id → name, for the labels people read. */
  roleName(id: string | null): string | null;
}

/**
 * The fields to write to turn `actual` into `desired` (null `actual`: a create, so every value
 * that will be written). Okta wins: a role that differs is replaced, a missing role removes
 * HubSpot's. Names and teams are only written when Okta has a value (null means "leave alone");
 * secondary teams compare as sets (`sortedSeats` sorts any list of names).
 */
export function diffUser(actual: HubSpotUser | null, desired: DesiredUser, options: DiffOptions): FieldChange[] {
  const changes: FieldChange[] = [];
  const beforeRole = actual ? currentRoleId(actual) : null;
  if (desired.roleId !== beforeRole) {
    changes.push({ field: 'roleId', before: beforeRole, after: desired.roleId, beforeLabel: options.roleName(beforeRole), afterLabel: desired.roleName });
  }
  for (const field of ['firstName', 'lastName'] as const) {
    const want = desired[field];
    const have = actual?.[field] ?? null;
    if (want !== null && want !== have) {
      changes.push({ field, before: have, after: want });
    }
  }
  if (options.manageSeats && !sameSeats(actual?.seatNames, desired.seatNames)) {
    changes.push({ field: 'seatNames', before: sortedSeats(actual?.seatNames), after: sortedSeats(desired.seatNames) });
  }
  const haveTeam = actual?.primaryTeamId ?? null;
  if (desired.primaryTeamId !== null && desired.primaryTeamId !== haveTeam) {
    changes.push({ field: 'primaryTeamId', before: haveTeam, after: desired.primaryTeamId });
  }
  const wantSecondary = desired.secondaryTeamIds;
  // A create with no secondary team has nothing to write; lists are copied only for a change.
  if (wantSecondary !== undefined && wantSecondary !== null && !(actual === null && wantSecondary.length === 0) && !sameSeats(actual?.secondaryTeamIds, wantSecondary)) {
    changes.push({ field: 'secondaryTeamIds', before: sortedSeats(actual?.secondaryTeamIds), after: sortedSeats(wantSecondary) });
  }
  return changes;
}

/**
 * True when a change undoes an edit made in HubSpot: the HubSpot value differs from what the
 * daemon last wrote. Without `lastApplied` (or for a field the daemon never wrote) nothing can be
 * called drift.
 */
export function isDrift(changes: readonly FieldChange[], actual: HubSpotUser, lastApplied: AppliedValues | null): boolean {
  if (lastApplied === null) {
    return false;
  }
  return changes.some((change) => {
    switch (change.field) {
      case 'roleId':
        return currentRoleId(actual) !== lastApplied.roleId;
      case 'firstName':
      case 'lastName':
        return lastApplied[change.field] !== null && (actual[change.field] ?? null) !== lastApplied[change.field];
      case 'seatNames':
        return !sameSeats(actual.seatNames, lastApplied.seatNames);
      case 'primaryTeamId':
        return lastApplied.primaryTeamId !== null && (actual.primaryTeamId ?? null) !== lastApplied.primaryTeamId;
      case 'secondaryTeamIds':
        return lastApplied.secondaryTeamIds !== undefined && !sameSeats(actual.secondaryTeamIds, lastApplied.secondaryTeamIds);
    }
  });
}
