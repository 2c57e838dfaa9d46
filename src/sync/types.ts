/**
 * The data the pure core works on. Adapters (`src/okta/`, `src/hubspot/`, `src/state/`) produce
 * these shapes; the planner (`src/sync/`) turns them into a {@link Plan}; workers carry it out.
 * Nothing here does I/O.
 */

/** How an Okta user is assigned to the HubSpot app (Okta's AppUser `scope`). */
export type AssignmentScope = 'USER' | 'GROUP';

/**
 * One Okta user as the planner sees it. Values are raw from Okta (untrimmed, possibly invalid):
 * validating them is the planner's job, so bad data becomes a `skip` with a reason.
 */
export interface OktaCandidate {
  /** Okta user id (00u…). */
  oktaUserId: string;
  login: string;
  /** `profile.email`; may be missing or invalid in real data. */
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  title: string | null;
  /** Okta user status: ACTIVE, SUSPENDED, DEPROVISIONED, STAGED, … */
  status: string;
  /** Assigned to the HubSpot app (directly or through a group). */
  assigned: boolean;
  /** How it is assigned, when assigned. */
  assignedVia: AssignmentScope | null;
  /** When the assignment was created (ISO 8601), used to order seat waiting lists. */
  assignedAt: string | null;
  /** The user's Okta profile as Okta has it (base and custom attributes, raw). */
  profile?: Readonly<Record<string, unknown>>;
  /**
   * The app user's profile on the HubSpot app assignment (Okta computes it from the direct
   * assignment's profile, or the assigning groups' profiles by Group Priority), raw; null when
   * not assigned, undefined when not read.
   */
  appProfile?: Readonly<Record<string, unknown>> | null;
  /**
   * The ids of the Okta groups the rules name (see `ruleGroupRefs`) that the user is in;
   * undefined when not read (the rules name no group).
   */
  groupIds?: string[];
}

/** A HubSpot user as returned by the users API (ids are strings). */
export interface HubSpotUser {
  id: string;
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  roleId?: string | undefined;
  roleIds: string[];
  primaryTeamId?: string | undefined;
  secondaryTeamIds: string[];
  superAdmin: boolean;
  /** Seats-based pricing only. */
  seatNames?: string[] | undefined;
}

/** A HubSpot role (permission set). */
export interface HubSpotRole {
  id: string;
  name: string;
  /** This role carries a paid seat (and needs `settings.billing.write` to assign). */
  requiresBillingWrite: boolean;
}

export interface HubSpotTeam {
  id: string;
  name: string;
  userIds: string[];
  secondaryUserIds: string[];
}

/** A named seat (seats-based pricing); `remainingSeats` is unknown when HubSpot does not say. */
export interface HubSpotSeat {
  name: string;
  description?: string | undefined;
  remainingSeats?: number | undefined;
}

/** The values the daemon last wrote to a managed user. */
export interface AppliedValues {
  email: string;
  roleId: string | null;
  firstName: string | null;
  lastName: string | null;
  seatNames: string[];
  primaryTeamId: string | null;
  /** The secondary teams last written; absent while the rules leave secondary teams alone. */
  secondaryTeamIds?: string[];
}

/** One managed user: the link between an Okta user and the HubSpot user the daemon owns. */
export interface LedgerEntry {
  hubspotUserId: string;
  oktaUserId: string;
  email: string;
  /** created: the daemon created it; adopted: it existed and matched by email; rebuilt: recovered after Redis lost the ledger. */
  how: 'created' | 'adopted' | 'rebuilt';
  managedSince: string;
  lastApplied: AppliedValues | null;
  /** Set while a `downgrade` leave-scope policy waits to delete (ISO time the user was downgraded). */
  downgradedAt?: string | null;
  /**
   * Set (ISO time) when the HubSpot user was deleted by hand and `policies.deletedInHubSpot` is
   * `forget`: the daemon stops managing this Okta user and does not create them again while they
   * stay in scope. The entry is removed once the Okta user leaves scope.
   */
  forgottenAt?: string | null;
  /**
   * Set when an email change (policy `replace`) linked the new HubSpot user before the old one was
   * deleted (its deletion waits in a hold, or was interrupted): the old user, still to be deleted
   * with the change, or with this user when they leave scope. Cleared once it is gone.
   */
  replaces?: ReplacedUser | null;
}

