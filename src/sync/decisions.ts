import type { DesiredDraft } from './desired-user';
import type { DeleteAction, HubSpotUser, LedgerChange, LedgerEntry, ReasonCode, SkipAction } from './types';

/**
 * The planner's intermediate form: one decision per user, before the deletion guard and the seat
 * budget have spoken. Provision decisions become create/update/adopt actions (or nothing, when
 * the user is already right); the others carry their final action.
 */
/** Who a provision decision writes to: nobody yet (a create), or the HubSpot user to update or adopt. */
export type ProvisionTarget = { kind: 'create'; actual: null } | { kind: 'update' | 'adopt'; actual: HubSpotUser };

/** The fields of a {@link ProvisionDecision} beside its target. */
export interface ProvisionCommon {
  type: 'provision';
  /** The action's code; null on updates: 'drift' or 'okta-change', decided by the diff. */
  code: ReasonCode | null;
  /** The sentence the action's reason starts with (it names the user). */
  headline: string;
  /** The user as reasons name them. */
  who: string;
  oktaUserId: string;
  /** assignedAt, for the seat waiting line. */
  since: string | null;
  entry: LedgerEntry | null;
  draft: DesiredDraft;
  /**
   * Seat kinds held by the HubSpot user this one replaces (email change): they move over, when
   * that user's deletion goes ahead in the same plan (the seat step clears them otherwise).
   */
  inherits: readonly string[];
  pairId?: string;
  ledger?: LedgerChange;
  /** Counts as a deletion for the guard (a leave-scope downgrade). */
  guarded: boolean;
  /** What to report when there is nothing to write: count the user as in sync, or a skip. */
  whenNothingToDo: { kind: 'in-sync' } | { kind: 'skip'; code: ReasonCode; reason: string };
  /** Report the Title as unmapped when the user ends up with no role for want of a match. */
  reportsTitle: string | null;
  held: boolean;
  /** Index in the seat allocation, when the user holds, inherits or wants a seat. */
  seatRequest?: number;
}

/** Create, update or adopt one user (or nothing, when the user is already right). */
export type ProvisionDecision = ProvisionCommon & ProvisionTarget;

export interface DeleteDecision {
  type: 'delete';
  action: DeleteAction;
  actual: HubSpotUser;
  held: boolean;
}

export interface ReportDecision {
  type: 'report';
  action: SkipAction;
}

export type Decision = ProvisionDecision | DeleteDecision | ReportDecision;

/** A skip action (reported, never carried out). */
export function skip(code: ReasonCode, reason: string, who: { email: string | null; oktaUserId: string | null; hubspotUserId: string | null }, ledger?: LedgerChange): ReportDecision {
  const action: SkipAction = { kind: 'skip', code, reason, email: who.email, oktaUserId: who.oktaUserId, hubspotUserId: who.hubspotUserId };
  if (ledger) {
    action.ledger = ledger;
  }
  return { type: 'report', action };
}

/** A delete action for a managed HubSpot user. */
export function remove(code: ReasonCode, reason: string, actual: HubSpotUser, oktaUserId: string | null, pairId?: string): DeleteDecision {
  const action: DeleteAction = { kind: 'delete', code, reason, email: actual.email, oktaUserId, hubspotUserId: actual.id };
  if (pairId !== undefined) {
    action.pairId = pairId;
  }
  return { type: 'delete', action, actual, held: false };
}

const NO_SEATS: readonly string[] = [];
const IN_SYNC: ProvisionCommon['whenNothingToDo'] = { kind: 'in-sync' };

/** The optional parts of a provision decision; absent ones take their usual value (no inherited seats, not guarded, in sync when nothing is to be written). */
export type ProvisionExtras = Partial<Pick<ProvisionCommon, 'inherits' | 'pairId' | 'ledger' | 'guarded' | 'whenNothingToDo'>>;

const NO_EXTRAS: ProvisionExtras = {};

/**
 * The one way a provision decision is built. The fields come as arguments, not as an object:
 * one is built per user of a plan, and an object on the way costs a large plan measurably.
 */
export function provisionDecision(
  target: ProvisionTarget,
  code: ReasonCode | null,
  headline: string,
  who: string,
  oktaUserId: string,
  since: string | null,
  entry: LedgerEntry | null,
  draft: DesiredDraft,
  reportsTitle: string | null,
  extras: ProvisionExtras = NO_EXTRAS,
): ProvisionDecision {
  // The target is added after the other fields, not spread into the literal: a spread there
  // costs a large plan about 15 %.
  const common: ProvisionCommon = {
    type: 'provision',
    code,
    headline,
    who,
    oktaUserId,
    since,
    entry,
    draft,
    inherits: extras.inherits ?? NO_SEATS,
    guarded: extras.guarded ?? false,
    whenNothingToDo: extras.whenNothingToDo ?? IN_SYNC,
    reportsTitle,
    held: false,
  };
  const decision: ProvisionDecision = Object.assign(common, target);
  if (extras.pairId !== undefined) {
    decision.pairId = extras.pairId;
  }
  if (extras.ledger !== undefined) {
    decision.ledger = extras.ledger;
  }
  return decision;
}
