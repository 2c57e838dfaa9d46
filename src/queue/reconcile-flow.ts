import type { BulkJobOptions, Job } from 'bullmq';
import { jobId } from './job-ids';
import type { ReconcileGateData, ReconcileSummaryData, SyncUserData } from './queue-map';
import type { Queues } from './queues';

/**
 * The lock that keeps one reconciliation at a time across replicas: taken by the reconcile
 * worker from planning on, released by the summary once every per-user job is done.
 */
export const RECONCILE_LOCK = 'reconcile';

/** Per-user children added to the flow in one Redis transaction. */
export const FAN_OUT_CHUNK = 500;

/** The gate child's delay: the summary cannot run before every chunk was added (it is promoted then). */
const GATE_DELAY_MS = 3600_000;

/** The id of a plan's summary job (the flow's parent). */
export function summaryJobId(planId: string): string {
  return jobId('summary', planId);
}

/** The id of a plan's gate job (a child that holds the summary back while children are added). */
export function gateJobId(planId: string): string {
  return jobId('gate', planId);
}

/** The id of a plan's per-user job: one per user and plan, so a repeated fan-out adds nothing twice. */
export function childJobId(planId: string, oktaUserId: string): string {
  return jobId('r', planId, oktaUserId);
}

/** One per-user job of a reconciliation. */
export interface FlowChild {
  data: SyncUserData;
  priority: number;
}

/** How far a reconciliation's per-user jobs have come. */
export interface FlowProgress {
  /** Per-user jobs finished (completed or failed). */
  done: number;
  /** Per-user jobs in the flow. */
  total: number;
}

/** A child that failed for good: its user (from the job's payload) and the reason. */
export interface FailedChild {
  oktaUserId: string | null;
  reason: string;
}

/**
 * A reconciliation's BullMQ flow, in one place: a `reconcile-summary` parent that records the
 * outcome, a delayed gate child that holds the parent back until the fan-out is complete, and
 * one `sync-user` child per user (a failed child does not fail the parent). Owns the job ids,
 * the typed fan-out and the progress read.
 */
export function createReconcileFlow(queues: Queues) {
  /** Adds the summary and its gate; the per-user children follow with {@link addChildren}. */
  async function open(data: ReconcileSummaryData): Promise<void> {
    const gate: ReconcileGateData = { planId: data.planId };
    await queues.enqueueFlow({
      queueName: 'reconcile-summary',
      name: 'reconcile-summary',
      data,
      opts: { jobId: summaryJobId(data.planId) },
      children: [{ queueName: 'reconcile-summary', name: 'reconcile-gate', data: gate, opts: { jobId: gateJobId(data.planId), delay: GATE_DELAY_MS } }],
    });
  }

  /** Adds per-user children under the plan's summary, in one transaction (see {@link FAN_OUT_CHUNK}). */
  async function addChildren(planId: string, children: readonly FlowChild[]): Promise<void> {
    const parent = { id: summaryJobId(planId), queue: queues.qualifiedName('reconcile-summary') };
    await queues.enqueueBulk(
      'sync-user',
      children.map((c) => {
        const opts: BulkJobOptions = { jobId: childJobId(planId, c.data.oktaUserId), parent, ignoreDependencyOnFailure: true, priority: c.priority };
        return { name: 'sync-user' as const, data: c.data, opts };
      }),
    );
  }

  /** Every child was added: the gate runs now, and the summary once the children are done. */
  async function close(planId: string): Promise<void> {
    const gate = await queues.queue('reconcile-summary').getJob(gateJobId(planId));
    await gate?.promote();
  }

  /** How many of a plan's per-user jobs have finished; null when the plan has no flow. */
  async function progress(planId: string): Promise<FlowProgress | null> {
    const summaryQueue = queues.queue('reconcile-summary');
    const summary = await summaryQueue.getJob(summaryJobId(planId));
    if (!summary || summary.name !== 'reconcile-summary') {
      return null;
    }
    const total = (summary.data as ReconcileSummaryData).jobs;
    const [counts, gate] = await Promise.all([summary.getDependenciesCount(), summaryQueue.getJob(gateJobId(planId))]);
    const finished = (counts.processed ?? 0) + (counts.failed ?? 0) + (counts.ignored ?? 0);
    // The gate is a child too, but not a user: it counts as processed once it ran.
    const gateRan = gate ? (await gate.getState()) === 'completed' : false;
    return { done: Math.max(0, Math.min(total, finished - (gateRan ? 1 : 0))), total };
  }

  /** The children of a summary that failed for good, each with its user read from the job's payload. */
  async function failedChildren(summary: Pick<Job, 'getIgnoredChildrenFailures'>): Promise<FailedChild[]> {
    const ignored = await summary.getIgnoredChildrenFailures();
    const childKeyPrefix = `${queues.qualifiedName('sync-user')}:`;
    return Promise.all(
      Object.entries(ignored).map(async ([key, reason]) => {
        const child = key.startsWith(childKeyPrefix) ? await queues.queue('sync-user').getJob(key.slice(childKeyPrefix.length)) : undefined;
        return { oktaUserId: child?.data.oktaUserId ?? null, reason: String(reason) };
      }),
    );
  }

  return { open, addChildren, close, progress, failedChildren };
}

/** A reconciliation's flow (see {@link createReconcileFlow}). */
export type ReconcileFlow = ReturnType<typeof createReconcileFlow>;