/** The old HubSpot user of an email change that is not deleted yet (see {@link LedgerEntry.replaces}). */
export interface ReplacedUser {
  hubspotUserId: string;
  email: string;
}

/** What the HubSpot user should look like for one in-scope Okta user. */
export interface DesiredUser {
  oktaUserId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  roleId: string | null;
  roleName: string | null;
  seatNames: string[];
  /** null: leave teams alone. */
  primaryTeamId: string | null;
  /** The secondary teams, sorted, the primary team excluded; null or absent: leave them alone. */
  secondaryTeamIds?: readonly string[] | null;
  /** Why this role (for operators): "exact title match", "alias …", "unmapped title", `from group Sales-EMEA`, … */
  roleReason: string;
  /**
   * Where the seats and teams came from, when a source other than today's Title rules decided
   * (`seats ["Sales Hub"] from group Sales`, `primary team "EMEA" from attribute region = "emea"`);
   * absent otherwise.
   */
  sourceReasons?: readonly string[];
}

export type ActionKind = 'create' | 'update' | 'delete' | 'adopt' | 'skip';

export type ChangedField = 'roleId' | 'firstName' | 'lastName' | 'seatNames' | 'primaryTeamId' | 'secondaryTeamIds';

export interface FieldChange {
  field: ChangedField;
  before: string | string[] | null;
  after: string | string[] | null;
  /** roleId only: the role names, for people reading the plan (ids are what the worker writes). */
  beforeLabel?: string | null;
  afterLabel?: string | null;
}

/**
 * What a worker changes in the ledger besides what the action kind implies (create and adopt add
 * an entry, update refreshes `lastApplied`, delete removes the entry). Skips may carry one too.
 */
export interface LedgerChange {
  /** Remove the entry: the HubSpot user is already gone and the Okta user is out of scope. */
  remove?: true;
  /** Set (ISO time, the user was just downgraded) or clear (null, back in scope) `downgradedAt`. */
  downgradedAt?: string | null;
  /** Set (ISO time) `forgottenAt`: a managed user deleted by hand in HubSpot, not to be recreated. */
  forgottenAt?: string | null;
  /** Set `replaces` on the link this action writes (an email change's new user: the old one to delete). */
  replaces?: ReplacedUser;
}

/**
 * Machine-readable reason codes. `reason` is the human sentence; `code` is what the status page
 * and metrics group by.
 */
export type ReasonCode =
  | 'new-assignment'
  | 'drift'
  | 'okta-change'
  | 'adopt-email-match'
  | 'left-scope'
  | 'left-scope-downgrade'
  | 'grace-expired'
  | 'report-only'
  | 'email-changed'
  | 'email-change-replace'
  | 'deleted-in-hubspot'
  | 'recreate'
  | 'unmanaged'
  | 'super-admin'
  | 'protected'
  | 'domain-not-allowed'
  | 'bad-data'
  | 'duplicate-email'
  | 'ambiguous-role'
  | 'not-yet-active'
  | 'in-sync'
  | 'held-by-guard'
  | 'deletion-rejected'
  | 'seat-waiting';

/** What every plan action carries: the reason, and the user as far as it is known. */
interface ActionBase {
  code: ReasonCode;
  /** A sentence a person can read, naming the user and, for bad data, the field. */
  reason: string;
  email: string | null;
  oktaUserId: string | null;
  hubspotUserId: string | null;
  /** Ledger bookkeeping the worker must do with this action (see {@link LedgerChange}). */
  ledger?: LedgerChange;
}

/** The writes of create, adopt and update: the full desired state and what changes. */
interface WriteBase extends ActionBase {
  email: string;
  oktaUserId: string;
  /** update: what changes. create/adopt: the values that will be written. */
  changes: FieldChange[];
  /** The full desired state (what the worker writes). */
  desired: DesiredUser;
  /** email-change-replace: the create (or adopt) and the delete share this id so they run as one pair. */
  pairId?: string;
}

/**
 * The fields other kinds carry, absent here: readers of any action may ask for them (and get
 * undefined) without narrowing first; writing one does not compile.
 */
interface NoWrite {
  changes?: undefined;
  desired?: undefined;
  drift?: undefined;
}

/** Create a HubSpot user. */
export interface CreateAction extends WriteBase {
  kind: 'create';
  drift?: undefined;
}

/** Adopt the unmanaged HubSpot user with the Okta user's email. */
export interface AdoptAction extends WriteBase {
  kind: 'adopt';
  hubspotUserId: string;
  drift?: undefined;
}

