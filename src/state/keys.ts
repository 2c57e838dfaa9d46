/**
 * Names of every Redis key the daemon's own state uses (BullMQ's keys live beside them under the
 * same prefix). One place, so a reader can see the whole layout and tests can remove it.
 */

import { readQueuePrefix, redisHashTag } from '../../config/env-schema';

/**
 * Throws unless `prefix` carries a Redis Cluster hash tag (every key must land in one slot). The
 * configuration already wraps SYNC_QUEUE_PREFIX (see `readQueuePrefix`): pass
 * `config.env.SYNC_QUEUE_PREFIX`, never the raw environment value.
 */
export function assertHashTagged(prefix: string): void {
  if (redisHashTag(prefix) === null) {
    const read = readQueuePrefix(prefix);
    const fix = read.problem === undefined ? `use "${read.prefix}"` : read.problem;
    throw new Error(`Redis key prefix "${prefix}" has no {hash-tag}, so its keys would spread over Redis Cluster slots: ${fix}`);
  }
}

/** The state keys under `prefix` (e.g. `{okta-hubspot-sync}:ledger`). */
export function stateKeys(prefix: string) {
  assertHashTagged(prefix);
  const k = (name: string) => `${prefix}:${name}`;
  return {
    /** String: the System Log `next` link to resume polling from. */
    cursor: k('okta-log-cursor'),
    /** Hash: Okta user id → LedgerEntry JSON. */
    ledger: k('ledger'),
    /** Hash: HubSpot user id → Okta user id. */
    ledgerByHubSpot: k('ledger-by-hubspot'),
    /** Hash: lower-case email → Okta user id. */
    ledgerByEmail: k('ledger-by-email'),
    /** String: written once the ledger is known to be complete; missing means Redis came back empty. */
    epoch: k('ledger-epoch'),
    /** Sorted set: plan ids by creation time. */
    plans: k('plans'),
    /** String: one plan record (JSON). */
    plan: (planId: string) => k(`plan-${planId}`),
    /** List: one plan's actions, each element a JSON array of up to a chunk of them, in order. */
    planActions: (planId: string) => k(`plan-actions-${planId}`),
    /** Sorted set: approval ids by creation time. */
    approvals: k('approvals'),
    /** Hash: an approval's metadata. */
    approval: (approvalId: string) => k(`approval-${approvalId}`),
    /** Hash: an approval's held deletions, HubSpot user id → PlanAction JSON. */
    approvalHeld: (approvalId: string) => k(`approval-${approvalId}-held`),
    /** Hash: approved HubSpot user id → approval id; the guard lets these deletions through. */
    approvedDeletions: k('approved-deletions'),
    /** String: the id of the one pending hold, which new held deletions join. */
    pendingHold: k('pending-hold'),
    /** Hash: HubSpot user id → RejectedDeletion JSON; never deleted while the user stays out of scope. */
    rejectedDeletions: k('rejected-deletions'),
    /** String: why every deletion is held (set by a ledger rebuild; lifted by a decision or a plan with nothing to delete). */
    holdAll: k('hold-all-deletions'),
    /** Stream: the audit trail. */
    audit: k('audit'),
    /** Sorted set: event-driven deletions by time (the rolling-hour guard). */
    deletions: k('event-deletions'),
    /** Sorted set: the shared HubSpot request budget (sliding window). */
    hubspotBudget: k('hubspot-budget'),
    /** String: HubSpot said the budget is spent; no request before this key expires. */
    hubspotPause: k('hubspot-pause'),
    /** String per queue: an API answered 429 to one of the queue's jobs; the key expires when the pause it asked for ends. */
    rateLimited: (queue: string) => k(`rate-limited-${queue}`),
    /** String: a named lock (reconciliation, ledger rebuild, one user). */
    lock: (name: string) => k(`lock-${name}`),
    /** Hash: daemon facts for the status page (last poll, last reconciliation, …). */
    status: k('status'),
    /** String with a TTL: a System Log event (by uuid) was acted on; the same event from the hook or the poll again is skipped. */
    seenEvent: (uuid: string) => k(`seen-event-${uuid}`),
    /** Hash: event hook facts (deliveries, events, duplicates, rejected requests, events the hook missed). */
    hookStatus: k('event-hook-status'),
  };
}

/** The key layout type. */
export type StateKeys = ReturnType<typeof stateKeys>;
