import type { State } from '../state/state';
import type { SharedMetricFacts } from './metrics';

/**
 * Reads the facts every replica shares from Redis (pipeline status and pending approvals), so
 * each replica's `/metrics` reports the last poll, the last reconciliation and held deletions
 * whichever process did the work. Pass it to `createMetrics({ sharedFacts })`.
 */
export function createSharedMetricFacts(state: Pick<State, 'status' | 'approvals'>): () => Promise<SharedMetricFacts> {
  return async () => {
    const [status, pending] = await Promise.all([state.status.get(), state.approvals.pending()]);
    return {
      lastPollAt: status.lastPollAt,
      newestEventAt: status.newestEventAt,
      lastReconciledAt: status.lastReconcileFinishedAt,
      pendingApprovals: pending.length,
      deletionsAwaitingApproval: pending.reduce((n, a) => n + a.held.length, 0),
    };
  };
}