/** Update a managed HubSpot user. */
export interface UpdateAction extends WriteBase {
  kind: 'update';
  hubspotUserId: string;
  /** The difference came from an edit made in HubSpot (Okta wins). */
  drift: boolean;
}

/** Delete a managed HubSpot user. */
export interface DeleteAction extends ActionBase, NoWrite {
  kind: 'delete';
  email: string;
  hubspotUserId: string;
  /** email-change-replace: shared with the create (or adopt) of the new user. */
  pairId?: string;
}

/** Report only: nothing is written to HubSpot (the ledger may be, see `ledger`). */
export interface SkipAction extends ActionBase, NoWrite {
  kind: 'skip';
  pairId?: undefined;
}

/** One action of a plan; each kind carries the fields it needs, so a missing one does not compile. */
export type PlanAction = CreateAction | AdoptAction | UpdateAction | DeleteAction | SkipAction;

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  adopt: number;
  skip: number;
  /** Deletions held by the guard (not in `delete`). */
  held: number;
  /** Updates that repair drift. */
  drift: number;
  /** In-scope users whose title matched no role. */
  unmapped: number;
  /** Users provisioned without the seat they should have, waiting for one. */
  waitingForSeat: number;
  /** In-scope users already right. */
  inSync: number;
}

/** Which decision a rule source feeds. */
export type SourcedDecision = 'role' | 'seats' | 'primary team' | 'secondary teams';

/**
 * A value a rule source gave that matched nothing (a role, seat or team HubSpot lacks), with how
 * many in-scope users have it: `attribute department: "Ops" (3 users) matches no role`.
 */
export interface UnmappedValue {
  decision: SourcedDecision;
  /** The source as people read it: `attribute department`, `app attribute role`, `title`. */
  source: string;
  value: string;
  users: number;
  /** One line for an operator. */
  message: string;
}

/** Users on minimal permissions because their title matched no role, grouped by title. */
export interface UnmappedTitle {
  title: string;
  users: Array<{ oktaUserId: string; email: string | null }>;
}

export interface SeatUsage {
  seat: string;
  used: number;
  /** The rules file's budget for this seat (role name in role mode); null when it sets none. */
  budget: number | null;
  /** HubSpot's free seats of this kind once the plan is applied; null when HubSpot does not say. */
  remaining?: number | null;
  /** In-scope users who should have this seat but wait for one, first in line first. */
  waiting: Array<{ oktaUserId: string; email: string; since: string | null }>;
}

/** Deletions the guard holds until an operator approves. */
export interface HeldDeletions {
  reason: string;
  actions: PlanAction[];
}

/** A user in a hold: the HubSpot user whose deletion waits, and who it is in Okta. */
export interface HoldMember {
  hubspotUserId: string;
  oktaUserId: string | null;
  email: string | null;
}

/**
 * What operators decided, or are still to decide, about deletions: the planner's input for the
 * guard's sticky holds. A held deletion stays held until an operator decides, whatever else moves.
 */
export interface GuardHolds {
  /** The pending hold: its deletions stay held, and every new deletion joins it. Null when none. */
  pending: { id: string; members: readonly HoldMember[] } | null;
  /** Deletions an operator rejected: not carried out while the user stays out of scope. */
  rejected: readonly HoldMember[];
  /**
   * Why every deletion is held (the ledger was rebuilt because Redis came back empty, so an
   * earlier hold may have been lost); null when not. A full plan with nothing to delete lifts it.
   */
  holdAll: string | null;
}

/** A member that leaves the pending hold or the rejected list, because the plan no longer deletes them. */
export interface ReleasedHoldMember extends HoldMember {
  /** pending: in the pending hold; rejected: an operator's rejection; approved: an approval not yet carried out. */
  from: 'pending' | 'rejected' | 'approved';
  /** The user is assigned and in scope again (otherwise: gone from HubSpot, protected, no longer managed, …). */
  backInScope: boolean;
  /** A sentence naming the user. */
  why: string;
}

/** How the plan changes the holds it was given (see {@link GuardHolds}). */
export interface HoldChanges {
  released: ReleasedHoldMember[];
  /** A full plan found nothing to delete: `holdAll` can be lifted. */
  holdAllLifted: boolean;
}

