import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../src/lib/logger';
import type { ReconcileGateData, ReconcileSummaryData, SyncUserResult } from '../src/queue/queue-map';
import { RECONCILE_LOCK, type ReconcileFlow } from '../src/queue/reconcile-flow';
import { noneApplied, type PlanFailure, type PlanOutcome } from '../src/state/plan-store';
import type { State } from '../src/state/state';

type SummaryJob = Job<ReconcileSummaryData | ReconcileGateData>;

function isSyncUserResult(v: unknown): v is SyncUserResult {
  return typeof v === 'object' && v !== null && Array.isArray((v as { applied?: unknown }).applied);
}

/**
 * Summarises a reconciliation once all its per-user jobs are done: counts by kind, failures with
 * their reasons, duration; writes them into the stored plan, records the finish time and
 * releases the reconciliation lock. The gate job (a child that holds the summary back while the
 * fan-out is still being added) does nothing.
 */
export function createSummaryProcessor(deps: { state: State; flow: Pick<ReconcileFlow, 'failedChildren'>; logger: Logger; now?: () => Date; onFinished?: (outcome: PlanOutcome) => void }) {
  const now = () => (deps.now ? deps.now() : new Date());

  async function process(job: SummaryJob): Promise<PlanOutcome | { gate: true }> {
    if (job.name === 'reconcile-gate') {
      return { gate: true };
    }
    const data = job.data as ReconcileSummaryData;
    const values = await job.getChildrenValues<unknown>();
    const applied = noneApplied();
    let held = 0;
    for (const v of Object.values(values)) {
      if (!isSyncUserResult(v)) {
        continue;
      }
      held += v.held;
      if (v.applied.length === 0) {
        applied.unchanged++;
      }
      for (const a of v.applied) {
        applied[a.kind]++;
      }
    }
    const failures: PlanFailure[] = await deps.flow.failedChildren(job);
    const header = await deps.state.plans.header(data.planId);
    const finishedAt = now().toISOString();
    const outcome: PlanOutcome = {
      finishedAt,
      durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(data.startedAt)),
      applied,
      held: held + (header?.summary.held ?? 0),
      failures,
    };
    await deps.state.plans.update(data.planId, { status: 'done', outcome });
    await deps.state.status.set({ lastReconcileFinishedAt: finishedAt, lastReconcilePlanId: data.planId });
    await deps.state.locks.attach(RECONCILE_LOCK, data.lockToken).release();
    deps.onFinished?.(outcome);
    deps.logger.child({ component: 'reconcile-summary', planId: data.planId }).info('reconciliation finished', { applied, failures: failures.length, durationMs: outcome.durationMs });
    return outcome;
  }

  return { process };
}

/** The summary processor's API. */
export type SummaryProcessor = ReturnType<typeof createSummaryProcessor>;

/** The `reconcile-summary` BullMQ worker. */
export function createSummaryWorker(opts: { connection: ConnectionOptions; prefix: string; processor: SummaryProcessor; logger: Logger }): Worker<ReconcileSummaryData | ReconcileGateData> {
  const log = opts.logger.child({ component: 'reconcile-summary-worker' });
  const worker = new Worker<ReconcileSummaryData | ReconcileGateData>('reconcile-summary', (job) => opts.processor.process(job), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 4,
  });
  worker.on('failed', (job, err) => log.error('reconciliation summary failed', { jobId: job?.id, reason: err.message }));
  worker.on('error', (err) => log.error('reconcile-summary worker error', { error: err.message }));
  return worker;
}
