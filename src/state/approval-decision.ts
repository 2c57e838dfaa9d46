import type { Logger } from '../lib/logger';
import type { HoldMember, Plan } from '../sync/types';
import type { Approval } from './approval-store';
import { accountAuditEntry } from './audit-log';
import type { State } from './state';

/** How many users a log line names before it says "and N more". */
const NAMED_IN_LOG = 20;

/** The users, by email (Okta id when the email is unknown), for a log line. */
export function namesOf(members: ReadonlyArray<Pick<HoldMember, 'email' | 'oktaUserId' | 'hubspotUserId'>>): string {
  const names = members.map((m) => m.email ?? m.oktaUserId ?? `HubSpot user ${m.hubspotUserId}`);
  const more = names.length - NAMED_IN_LOG;
  return more > 0 ? `${names.slice(0, NAMED_IN_LOG).join(', ')} and ${more} more` : names.join(', ');
}

type HoldState = Pick<State, 'approvals' | 'audit'>;

/**
 * An operator approves or rejects a hold: the audit trail records who decided, and one entry per
 * user (by email); the log says the same. Null when the hold is unknown or no longer pending
 * (nothing is recorded then), or, given `expected`, no longer holds that many deletions (the
 * operator decides on what they saw, never on users who joined since).
 */
export async function decideApproval(state: HoldState, id: string, decision: 'approve' | 'reject', who: string, logger?: Logger, expected?: number): Promise<Approval | null> {
  const approval = decision === 'approve' ? await state.approvals.approve(id, who, expected) : await state.approvals.reject(id, who, expected);
  if (!approval) {
    return null;
  }
  const done = decision === 'approve' ? 'approved' : 'rejected';
  const what = decision === 'approve' ? 'they will be deleted now' : 'they stay in HubSpot until they come back into scope and leave again';
  await state.audit.append(accountAuditEntry(decision, done, `${approval.held.length} held deletions ${done} by ${who} (hold ${id}: ${approval.reason}): ${what}`));
  for (const a of approval.held) {
    await state.audit.append({ action: decision, email: a.email, oktaUserId: a.oktaUserId, hubspotUserId: a.hubspotUserId, before: null, after: null, jobId: null, outcome: done, reason: `${a.email ?? a.oktaUserId ?? a.hubspotUserId}: deletion ${done} by ${who} (hold ${id})` });
  }
  logger?.info(`held deletions ${done}`, { approvalId: id, deletions: approval.held.length, by: who, users: namesOf(approval.held.flatMap((a) => (a.hubspotUserId ? [{ ...a, hubspotUserId: a.hubspotUserId }] : []))) });
  return approval;
}

/** Where the plan that changes the holds came from. */
export interface HoldSource {
  kind: Approval['kind'];
  planId: string | null;
  jobId: string | null;
}

/**
 * Records what a plan did to the holds, for a reconciliation and a per-user job alike: held
 * deletions are filed into the one pending hold (opening it, or growing it), users who came back
 * into scope leave the hold or their rejection, and a plan with nothing to delete lifts the
 * hold-everything state a ledger rebuild set. Each change is an audit entry and a log line naming
 * the users by email; a user already held is not recorded again. Returns the hold's id when the
 * plan holds deletions.
 */
export async function keepHolds(state: HoldState, logger: Logger, plan: Pick<Plan, 'held' | 'holdChanges'>, source: HoldSource): Promise<string | null> {
  const entry = { before: null, after: null, jobId: source.jobId } as const;
  const changes = plan.holdChanges;
  const fromPending = changes?.released.filter((m) => m.from === 'pending') ?? [];
  const fromRejected = changes?.released.filter((m) => m.from === 'rejected') ?? [];
  const released = new Set(await state.approvals.release(fromPending.map((m) => m.hubspotUserId)));
  const left = fromPending.filter((m) => released.has(m.hubspotUserId));
  for (const m of left) {
    await state.audit.append({ action: 'delete', email: m.email, oktaUserId: m.oktaUserId, hubspotUserId: m.hubspotUserId, ...entry, outcome: 'released', reason: `${m.why}: no longer held for deletion` });
  }
  if (left.length > 0) {
    logger.info('users left the held deletions', { users: namesOf(left), backInScope: left.filter((m) => m.backInScope).length });
  }
  const unrejected = new Set(await state.approvals.unreject(fromRejected.map((m) => m.hubspotUserId)));
  const cleared = fromRejected.filter((m) => unrejected.has(m.hubspotUserId));
  for (const m of cleared) {
    await state.audit.append({ action: 'delete', email: m.email, oktaUserId: m.oktaUserId, hubspotUserId: m.hubspotUserId, ...entry, outcome: 'released', reason: `${m.why}: the rejected deletion no longer applies (leaving scope again is a new deletion)` });
  }
  if (cleared.length > 0) {
    logger.info('rejected deletions no longer apply', { users: namesOf(cleared) });
  }
  const fromApproved = changes?.released.filter((m) => m.from === 'approved') ?? [];
  const unapproved = new Set(await state.approvals.unapprove(fromApproved.map((m) => m.hubspotUserId)));
  const voided = fromApproved.filter((m) => unapproved.has(m.hubspotUserId));
  for (const m of voided) {
    await state.audit.append({ action: 'delete', email: m.email, oktaUserId: m.oktaUserId, hubspotUserId: m.hubspotUserId, ...entry, outcome: 'released', reason: `${m.why} before the approved deletion was carried out: the approval no longer applies (leaving scope again needs a new one)` });
  }
  if (voided.length > 0) {
    logger.info('approved deletions no longer apply (the users are back in scope)', { users: namesOf(voided) });
  }
  if (changes?.holdAllLifted && (await state.approvals.liftHoldAll())) {
    await state.audit.append({ action: 'delete', email: null, oktaUserId: null, hubspotUserId: null, ...entry, outcome: 'released', reason: 'a full reconciliation found nothing to delete: deletions are judged by the guard thresholds again' });
    logger.info('deletions are judged by the guard thresholds again (a full reconciliation found nothing to delete after the ledger was rebuilt)');
  }
  const held = plan.held;
  if (!held || held.actions.length === 0) {
    return null;
  }
  const filed = await state.approvals.hold({ kind: source.kind, planId: source.planId, reason: held.reason, actions: held.actions });
  for (const a of filed.added) {
    await state.audit.append({ action: 'delete', email: a.email, oktaUserId: a.oktaUserId, hubspotUserId: a.hubspotUserId, ...entry, outcome: 'held', reason: `${held.reason} (hold ${filed.id})` });
  }
  if (filed.added.length > 0) {
    const members = filed.added.flatMap((a) => (a.hubspotUserId ? [{ email: a.email, oktaUserId: a.oktaUserId, hubspotUserId: a.hubspotUserId }] : []));
    const fields = { approvalId: filed.id, added: filed.added.length, users: namesOf(members) };
    if (filed.created) {
      logger.warn('deletions held by the guard until an operator approves or rejects them', { ...fields, reason: held.reason });
    } else {
      logger.warn('more deletions joined the pending hold', fields);
    }
  }
  return filed.id;
}