export interface Plan {
  summary: PlanSummary;
  /** Actions to carry out now (create/update/delete/adopt) and skips (reported only). */
  actions: PlanAction[];
  /** Deletions held by the guard; absent when none. */
  held?: HeldDeletions;
  /** Members of the given holds this plan no longer deletes; absent when none changed. */
  holdChanges?: HoldChanges;
  unmappedTitles: UnmappedTitle[];
  /** Values of the rules' sources (other than the Title) that matched nothing; absent when none. */
  unmappedValues?: UnmappedValue[];
  seats: SeatUsage[];
  /**
   * Problems with the rules file against this HubSpot account (an alias naming a role that does
   * not exist, a pattern that is not a valid regular expression, …). The planner always sets it.
   */
  warnings?: string[];
}

/** What both modes of {@link PlanInput} carry. */
interface PlanInputBase {
  candidates: OktaCandidate[];
  /** full: every HubSpot user. users: at least the ones whose email or ledger link matches. */
  hubspotUsers: HubSpotUser[];
  roles: HubSpotRole[];
  /** null when the account has no seats API (classic pricing) or it could not be read. */
  seats: HubSpotSeat[] | null;
  /**
   * HubSpot's teams, read when the rules map teams: team values in the rules (and in Okta
   * attributes) are team ids or names, resolved against them. Absent: values are used as ids.
   */
  teams?: readonly HubSpotTeam[];
  ledger: LedgerEntry[];
  rules: import('../../config/rules-schema').Rules;
  /** The current time (ISO 8601), passed in so the planner stays pure. */
  now: string;
  /**
   * Deletions already made in the rolling hour (counted by the caller, approved ones included) for
   * the guard: they add to this plan's deletions.
   */
  recentDeletions?: number;
  /** Pending and rejected holds (see {@link GuardHolds}); none when absent. */
  holds?: GuardHolds;
  /** Deletions an operator approved: HubSpot user ids that the guard lets through. */
  approvedDeletions?: readonly string[];
  /**
   * The Okta groups the rules name (see `ruleGroupRefs`), as found in Okta: how a rule's group
   * (by name or id) becomes the ids in `OktaCandidate.groupIds`. A rule group missing here
   * exists in no Okta group (the planner reports it and it matches nobody).
   */
  oktaGroups?: readonly OktaGroupRef[];
}

/** An Okta group the rules name, as found in Okta. */
export interface OktaGroupRef {
  id: string;
  name: string;
}

/**
 * A full reconciliation: `candidates` is the complete, successfully read list of the app's
 * assignments, so a managed user missing from it has left scope.
 */
export interface FullInput extends PlanInputBase {
  mode: 'full';
}

/**
 * One user (or a few): only the Okta users named in `oktaUserIds` are decided (an id with no
 * candidate means the Okta user no longer exists or is no longer assigned); nothing else is
 * touched. The rolling hour and the ledger-wide figures come with it, as `ledger` holds only part
 * of the ledger.
 */
export interface UsersInput extends PlanInputBase {
  mode: 'users';
  oktaUserIds: string[];
  /**
   * Other managed users the System Log says are leaving, whose own jobs have not decided yet
   * (users mode): they add to this plan's deletions, so a batch is judged as a whole.
   */
  expectedDeletions?: number;
  /**
   * How many users the daemon manages, when `ledger` holds only part of the ledger (users mode);
   * the guard's percentage is taken of it. Defaults to `ledger.length`.
   */
  managedCount?: number;
  /**
   * When `ledger` holds only part of the ledger: how many managed users hold
   * each seat according to the whole ledger's `lastApplied` (role ids and seat names counted
   * separately). The seat budget needs it to give a seat to a new user; without it, users mode
   * never gives a seat that has a budget in the rules to anyone who does not hold it already (the
   * next full reconciliation does).
   */
  ledgerSeatCounts?: LedgerSeatCounts;
}

/**
 * Everything the planner needs; it reads no clock, environment or network. The same planner
 * serves a full reconciliation and one user.
 */
export type PlanInput = FullInput | UsersInput;

/** Managed users per seat, from the ledger's `lastApplied` (see `PlanInput.ledgerSeatCounts`). */
export interface LedgerSeatCounts {
  /** `lastApplied.roleId` → how many entries have it. */
  byRoleId: Record<string, number>;
  /** Each name in `lastApplied.seatNames` → how many entries have it. */
  bySeatName: Record<string, number>;
}
