import type { State } from '../state/state';
import { countByKind } from '../sync/rules-check';
import type { SharedMetricFacts } from './metrics';

/**
 * Reads the facts every replica shares from Redis (pipeline status, pending approvals and the
 * latest rules check), so each replica's `/metrics` reports the last poll, the last
 * reconciliation, held deletions and unknown rule names whichever process did the work. Pass it to `createMetrics({ sharedFacts })`.
 */
export function createSharedMetricFacts(state: Pick<State, 'status' | 'approvals'>): () => Promise<SharedMetricFacts> {
  return async () => {
    const [status, pending, rulesCheck] = await Promise.all([state.status.get(), state.approvals.pending(), state.status.getRulesCheck()]);
    return {
      lastPollAt: status.lastPollAt,
      newestEventAt: status.newestEventAt,
      lastReconciledAt: status.lastReconcileFinishedAt,
      pendingApprovals: pending.length,
      deletionsAwaitingApproval: pending.reduce((n, a) => n + a.held.length, 0),
      rulesUnknownNames: rulesCheck ? countByKind(rulesCheck.unknown) : null,
    };
  };
}
