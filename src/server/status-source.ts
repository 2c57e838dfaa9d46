import type { StoredAuditEntry } from '../state/audit-log';
import type { Approval } from '../state/approval-store';
import type { PlanHeader, PlanRecord } from '../state/plan-store';
import type { State } from '../state/state';
import type { PlanAction, ReasonCode } from '../sync/types';
import type {
  AuditQuery,
  AuditView,
  DaemonFacts,
  PendingApprovalView,
  PlanView,
  ReconciliationOutcome,
  ReconciliationView,
  StatusSource,
  UserCounts,
  UserRecordView,
} from './ops-types';
import type { QueueView } from './queue-view';
import { activityPerHour, latencyOf, type ActivityView } from './status-charts';

/** Audit entries read at most when looking for one user's (the trail is newest first). */
const AUDIT_SCAN_LIMIT = 20_000;
const AUDIT_PAGE = 500;
/** Plans whose actions the status source keeps in memory between reads. */
const PLANS_CACHED = 3;
/** Audit entries the user page shows at most. */
const USER_AUDIT_LIMIT = 500;
/** The activity chart's window, and how many of the latest sync jobs the latency chart shows. */
const ACTIVITY_HOURS = 24;
const LATENCY_JOBS = 200;
/** How long a drawn activity is reused (its section says the time it is as of). */
const ACTIVITY_FRESH_MS = 15_000;

/** How a stored plan's status and outcome read to an operator. */
export function reconciliationOutcome(h: PlanHeader): ReconciliationOutcome {
  switch (h.status) {
    case 'applying':
      return 'running';
    case 'dry-run':
      return 'dry-run';
    case 'failed':
      return 'failed';
    case 'done':
      if ((h.outcome?.failures.length ?? 0) > 0) {
        return 'partial';
      }
      return h.approvalId !== null || (h.outcome?.held ?? h.summary.held) > 0 ? 'held' : 'succeeded';
  }
}

/** A plan header as the status page lists it. */
export function toReconciliationView(h: PlanHeader): ReconciliationView {
  return {
    planId: h.id,
    createdAt: h.createdAt,
    finishedAt: h.outcome?.finishedAt ?? null,
    trigger: h.trigger,
    dryRun: h.dryRun,
    outcome: reconciliationOutcome(h),
    summary: h.summary,
    applied: h.outcome?.applied ?? null,
    failures: h.outcome?.failures.length ?? 0,
    approvalId: h.approvalId,
    error: h.error ?? null,
  };
}

function toPlanView(record: PlanRecord): PlanView {
  const { plan, ...header } = record;
  return { ...toReconciliationView(header), plan };
}

function toApprovalView(a: Approval): PendingApprovalView {
  return {
    id: a.id,
    createdAt: a.createdAt,
    planId: a.planId,
    reason: a.reason,
    deletions: a.held.map((h) => ({ hubspotUserId: h.hubspotUserId, email: h.email, reason: h.reason })),
  };
}

function toAuditView(e: StoredAuditEntry): AuditView {
  return {
    id: e.id,
    time: e.time,
    action: e.action,
    email: e.email,
    oktaUserId: e.oktaUserId,
    hubspotUserId: e.hubspotUserId,
    outcome: e.outcome,
    reason: e.reason,
    before: e.before ?? null,
    after: e.after ?? null,
    jobId: e.jobId,
  };
}

/** Distinct HubSpot users the latest full plan left alone with `code`. */
function countSkipped(record: PlanRecord, code: ReasonCode): number {
  const ids = new Set<string>();
  for (const a of record.plan.actions) {
    if (a.kind === 'skip' && a.code === code) {
      ids.add(a.hubspotUserId ?? a.email ?? a.reason);
    }
  }
  return ids.size;
}

/**
 * The ops server's read side over the daemon's Redis state and queues. Unmanaged, protected and
 * super-admin counts come from the latest plan (a full reconciliation); managed users from the
 * ledger; the standings that keep seats and unmapped titles current from the sync-user jobs.
 */
