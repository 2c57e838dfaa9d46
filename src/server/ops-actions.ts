import type { Logger } from '../lib/logger';
import type { Producers } from '../queue/producers';
import { decideApproval } from '../state/approval-decision';
import type { Approval } from '../state/approval-store';
import type { State } from '../state/state';
import type { OperatorContext, OpsActionResult, OpsActions } from './ops-types';
import type { QueueJobs } from './queue-jobs';

/** How the approver is recorded in the approval and the audit trail (no token, no personal data). */
export function describeOperator(by: OperatorContext): string {
  return `operator via ${by.via === 'page' ? 'status page' : 'ops API'}${by.remoteAddress ? ` from ${by.remoteAddress}` : ''}`;
}

/**
 * What runs once deletions are approved: a reconciliation hold is released by a new
 * reconciliation (trigger `approve`), event-driven holds by syncing each held user again. The
 * guard lets exactly the approved HubSpot ids through.
 */
export function releaseApprovedDeletions(producers: Pick<Producers, 'reconcile' | 'syncUserNow'>) {
  return async function release(approval: Approval): Promise<void> {
    if (approval.kind === 'reconcile') {
      await producers.reconcile({ trigger: 'approve' });
      return;
    }
    const users = [...new Set(approval.held.map((a) => a.oktaUserId).filter((id): id is string => id !== null))];
    await Promise.all(users.map((id) => producers.syncUserNow(id)));
  };
}

export interface OpsActionsDeps {
  state: Pick<State, 'approvals' | 'audit'>;
  queueJobs: Pick<QueueJobs, 'retry'>;
  logger: Logger;
  /** Carries out approved deletions (see {@link releaseApprovedDeletions}). */
  onApproved: (approval: Approval) => Promise<void>;
}

/**
 * The ops server's write side over the daemon's state: approve or reject held deletions (once:
 * a second click finds the approval decided and changes nothing) and retry a failed job. Each
 * decision is written to the audit trail.
 */
export function createOpsActions(deps: OpsActionsDeps): OpsActions {
  const log = deps.logger.child({ component: 'ops-actions' });

  async function notPending(id: string): Promise<OpsActionResult> {
    const existing = await deps.state.approvals.get(id);
    return existing
      ? { ok: false, reason: 'conflict', message: `approval ${id} is already ${existing.status}` }
      : { ok: false, reason: 'not-found', message: `no approval ${id}` };
  }

  async function decide(id: string, decision: 'approve' | 'reject', by: OperatorContext): Promise<OpsActionResult> {
    const who = describeOperator(by);
    const approval = await decideApproval(deps.state, id, decision, who);
    if (!approval) {
      return notPending(id);
    }
    const count = approval.held.length;
    log.info(`held deletions ${decision === 'approve' ? 'approved' : 'rejected'}`, { approvalId: id, deletions: count, via: by.via });
    if (decision === 'reject') {
      return { ok: true, message: `${count} held deletions rejected` };
    }
    await deps.onApproved(approval);
    return { ok: true, message: `${count} held deletions approved; they will be carried out shortly` };
  }

  return {
    approve: (id, by) => decide(id, 'approve', by),
    reject: (id, by) => decide(id, 'reject', by),
    async retryJob(queue, jobId, by) {
      const result = await deps.queueJobs.retry(queue, jobId);
      if (result.ok) {
        log.info('failed job sent back to the queue', { queue, jobId, via: by.via });
      }
      return result;
    },
  };
}
