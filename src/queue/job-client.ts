import type { Job } from 'bullmq';
import { sleep } from '../lib/async';
import { errorMessage } from '../lib/errors';
import type { PlanHeader, PlanRecord, PlanTrigger } from '../state/plan-store';
import type { State } from '../state/state';
import { describeOutage, type OutageBreaker } from './outage-breaker';
import type { Producers } from './producers';
import type { ReconcileResult, SyncUserResult } from './queue-map';
import type { Queues } from './queues';
import type { ReconcileFlow } from './reconcile-flow';

const POLL_INTERVAL_MS = 250;

/**
 * Runs work through the queue and waits for it, for one-shot commands: any worker (this
 * process's or another replica's) may carry the job out, so it never runs beside another job
 * for the same user or another reconciliation.
 */
export function createJobClient(deps: {
  queues: Pick<Queues, 'queue'>;
  producers: Pick<Producers, 'syncUserNow' | 'reconcile'>;
  plans: Pick<State['plans'], 'header' | 'get' | 'list'>;
  flow: Pick<ReconcileFlow, 'progress'>;
  outages: Pick<OutageBreaker, 'current'>;
}) {
  /** Waits until a job has finished; returns its result, throws with its failure reason. */
  async function waitForJob<R>(queueName: 'reconcile' | 'sync-user', id: string, timeoutMs: number): Promise<R> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const queue = queueName === 'reconcile' ? deps.queues.queue('reconcile') : deps.queues.queue('sync-user');
      // The state first, then the job: a job read just before it finished has no return value yet.
      const jobState = await queue.getJobState(id);
      const job: Job | undefined = jobState === 'unknown' ? undefined : await queue.getJob(id);
      if (job && jobState === 'completed') {
        return job.returnvalue as R;
      }
      if (job && jobState === 'failed') {
        throw new Error(job.failedReason);
      }
      if (jobState === 'unknown') {
        throw new Error(`job ${id} disappeared from the ${queueName} queue`);
      }
      // A rejected token waits for an operator: a one-shot command says so instead of waiting it out.
      const rejected = (await deps.outages.current()).find((o) => o.kind === 'token-rejected');
      if (rejected) {
        throw new Error(describeOutage(rejected));
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for job ${id} on the ${queueName} queue`);
      }
      await sleep(POLL_INTERVAL_MS);
    }
  }

  /** Syncs one user now through the queue and returns what was done. */
  async function syncUserNow(oktaUserId: string, timeoutMs = 5 * 60_000): Promise<SyncUserResult> {
    const job = await deps.producers.syncUserNow(oktaUserId);
    return waitForJob<SyncUserResult>('sync-user', job.id ?? '', timeoutMs);
  }

  /**
   * Runs one full reconciliation through the queue and waits for its outcome (its per-user jobs
   * done). Another reconciliation running first is waited for, never run beside.
   */
  async function reconcileNow(trigger: PlanTrigger, timeoutMs = 30 * 60_000): Promise<PlanRecord> {
    const job = await deps.producers.reconcile({ trigger, waitIfBusy: true });
    const deadline = Date.now() + timeoutMs;
    let result: ReconcileResult;
    try {
      result = await waitForJob<ReconcileResult>('reconcile', job.id ?? '', timeoutMs);
    } catch (err) {
      throw new Error(`the reconciliation failed: ${errorMessage(err)}`);
    }
    const planId = result.planId;
    if (planId === null) {
      throw new Error('the reconciliation was skipped because another one was running');
    }
    for (;;) {
      // Poll the small header; read the whole plan (which may be large) once, when it is done.
      const header = await deps.plans.header(planId);
      const record = header && header.status !== 'applying' ? await deps.plans.get(planId) : null;
      if (record) {
        return record;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for plan ${planId} to finish`);
      }
      await sleep(POLL_INTERVAL_MS);
    }
  }

  /** The newest stored plan (for a progress line). */
  async function latestPlan(): Promise<PlanHeader | null> {
    const [header] = await deps.plans.list(1);
    return header ?? null;
  }

  return { syncUserNow, reconcileNow, latestPlan, flowProgress: deps.flow.progress };
}

/** The job client (see {@link createJobClient}). */
export type JobClient = ReturnType<typeof createJobClient>;
