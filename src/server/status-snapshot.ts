import type { SeatUsage, UnmappedTitle } from '../sync/types';
import type {
  AuditView,
  DaemonFacts,
  FailedJobView,
  PendingApprovalView,
  PlanView,
  ReconciliationView,
  StatusSource,
  UserCounts,
} from './ops-types';
import type { QueueCounts } from './queue-view';

/** Everything the status page shows, also served as JSON by `GET /api/status`. */
export interface StatusSnapshot {
  generatedAt: string;
  /** Approve, reject and retry are possible (`daemon.allowWrites`). */
  writesEnabled: boolean;
  /** Job counts by queue and state; null when Redis did not answer. */
  queues: Record<string, QueueCounts> | null;
  facts: DaemonFacts;
  /** Recent reconciliations, newest first. */
  reconciliations: ReconciliationView[];
  /** The newest plan with its actions. */
  latestPlan: PlanView | null;
  approvals: PendingApprovalView[];
  users: UserCounts;
  /** Drift repaired: in the latest applied reconciliation, and summed over the recent ones listed. */
  driftRepaired: { latest: number | null; recent: number };
  /** Users on minimal permissions because their Title matched no role (from the latest plan). */
  unmappedTitles: UnmappedTitle[];
  /** Seats used vs budget and the waiting list (from the latest plan). */
  seats: SeatUsage[];
  /** The audit trail, optionally for one user. */
  audit: { user: string | null; entries: AuditView[] };
  failedJobs: FailedJobView[];
}

export interface SnapshotRequest {
  /** Show only this user's audit entries (email). */
  auditUser?: string | undefined;
  auditLimit?: number;
  reconciliationLimit?: number;
  failedJobLimit?: number;
}

/** Reconciliations whose changes were carried out (not dry runs, not failed, not still running). */
function applied(r: ReconciliationView): boolean {
  return !r.dryRun && (r.outcome === 'succeeded' || r.outcome === 'partial' || r.outcome === 'held');
}

/** Drift repaired, from the reconciliations listed. */
export function driftRepaired(reconciliations: readonly ReconciliationView[]): StatusSnapshot['driftRepaired'] {
  const done = reconciliations.filter(applied);
  return {
    latest: done[0]?.summary.drift ?? null,
    recent: done.reduce((n, r) => n + r.summary.drift, 0),
  };
}

/**
 * Gathers one snapshot from the status source and the queue counts. Queue counts are optional:
 * when they fail (Redis busy) the page still shows what the state stores returned.
 */
export async function loadStatusSnapshot(
  deps: { status: StatusSource; queueCounts: () => Promise<Record<string, QueueCounts>>; writesEnabled: boolean; now?: () => Date },
  req: SnapshotRequest = {},
): Promise<StatusSnapshot> {
  const auditUser = req.auditUser && req.auditUser.trim() !== '' ? req.auditUser.trim() : null;
  const [queues, facts, reconciliations, approvals, users, audit, failedJobs] = await Promise.all([
    deps.queueCounts().catch(() => null),
    deps.status.getDaemonFacts(),
    deps.status.getLatestPlans(req.reconciliationLimit ?? 10),
    deps.status.getPendingApprovals(),
    deps.status.getUserCounts(),
    deps.status.getAudit({ ...(auditUser ? { user: auditUser } : {}), limit: req.auditLimit ?? 50 }),
    deps.status.getFailedJobs(req.failedJobLimit ?? 50),
  ]);
  const newest = reconciliations[0];
  const latestPlan = newest ? await deps.status.getPlan(newest.planId) : null;
  return {
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
    writesEnabled: deps.writesEnabled,
    queues,
    facts,
    reconciliations,
    latestPlan,
    approvals,
    users,
    driftRepaired: driftRepaired(reconciliations),
    unmappedTitles: latestPlan?.plan.unmappedTitles ?? [],
    seats: latestPlan?.plan.seats ?? [],
    audit: { user: auditUser, entries: audit },
    failedJobs,
  };
}
