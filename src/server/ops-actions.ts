import type { Logger } from '../lib/logger';
import type { Producers } from '../queue/producers';
import { decideApproval } from '../state/approval-decision';
import type { Approval } from '../state/approval-store';
import type { State } from '../state/state';
import type { OperatorContext, OpsActionResult, OpsActions } from './ops-types';
import type { QueueView } from './queue-view';

/** How the approver is recorded in the approval and the audit trail (no token, no personal data). */
export function describeOperator(by: OperatorContext): string {
  return `operator via ${by.via === 'page' ? 'status page' : 'ops API'}${by.remoteAddress ? ` from ${by.remoteAddress}` : ''}`;
}

/**
 * What runs once deletions are approved, whoever approved them (status page, API or CLI): each
 * held user is synced again at once, and the guard lets exactly the approved HubSpot ids through.
 */
export function releaseApprovedDeletions(producers: Pick<Producers, 'syncUserNow'>) {
  return async function release(approval: Approval): Promise<void> {
    const users = [...new Set(approval.held.map((a) => a.oktaUserId).filter((id): id is string => id !== null))];
    await Promise.all(users.map((id) => producers.syncUserNow(id, { approvalId: approval.id })));
  };
}

/** Why a hold cannot be decided: unknown, or already decided (one text for the page, the API and the CLI). */
export function notPendingMessage(id: string, existing: Pick<Approval, 'status' | 'held'> | null): string {
  if (!existing) {
    return `no hold ${id} (list the pending holds with: okta-hubspot-sync status)`;
  }
  return existing.status === 'pending'
    ? `hold ${id} changed since it was shown: it now holds ${existing.held.length} deletions; look at it again before deciding`
    : `hold ${id} is already ${existing.status}`;
}

export interface OpsActionsDeps {
  state: Pick<State, 'approvals' | 'audit'>;
  queueView: Pick<QueueView, 'retry'>;
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
    return { ok: false, reason: existing ? 'conflict' : 'not-found', message: notPendingMessage(id, existing) };
  }

  async function decide(id: string, decision: 'approve' | 'reject', by: OperatorContext, expected?: number): Promise<OpsActionResult> {
    const who = describeOperator(by);
    const approval = await decideApproval(deps.state, id, decision, who, log, expected);
    if (!approval) {
      return notPending(id);
    }
    const count = approval.held.length;
    if (decision === 'reject') {
      return { ok: true, message: `${count} held deletions rejected: those users stay in HubSpot until they come back into scope and leave again` };
    }
    await deps.onApproved(approval);
    return { ok: true, message: `${count} held deletions approved; they will be carried out shortly` };
  }

  return {
    approve: (id, by, expected) => decide(id, 'approve', by, expected),
    reject: (id, by, expected) => decide(id, 'reject', by, expected),
    async retryJob(queue, jobId, by) {
      const result = await deps.queueView.retry(queue, jobId);
      if (result.ok) {
        log.info('failed job sent back to the queue', { queue, jobId, via: by.via });
      }
      return result;
    },
  };
}
