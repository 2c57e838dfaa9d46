import type { Logger } from '../lib/logger';
import type { OktaClientApi } from '../okta/okta-types';
import type { JobClient } from '../queue/job-client';
import type { Producers } from '../queue/producers';
import { notPendingMessage, releaseApprovedDeletions } from '../server/ops-actions';
import { decideApproval } from '../state/approval-decision';
import type { Approval } from '../state/approval-store';
import type { State } from '../state/state';
import type { Plan } from '../sync/types';
import type { Reconciler } from '../../workers/reconcile.worker';
import type { SyncUserProcessor } from '../../workers/sync-user.worker';

/** What `sync-user` needs: find the user, plan them without changing anything, sync them through the queue. */
export function createUserCommands(deps: { okta: Pick<OktaClientApi, 'getCandidate'>; ledger: Pick<State['ledger'], 'get'>; syncUser: Pick<SyncUserProcessor, 'planUser'>; jobs: Pick<JobClient, 'syncUserNow'> }) {
  /** The Okta user id of an id or login, or of a managed user Okta no longer knows; null when neither side knows it. */
  async function resolveUser(user: string): Promise<string | null> {
    const candidate = await deps.okta.getCandidate(user);
    return candidate?.oktaUserId ?? ((await deps.ledger.get(user)) ? user : null);
  }

  /** The plan for one user, with every email looked up and the rolling hour counted (as an event-driven job would). */
  async function planUser(oktaUserId: string): Promise<Plan> {
    return (await deps.syncUser.planUser(oktaUserId, { countRecentDeletions: true, emailLookup: 'always' })).plan;
  }

  return { resolveUser, planUser, syncUserNow: deps.jobs.syncUserNow };
}

/** What `reconcile` needs: plan or run a reconciliation, follow its progress, decide a hold. */
export function createReconcileCommands(deps: {
  reconciler: Pick<Reconciler, 'dryRun' | 'whatIf'>;
  state: Pick<State, 'approvals' | 'audit' | 'plans'>;
  producers: Pick<Producers, 'syncUserNow'>;
  jobs: Pick<JobClient, 'reconcileNow' | 'latestPlan' | 'flowProgress'>;
  logger: Logger;
}) {
  /**
   * Approves or rejects a hold as `who`. Approving releases its deletions the way the status page
   * does (each held user is synced again at once). Throws with the reason when the hold is not
   * pending (or changed since it was shown).
   */
  async function decide(id: string, decision: 'approve' | 'reject', who: string): Promise<Approval> {
    const approval = await decideApproval(deps.state, id, decision, who, deps.logger);
    if (!approval) {
      throw new HoldNotPendingError(notPendingMessage(id, await deps.state.approvals.get(id)));
    }
    if (decision === 'approve') {
      await releaseApprovedDeletions(deps.producers)(approval);
    }
    return approval;
  }

  return {
    dryRun: deps.reconciler.dryRun,
    whatIf: deps.reconciler.whatIf,
    actionChunks: deps.state.plans.actionChunks,
    decide,
    reconcileNow: deps.jobs.reconcileNow,
    progress: { latestPlan: deps.jobs.latestPlan, flowProgress: deps.jobs.flowProgress },
  };
}

/** A hold that cannot be decided: it is not pending, or it changed since it was shown. */
export class HoldNotPendingError extends Error {
  override name = 'HoldNotPendingError';
}
