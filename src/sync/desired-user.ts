import type { Rules } from '../../config/rules-schema';
import type { RoleMapper, RoleMatch } from './role-mapping';
import type { SeatCatalog } from './seat-catalog';
import type { Scope } from './scope';
import type { CleanCandidate } from './validate-candidate';
import type { AppliedValues, DesiredUser, HubSpotRole, PlanInput } from './types';
import type { SourceView, UnmappedHit } from './source-values';
import { sortedSeats } from './hubspot-user';
import { createRoleResolver, type RoleResolver } from './role-sources';
import { createSeatResolver, type SeatResolver } from './seat-sources';
import { attributeUses, createGroupIndex, createViewMemo, sourceValueProblem } from './source-values';
import { createTeamResolver, type TeamOutcome, type TeamResolver } from './team-sources';

/** The desired user before the seat budget has had its say, with the seats the rules give. */
export interface DesiredDraft {
  desired: DesiredUser;
  /** Seat kinds the rules give this user (see {@link SeatCatalog}); read-only, may be shared. */
  wants: readonly string[];
  /** How the role was found; null when the status strips the role. */
  match: RoleMatch | null;
  /** Values of the sources that matched nothing, for the per-source report (read-only, may be shared). */
  unmapped: readonly UnmappedHit[];
}

/**
 * What the rules' sources decide for one user's view: the role, the seats the rules give and
 * the teams, with the reasons and the values that matched nothing. Shared, read-only: every
 * user with the same view gets the same object.
 */
export interface SourcedOutcome {
  match: RoleMatch;
  wants: readonly string[];
  teams: TeamOutcome;
  /** The seat and team reasons of an in-scope user (see `DesiredUser.sourceReasons`). */
  reasons: readonly string[];
  unmapped: readonly UnmappedHit[];
}

/**
 * What the plan knows of one view of a user (see `createViewMemo`): whether the values the
 * sources read can be used, and once worked out, what they decide. Shared by every user with
 * the same view when `remembered`.
 */
export interface SourcedView {
  /** The first value the sources read that cannot be used, naming the field; null: all can. */
  readonly problem: string | null;
  outcome: SourcedOutcome | null;
  readonly remembered: boolean;
}

/** What the desired-state rules need, built once per plan. */
export interface DesiredContext {
  roles: RoleMapper;
  seats: SeatCatalog;
  teams: Rules['teams'];
  /** The view's entry: its values checked, its outcome worked out on first use. */
  sourced(view: SourceView): SourcedView;
  /** The role, seats and teams from the sources, worked out once per remembered view. */
  decide(view: SourceView, sourced: SourcedView): SourcedOutcome;
  /** The Title is a role source: users with no role are reported by Title. */
  titleGivesRole: boolean;
}

/** Distinct views remembered per plan; users beyond are worked out on their own (same answer, more work). */
const MAX_REMEMBERED_VIEWS = 20_000;

/** Builds the resolvers of one plan; problems with the rules (seats a group names that HubSpot lacks, …) are added to `problems`. */
export function createDesiredContext(rules: Rules, roles: RoleMapper, seats: SeatCatalog, input: Pick<PlanInput, 'teams' | 'oktaGroups'>, problems: string[]): DesiredContext {
  const groups = createGroupIndex(input.oktaGroups);
  const max = rules.limits.maxTitleLength;
  const roleFrom: RoleResolver = createRoleResolver(rules.roles.sources, roles, groups, max);
  const seatsFrom: SeatResolver = createSeatResolver(rules.seats.sources, seats, groups, max, problems);
  const teamsFrom: TeamResolver = createTeamResolver(rules.teams, input.teams, groups, max);
  const decideNow = (view: SourceView): SourcedOutcome => {
    const teams = teamsFrom(view);
    const { match, unmapped } = roleFrom(view);
    const s = seatsFrom(view, match.role);
    return { match, wants: s.wants, teams, reasons: s.reason === null ? teams.reasons : [s.reason, ...teams.reasons], unmapped: joinHits(unmapped, s.unmapped, teams.unmapped) };
  };
  // Titles, groups and attributes repeat across users (a department, a few groups): each
  // distinct view is checked and decided once, and its users share the outcome and its reason
  // strings. With the default rules the view is the Title alone.
  const uses = attributeUses(rules);
  const sourced = createViewMemo<SourcedView>(uses, MAX_REMEMBERED_VIEWS, (view, remembered) => ({ problem: sourceValueProblem(view, uses, max), outcome: null, remembered }));
  const decide = (view: SourceView, entry: SourcedView): SourcedOutcome => {
    if (entry.outcome !== null) {
      return entry.outcome;
    }
    const outcome = decideNow(view);
    if (entry.remembered) {
      entry.outcome = outcome;
    }
    return outcome;
  };
  return { roles, seats, teams: rules.teams, sourced, decide, titleGivesRole: rules.roles.sources.includes('title') };
}

