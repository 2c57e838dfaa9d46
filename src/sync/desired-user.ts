import type { Rules } from '../../config/rules-schema';
import type { RoleMapper, RoleMatch } from './role-mapping';
import type { SeatCatalog } from './seat-catalog';
import type { Scope } from './scope';
import type { CleanCandidate } from './validate-candidate';
import type { AppliedValues, DesiredUser, HubSpotRole } from './types';
import { sortedSeats } from './hubspot-user';

/** The desired user before the seat budget has had its say, with the seats the rules give. */
export interface DesiredDraft {
  desired: DesiredUser;
  /** Seat kinds the rules give this user (see {@link SeatCatalog}); read-only, may be shared. */
  wants: readonly string[];
  /** How the Title mapped; null when the status strips the role. */
  match: RoleMatch | null;
}

/** What the desired-state rules need, built once per plan. */
export interface DesiredContext {
  roles: RoleMapper;
  seats: SeatCatalog;
  teams: Rules['teams'];
}

/**
 * The first HubSpot team mapped (in `rules.teams.byGroup` order) from a group the user is in;
 * null when no mapping applies, which leaves the user's teams alone.
 */
export function teamForGroups(groupIds: readonly string[] | undefined, teams: Rules['teams']): string | null {
  if (!groupIds || groupIds.length === 0 || Object.keys(teams.byGroup).length === 0) {
    return null;
  }
  const member = new Set(groupIds);
  for (const [groupId, teamId] of Object.entries(teams.byGroup)) {
    if (member.has(groupId)) {
      return teamId;
    }
  }
  return null;
}

/**
 * What the HubSpot user should look like for one valid Okta user, from the pure rules: the role
 * from the Title, the seats the rules give, names as Okta has them, the team from the groups.
 * `strip` keeps the user with no role and no seat. The seat budget is applied afterwards
 * ({@link applySeatShare}).
 */
export function deriveDesired(candidate: CleanCandidate, groupIds: readonly string[] | undefined, scope: Extract<Scope, 'in' | 'strip'>, why: string, ctx: DesiredContext): DesiredDraft {
  const primaryTeamId = teamForGroups(groupIds, ctx.teams);
  if (scope === 'strip') {
    return {
      desired: { oktaUserId: candidate.oktaUserId, email: candidate.email, firstName: candidate.firstName, lastName: candidate.lastName, roleId: null, roleName: null, seatNames: [], primaryTeamId, roleReason: why },
      wants: [],
      match: null,
    };
  }
  const match = ctx.roles.roleForTitle(candidate.title);
  const role: HubSpotRole | null = match.role;
  const wants = ctx.seats.wantedFor(candidate.title, role);
  return {
    desired: {
      oktaUserId: candidate.oktaUserId,
      email: candidate.email,
      firstName: candidate.firstName,
      lastName: candidate.lastName,
      roleId: role?.id ?? null,
      roleName: role?.name ?? null,
      seatNames: ctx.seats.mode === 'named' ? [...wants] : [],
      primaryTeamId,
      roleReason: match.reason,
    },
    wants,
    match,
  };
}

/**
 * Applies the seat budget's answer: named mode writes the granted seat names; role mode, when
 * the paid role's seat is not granted, provisions without the role (minimal permissions).
 */
export function applySeatShare(desired: DesiredUser, wants: readonly string[], granted: readonly string[], catalog: SeatCatalog): DesiredUser {
  if (catalog.mode === 'named') {
    // Granted seats are a subset of the wanted ones, which the draft already carries.
    return granted.length === wants.length ? desired : { ...desired, seatNames: sortedSeats(granted) };
  }
  const missing = wants.filter((k) => !granted.includes(k));
  if (missing.length === 0 || desired.roleId === null) {
    return desired;
  }
  return { ...desired, roleId: null, roleName: null, roleReason: `waiting for a paid seat for role "${catalog.label(missing[0] ?? '')}" (${desired.roleReason})` };
}

/**
 * The values a worker records as `lastApplied` after writing `desired`, so that the next plan can
 * tell an edit made in HubSpot (drift) from a change in Okta. Names and team are only written
 * when the desired value is not null, so for those the `previous` record (if any) carries over.
 */
export function appliedValuesFrom(desired: DesiredUser, previous: AppliedValues | null = null): AppliedValues {
  return {
    email: desired.email,
    roleId: desired.roleId,
    firstName: desired.firstName ?? previous?.firstName ?? null,
    lastName: desired.lastName ?? previous?.lastName ?? null,
    seatNames: sortedSeats(desired.seatNames),
    primaryTeamId: desired.primaryTeamId ?? previous?.primaryTeamId ?? null,
  };
}
