import type { Rules } from '../../config/rules-schema';

/** What becomes of one deletion: carried out, held for an operator, or not carried out because an operator rejected it. */
export type GuardFate = 'go' | 'held' | 'rejected';

/** What the guard decides about one plan's deletions. */
export interface GuardVerdict {
  /** Some deletion is held. */
  tripped: boolean;
  /** Why the deletions are held (null when none is). */
  reason: string | null;
  /** Per deletion (same index as the input). */
  fate: GuardFate[];
}

/** The guard's inputs: this plan's deletions (HubSpot user ids) and the context they are judged in. */
export interface GuardInput {
  deletions: readonly string[];
  /** Deletions already made in the rolling hour. */
  recentDeletions: number;
  /** Other managed users known to be leaving whose deletion is not decided yet (System Log events). */
  expectedDeletions?: number;
  /** Users the daemon manages (the ledger's size). */
  managedCount: number;
  /** HubSpot user ids an operator approved. */
  approved: ReadonlySet<string>;
  /** HubSpot user ids in the pending hold. */
  pending?: ReadonlySet<string>;
  /** The pending hold's id; null when no hold is pending. */
  pendingId?: string | null;
  /** HubSpot user ids whose deletion an operator rejected. */
  rejected?: ReadonlySet<string>;
  /** Why every deletion is held regardless of the thresholds (see `GuardHolds.holdAll`). */
  holdAll?: string | null;
  guard: Rules['guard'];
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The threshold rule: why these deletions are too many, or null when they are not. */
function thresholdReason(leaving: number, made: number, managed: number, guard: Rules['guard']): string | null {
  const total = leaving + made;
  const whoLeaves = `${leaving} of the ${managed} managed users ${leaving === 1 ? 'is' : 'are'} leaving`;
  const madeText = made > 0 ? ` and ${plural(made, 'deletion was', 'deletions were')} made in the last hour` : '';
  const totalText = made > 0 ? ` (${total} in all)` : '';
  if (total > guard.maxDeletes) {
    return `${whoLeaves}${madeText}${totalText}: more than guard.maxDeletes (${guard.maxDeletes})`;
  }
  if (total >= guard.minDeletesForPercent && total * 100 > guard.maxDeletePercent * managed) {
    const share = managed > 0 ? `${((total * 100) / managed).toFixed(1)}%` : 'all of them';
    return `${whoLeaves}${madeText}${totalText}: ${share}, more than guard.maxDeletePercent (${guard.maxDeletePercent}%)`;
  }
  return null;
}

/**
 * The deletion guard. Approved deletions go ahead and rejected ones do not happen. A hold is
 * sticky: a deletion in the pending hold stays held whatever the figures are now (the account
 * grew, the hour moved on), and while a hold is pending every new deletion joins it, so an
 * operator decides them together. Otherwise, when the deletions (this plan's, the ones known to
 * be coming and the rolling hour's) exceed `maxDeletes`, or reach `minDeletesForPercent` and
 * exceed `maxDeletePercent` of the managed users, all of them are held. A mass deletion is
 * usually a symptom (an app unassigned by mistake, a broken Okta read), so none of it runs until
 * someone looks.
 */
export function evaluateDeletionGuard(input: GuardInput): GuardVerdict {
  const { deletions, guard } = input;
  const pending = input.pending ?? new Set<string>();
  const rejected = input.rejected ?? new Set<string>();
  const fate: GuardFate[] = deletions.map((id) => (input.approved.has(id) ? 'go' : rejected.has(id) ? 'rejected' : pending.has(id) ? 'held' : 'go'));
  // Approved deletions still count towards the figures; only the others can be held.
  const going = fate.filter((f) => f === 'go').length;
  const open = deletions.filter((id, i) => fate[i] === 'go' && !input.approved.has(id));
  const stay = fate.filter((f) => f === 'held').length;
  const pendingId = input.pendingId ?? null;
  let reason: string | null = null;
  if (open.length > 0) {
    if (pendingId !== null) {
      reason = `hold ${pendingId} is waiting for an operator's decision, so new deletions join it`;
    } else if (input.holdAll) {
      reason = input.holdAll;
    } else {
      reason = thresholdReason(going + Math.max(0, input.expectedDeletions ?? 0), Math.max(0, input.recentDeletions), input.managedCount, guard);
    }
    if (reason !== null) {
      deletions.forEach((id, i) => {
        if (fate[i] === 'go' && !input.approved.has(id)) {
          fate[i] = 'held';
        }
      });
    }
  }
  if (reason === null && stay > 0) {
    reason = `${plural(stay, 'deletion waits', 'deletions wait')} in hold ${pendingId ?? '(pending)'} for an operator's decision`;
  }
  const tripped = fate.includes('held');
  return { tripped, reason: tripped && reason !== null ? `${reason}: held until an operator approves or rejects them` : null, fate };
}
