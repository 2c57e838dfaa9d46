import type { Approval } from './approval-store';
import type { State } from './state';

/**
 * An operator approves or rejects held deletions, and the audit trail records who and how many.
 * Null when the approval is unknown or no longer pending (nothing is recorded then).
 */
export async function decideApproval(state: Pick<State, 'approvals' | 'audit'>, id: string, decision: 'approve' | 'reject', who: string): Promise<Approval | null> {
  const approval = decision === 'approve' ? await state.approvals.approve(id, who) : await state.approvals.reject(id, who);
  if (!approval) {
    return null;
  }
  const done = decision === 'approve' ? 'approved' : 'rejected';
  await state.audit.append({
    action: decision,
    email: null,
    oktaUserId: null,
    hubspotUserId: null,
    before: null,
    after: null,
    jobId: null,
    outcome: done,
    reason: `${approval.held.length} held deletions ${done} by ${who} (approval ${id}: ${approval.reason})`,
  });
  return approval;
}
