import type { SeatCount, UserStanding } from '../state/user-standing';
import type { Plan, SeatUsage, UnmappedTitle } from '../sync/types';
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
import type { ActivityView } from './status-charts';

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
  /** Users on minimal permissions because their Title matched no role: the latest plan, with every user synced since as their job left them. */
  unmappedTitles: UnmappedTitle[];
  /** Seats used vs budget and the waiting list: the latest plan, with the counts and users of every sync-user job since. */
  seats: SeatUsage[];
  /** When seats, the waiting list and unmapped titles were last known true (the newest of the plan and the jobs since), and from how many jobs since the plan. */
  seatsAsOf: { at: string | null; planAt: string | null; usersSince: number };
  /** The audit trail, optionally for one user. */
  audit: { user: string | null; entries: AuditView[] };
  failedJobs: FailedJobView[];
  /** Pictures: changes per hour, and change-to-HubSpot latency; null when they could not be read. */
  activity: ActivityView | null;
}

export interface SnapshotRequest {
  /** Show only this user's audit entries (email). */
  auditUser?: string | undefined;
  auditLimit?: number;
  reconciliationLimit?: number;
  failedJobLimit?: number;
}

/** Loose key of a Title, as the planner groups them. */
function titleKey(title: string): string {
  return title.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Seats, the waiting list and unmapped titles as they are now: the latest full plan's, with each
 * user a sync-user job decided since (`standings`, newer than `planAt`) taken out of the plan's
 * lists and put where their job left them, and each seat's use as the newest job counted it.
 */
export function currentSeatsAndTitles(
  plan: Pick<Plan, 'seats' | 'unmappedTitles'> | null,
  planAt: string | null,
  standings: readonly UserStanding[],
  counts: readonly SeatCount[],
): { seats: SeatUsage[]; unmappedTitles: UnmappedTitle[]; asOf: StatusSnapshot['seatsAsOf'] } {
  const planMs = planAt ? Date.parse(planAt) : -Infinity;
  const newer = new Map<string, UserStanding>();
  for (const st of standings) {
    if (Date.parse(st.at) > planMs) {
      newer.set(st.oktaUserId, st);
    }
  }
  const titles = new Map<string, UnmappedTitle>();
  const addTitle = (title: string, user: UnmappedTitle['users'][number]) => {
    const group = titles.get(titleKey(title)) ?? { title, users: [] };
    group.users.push(user);
    titles.set(titleKey(title), group);
  };
  for (const t of plan?.unmappedTitles ?? []) {
    for (const u of t.users) {
      if (!newer.has(u.oktaUserId)) {
        addTitle(t.title, u);
      }
    }
  }
  const seats = new Map<string, SeatUsage>();
  for (const seat of plan?.seats ?? []) {
    seats.set(seat.seat, { ...seat, waiting: seat.waiting.filter((w) => !newer.has(w.oktaUserId)) });
  }
  let at = planAt;
  const later = (t: string) => {
    if (at === null || t > at) {
      at = t;
    }
  };
  for (const c of counts) {
    if (Date.parse(c.at) > planMs) {
      const seat = seats.get(c.seat);
      // HubSpot's free seats are known only from the plan's listing: a later count leaves it unsaid.
      seats.set(c.seat, { seat: c.seat, used: c.used, budget: c.budget, remaining: null, waiting: seat?.waiting ?? [] });
      later(c.at);
    }
  }
  for (const st of newer.values()) {
    later(st.at);
    if (st.unmappedTitle !== null) {
      addTitle(st.unmappedTitle, { oktaUserId: st.oktaUserId, email: st.email });
    }
    for (const w of st.waitingFor) {
      const seat = seats.get(w.seat) ?? { seat: w.seat, used: 0, budget: null, waiting: [] };
      seat.waiting.push({ oktaUserId: st.oktaUserId, email: st.email ?? st.oktaUserId, since: w.since });
      seats.set(w.seat, seat);
    }
  }
  for (const seat of seats.values()) {
    seat.waiting.sort((a, b) => (a.since ?? '').localeCompare(b.since ?? '') || a.oktaUserId.localeCompare(b.oktaUserId));
  }
  return {
    seats: [...seats.values()].sort((a, b) => a.seat.localeCompare(b.seat)),
    unmappedTitles: [...titles.values()].sort((a, b) => b.users.length - a.users.length || a.title.localeCompare(b.title)),
    asOf: { at, planAt, usersSince: newer.size },
  };
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

/** The newest listed plan that was carried out (not a dry run), with its actions. */
async function newestApplied(status: StatusSource, reconciliations: readonly ReconciliationView[]): Promise<PlanView | null> {
  const r = reconciliations.find((x) => !x.dryRun);
  return r ? status.getPlan(r.planId) : null;
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
  const now = deps.now?.() ?? new Date();
  const [queues, facts, reconciliations, approvals, users, audit, failedJobs, activity] = await Promise.all([
    deps.queueCounts().catch(() => null),
    deps.status.getDaemonFacts(),
    deps.status.getLatestPlans(req.reconciliationLimit ?? 10),
    deps.status.getPendingApprovals(),
    deps.status.getUserCounts(),
    deps.status.getAudit({ ...(auditUser ? { user: auditUser } : {}), limit: req.auditLimit ?? 50 }),
    deps.status.getFailedJobs(req.failedJobLimit ?? 50),
    deps.status.getActivity(now).catch(() => null),
  ]);
  const newest = reconciliations[0];
  const latestPlan = newest ? await deps.status.getPlan(newest.planId) : null;
  // Seats and titles come from the newest full plan that was not a dry run (a dry run changed nothing).
  const basis = latestPlan && !latestPlan.dryRun ? latestPlan : await newestApplied(deps.status, reconciliations);
  const planAt = basis?.createdAt ?? null;
  const [standings, counts] = await Promise.all([deps.status.getStandingsSince(planAt ? Date.parse(planAt) : 0), deps.status.getSeatCounts()]);
  const current = currentSeatsAndTitles(basis?.plan ?? null, planAt, standings, counts);
  return {
    generatedAt: now.toISOString(),
    writesEnabled: deps.writesEnabled,
    queues,
    facts,
    reconciliations,
    latestPlan,
    approvals,
    users,
    driftRepaired: driftRepaired(reconciliations),
    unmappedTitles: current.unmappedTitles,
    seats: current.seats,
    seatsAsOf: current.asOf,
    audit: { user: auditUser, entries: audit },
    failedJobs,
    activity,
  };
}
