import type { Rules } from '../../config/rules-schema';

/** What the guard decides about one plan's deletions. */
export interface GuardVerdict {
  tripped: boolean;
  /** Why the deletions are held (null when not tripped). */
  reason: string | null;
  /** Per deletion (same index as the input): held until an operator approves it. */
  held: boolean[];
}

/** The guard's inputs: this plan's deletions (HubSpot user ids) and the context they are judged in. */
export interface GuardInput {
  deletions: readonly string[];
  /** Deletions already made in the rolling hour. */
  recentDeletions: number;
  /** Users the daemon manages (the ledger's size). */
  managedCount: number;
  /** HubSpot user ids an operator approved. */
  approved: ReadonlySet<string>;
  guard: Rules['guard'];
}

/**
 * The deletion guard: when the deletions (counting the rolling hour's) exceed `maxDeletes`, or
 * reach `minDeletesForPercent` and exceed `maxDeletePercent` of the managed users, every one of
 * them is held except those an operator approved. A mass deletion is usually a symptom (an app
 * unassigned by mistake, a broken Okta read), so none of it runs until someone looks.
 */
export function evaluateDeletionGuard(input: GuardInput): GuardVerdict {
  const { deletions, guard } = input;
  const planned = deletions.length;
  const total = planned + Math.max(0, input.recentDeletions);
  const recent = input.recentDeletions > 0 ? ` (${planned} in this plan, ${input.recentDeletions} already made in the last hour)` : '';
  let reason: string | null = null;
  if (planned > 0 && total > guard.maxDeletes) {
    reason = `${total} deletions${recent} exceed guard.maxDeletes (${guard.maxDeletes})`;
  } else if (planned > 0 && total >= guard.minDeletesForPercent && total * 100 > guard.maxDeletePercent * input.managedCount) {
    const share = input.managedCount > 0 ? `${((total * 100) / input.managedCount).toFixed(1)}%` : 'all';
    reason = `${total} deletions${recent} are ${share} of the ${input.managedCount} managed users, more than guard.maxDeletePercent (${guard.maxDeletePercent}%)`;
  }
  if (reason === null) {
    return { tripped: false, reason: null, held: deletions.map(() => false) };
  }
  return {
    tripped: true,
    reason: `${reason}: held until an operator approves them`,
    held: deletions.map((id) => !input.approved.has(id)),
  };
}