export function createStatusSource(deps: { state: Pick<State, 'plans' | 'approvals' | 'audit' | 'ledger' | 'status' | 'standing' | 'hookStatus'>; queueView: Pick<QueueView, 'failed' | 'recentWrites' | 'jobsFor'> }): StatusSource {
  const { state } = deps;
  /**
   * The actions of recent plans, kept between reads: the page asks every few seconds, and a
   * plan's actions never change once its meta is saved (a new meta reloads them); headers and
   * meta are read fresh each time.
   */
  const actionsCache = new Map<string, { metaKey: string; actions: PlanAction[] }>();

  async function planRecord(id: string): Promise<PlanRecord | null> {
    const meta = await state.plans.getMeta(id);
    if (!meta) {
      return null;
    }
    const metaKey = JSON.stringify(meta.plan);
    let cached = actionsCache.get(id);
    if (!cached || cached.metaKey !== metaKey) {
      const actions: PlanAction[] = [];
      for await (const chunk of state.plans.actionChunks(id)) {
        for (const a of chunk) {
          actions.push(a);
        }
      }
      cached = { metaKey, actions };
      actionsCache.delete(id);
      actionsCache.set(id, cached);
      while (actionsCache.size > PLANS_CACHED) {
        const oldest = actionsCache.keys().next().value;
        if (oldest === undefined) {
          break;
        }
        actionsCache.delete(oldest);
      }
    }
    return { ...meta, plan: { ...meta.plan, actions: cached.actions } };
  }

  async function latestRecord(): Promise<PlanRecord | null> {
    const [newest] = await state.plans.list(1);
    return newest ? planRecord(newest.id) : null;
  }

  /** Audit entries of the last `hours` hours, newest first (at most AUDIT_SCAN_LIMIT). */
  async function auditSince(now: Date, hours: number): Promise<StoredAuditEntry[]> {
    const cutoff = new Date(now.getTime() - hours * 3600_000).toISOString();
    const out: StoredAuditEntry[] = [];
    let before: string | undefined;
    while (out.length < AUDIT_SCAN_LIMIT) {
      const page = await state.audit.recent(AUDIT_PAGE, before);
      if (page.length === 0) {
        break;
      }
      before = page[page.length - 1]!.id;
      for (const e of page) {
        if (e.time < cutoff) {
          return out;
        }
        out.push(e);
      }
    }
    return out;
  }

  async function getUserRecord(email: string, oktaUserIdHint?: string | null): Promise<UserRecordView> {
    const [ledger, audit, approvals, latest] = await Promise.all([
      state.ledger.getByEmail(email),
      getAudit({ user: email, limit: USER_AUDIT_LIMIT }),
      state.approvals.pending(),
      latestRecord(),
    ]);
    const oktaUserId = ledger?.oktaUserId ?? oktaUserIdHint ?? audit.find((e) => e.oktaUserId)?.oktaUserId ?? null;
    const [standing, jobs] = oktaUserId ? await Promise.all([state.standing.get(oktaUserId), deps.queueView.jobsFor(oktaUserId)]) : [null, []];
    const key = email.toLowerCase();
    const pendingHold = approvals.find((a) => a.held.some((h) => h.email?.toLowerCase() === key || (oktaUserId !== null && h.oktaUserId === oktaUserId)));
    const action = latest?.plan.actions.find((a) => a.email?.toLowerCase() === key || (oktaUserId !== null && a.oktaUserId === oktaUserId));
    return {
      email,
      oktaUserId,
      ledger,
      standing,
      audit,
      jobs,
      hold: pendingHold ? { id: pendingHold.id, reason: pendingHold.reason, since: pendingHold.createdAt } : null,
      planAction: latest && action ? { planId: latest.id, createdAt: latest.createdAt, kind: action.kind, code: action.code, reason: action.reason } : null,
    };
  }

  /** The last activity drawn: reading a day of audit trail every few seconds would cost more than it tells. */
  let activity: ActivityView | null = null;

  async function getActivity(now: Date): Promise<ActivityView> {
    if (activity && now.getTime() - Date.parse(activity.asOf) < ACTIVITY_FRESH_MS && now.getTime() >= Date.parse(activity.asOf)) {
      return activity;
    }
    const [entries, writes] = await Promise.all([auditSince(now, ACTIVITY_HOURS), deps.queueView.recentWrites(LATENCY_JOBS)]);
    activity = { asOf: now.toISOString(), hours: activityPerHour(entries, now, ACTIVITY_HOURS), latency: latencyOf(writes.jobs, writes.points) };
    return activity;
  }

  async function getAudit(query: AuditQuery): Promise<AuditView[]> {
    const limit = Math.max(1, query.limit);
    const user = query.user?.trim().toLowerCase();
    if (!user) {
      return (await state.audit.recent(limit)).map(toAuditView);
    }
    const out: AuditView[] = [];
    let before: string | undefined;
    for (let scanned = 0; scanned < AUDIT_SCAN_LIMIT && out.length < limit; ) {
      const page = await state.audit.recent(AUDIT_PAGE, before);
      if (page.length === 0) {
        break;
      }
      scanned += page.length;
      before = page[page.length - 1]!.id;
      for (const e of page) {
        if (e.email?.toLowerCase() === user) {
          out.push(toAuditView(e));
          if (out.length >= limit) {
            break;
          }
        }
      }
    }
    return out;
  }

  async function getUserCounts(): Promise<UserCounts> {
    const [managed, latest] = await Promise.all([state.ledger.count(), latestRecord()]);
    return {
      managed,
      unmanaged: latest ? countSkipped(latest, 'unmanaged') : null,
      protected: latest ? countSkipped(latest, 'protected') : null,
      superAdmins: latest ? countSkipped(latest, 'super-admin') : null,
      asOf: latest?.createdAt ?? null,
    };
  }

  async function getDaemonFacts(): Promise<DaemonFacts> {
    const [s, epoch, rulesCheck, outages] = await Promise.all([state.status.get(), state.ledger.epoch(), state.status.getRulesCheck(), state.status.getOutages()]);
    return {
      lastPollAt: s.lastPollAt,
      newestEventAt: s.newestEventAt,
      lastReconciledAt: s.lastReconcileFinishedAt,
      ledgerComplete: epoch !== null,
      rulesCheck,
      outages,
      eventHook: await state.hookStatus.get().catch(() => null),
    };
  }

  return {
    getLatestPlans: async (limit) => (await state.plans.list(limit)).map(toReconciliationView),
    getPlan: async (planId) => {
      const record = await planRecord(planId);
      return record ? toPlanView(record) : null;
    },
    getPendingApprovals: async () => (await state.approvals.pending()).map(toApprovalView).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    getAudit,
    getFailedJobs: async (limit) => {
      const jobs = await deps.queueView.failed(limit);
      return Promise.all(
        jobs.map(async (j) => {
          const standing = j.oktaUserId && j.failedAt ? await state.standing.get(j.oktaUserId) : null;
          return { ...j, syncedSince: standing && j.failedAt && standing.at > j.failedAt ? standing.at : null };
        }),
      );
    },
    getUserCounts,
    getDaemonFacts,
    getStandingsSince: (sinceMs) => state.standing.since(sinceMs),
    getSeatCounts: () => state.standing.seatCounts(),
    getActivity,
    getUserRecord,
  };
}