/**
 * The first HubSpot team mapped (in `rules.teams.byGroup` order) from a group the user is in;
 * null when no mapping applies, which leaves the user's teams alone.
 */
export function teamForGroups(groupIds: readonly string[] | undefined, teams: Rules['teams']): string | null {
  return createTeamResolver({ ...teams, primary: [], secondary: [] }, undefined, createGroupIndex(undefined), Number.MAX_SAFE_INTEGER)({ title: null, groupIds }).primaryTeamId;
}

const NO_HITS: UnmappedHit[] = [];

function joinHits(a: readonly UnmappedHit[], b: readonly UnmappedHit[], c: readonly UnmappedHit[]): readonly UnmappedHit[] {
  return a.length + b.length + c.length === 0 ? NO_HITS : [...a, ...b, ...c];
}

/**
 * What the HubSpot user should look like for one valid Okta user, from the pure rules: the role
 * and the seats from the rules' sources (default: the Title), names as Okta has them, the teams
 * from their sources. `strip` keeps the user with no role and no seat. The seat budget is
 * applied afterwards ({@link applySeatShare}).
 */
export function deriveDesired(candidate: CleanCandidate, view: SourceView, sourced: SourcedView, scope: Extract<Scope, 'in' | 'strip'>, why: string, ctx: DesiredContext): DesiredDraft {
  const outcome = ctx.decide(view, sourced);
  const teams = outcome.teams;
  if (scope === 'strip') {
    const desired: DesiredUser = { oktaUserId: candidate.oktaUserId, email: candidate.email, firstName: candidate.firstName, lastName: candidate.lastName, roleId: null, roleName: null, seatNames: [], primaryTeamId: teams.primaryTeamId, roleReason: why };
    addTeams(desired, teams.secondaryTeamIds, teams.reasons);
    return { desired, wants: [], match: null, unmapped: teams.unmapped };
  }
  const role: HubSpotRole | null = outcome.match.role;
  // Fields written out rather than spread from a shared object: a spread costs a large plan dearly.
  const desired: DesiredUser = {
    oktaUserId: candidate.oktaUserId,
    email: candidate.email,
    firstName: candidate.firstName,
    lastName: candidate.lastName,
    roleId: role?.id ?? null,
    roleName: role?.name ?? null,
    seatNames: ctx.seats.mode === 'named' ? [...outcome.wants] : [],
    primaryTeamId: teams.primaryTeamId,
    roleReason: outcome.match.reason,
  };
  addTeams(desired, teams.secondaryTeamIds, outcome.reasons);
  return { desired, wants: outcome.wants, match: outcome.match, unmapped: outcome.unmapped };
}

/** Sets the optional fields only when a source decided, so the default rules' users look as they always did (the lists are shared, read-only). */
function addTeams(desired: DesiredUser, secondaryTeamIds: readonly string[] | null, reasons: readonly string[]): void {
  if (secondaryTeamIds !== null) {
    desired.secondaryTeamIds = secondaryTeamIds;
  }
  if (reasons.length > 0) {
    desired.sourceReasons = reasons;
  }
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
 * when the desired value is not null, so for those the `previous` record (if any) carries over
 * (secondary teams too).
 */
export function appliedValuesFrom(desired: DesiredUser, previous: AppliedValues | null = null): AppliedValues {
  return {
    email: desired.email,
    roleId: desired.roleId,
    firstName: desired.firstName ?? previous?.firstName ?? null,
    lastName: desired.lastName ?? previous?.lastName ?? null,
    seatNames: sortedSeats(desired.seatNames),
    primaryTeamId: desired.primaryTeamId ?? previous?.primaryTeamId ?? null,
    ...secondaryApplied(desired, previous),
  };
}

/** Secondary teams are recorded once the rules manage them (absent otherwise, as before). */
function secondaryApplied(desired: DesiredUser, previous: AppliedValues | null): Pick<AppliedValues, 'secondaryTeamIds'> {
  const teams = desired.secondaryTeamIds ?? previous?.secondaryTeamIds;
  return teams === undefined || teams === null ? {} : { secondaryTeamIds: [...teams].sort() };
}
