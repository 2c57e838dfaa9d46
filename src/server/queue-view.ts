import type { Job, Queue } from 'bullmq';
import type { Redactor } from '../lib/redact';
import type { LedgerEntry } from '../sync/types';
import type { FailedJobView, OpsActionResult, UserJobView } from './ops-types';
import type { LatencyPoint } from './status-charts';

/** Job counts of one queue by state (waiting, active, delayed, failed, completed, …). */
export type QueueCounts = Record<string, number>;

function stringField(data: unknown, key: string): string | null {
  if (typeof data !== 'object' || data === null) {
    return null;
  }
  const value = (data as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}

/** The email a sync-user failure names first (`email (Okta id): …`), for users the ledger does not know yet. */
function emailInReason(reason: string | undefined): string | null {
  const m = /^([^\s@():]+@[^\s@():]+) \(Okta [^)]+\):/.exec(reason ?? '');
  return m?.[1] ?? null;
}

function toFailedView(queue: string, job: Job, redactor: Redactor, email: string | null): FailedJobView {
  return {
    queue,
    id: job.id ?? '',
    name: job.name,
    failedReason: redactor.redactString(job.failedReason ?? ''),
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    email,
    oktaUserId: stringField(job.data, 'oktaUserId'),
  };
}

function toUserJob(job: Job, state: string, redactor: Redactor): UserJobView {
  const result: unknown = job.returnvalue;
  const applied = typeof result === 'object' && result !== null && Array.isArray((result as { applied?: unknown }).applied) ? ((result as { applied: Array<{ kind?: unknown }> }).applied) : null;
  const held = typeof result === 'object' && result !== null && typeof (result as { held?: unknown }).held === 'number' ? (result as { held: number }).held : 0;
  const outcome =
    state === 'failed'
      ? redactor.redactString(job.failedReason ?? 'failed')
      : state !== 'completed'
        ? state
        : held > 0
          ? 'deletion held by the guard'
          : applied && applied.length > 0
            ? applied.map((a) => String(a.kind)).join(', ')
            : 'nothing to change';
  return {
    queue: 'sync-user',
    id: job.id ?? '',
    state,
    trigger: stringField(job.data, 'trigger'),
    queuedAt: new Date(job.timestamp).toISOString(),
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    attempts: job.attemptsMade,
    outcome,
  };
}

/**
 * The ops surface's view of the BullMQ queues: counts, failed jobs with their reasons (and the
 * user's email, from the ledger: job payloads carry only the Okta id), and retrying one failed
 * job. Reasons pass through the redactor: an SDK error may quote a header.
 */
export function createQueueView(queues: Readonly<Record<string, Queue>>, redactor: Redactor, ledger: { get(oktaUserId: string): Promise<LedgerEntry | null> }) {
  /** Counts by state for every queue. */
  async function counts(): Promise<Record<string, QueueCounts>> {
    const entries = await Promise.all(
      Object.entries(queues).map(async ([name, queue]) => [name, await queue.getJobCounts()] as const),
    );
    return Object.fromEntries(entries);
  }

  /** Failed jobs across queues, newest first. */
  async function failed(limit: number): Promise<FailedJobView[]> {
    const perQueue = await Promise.all(
      Object.entries(queues).map(async ([name, queue]) => {
        const jobs = await queue.getFailed(0, Math.max(0, limit - 1));
        return Promise.all(
          jobs
            .filter((j): j is Job => j !== undefined && j !== null)
            .map(async (job) => {
              const oktaUserId = stringField(job.data, 'oktaUserId');
              const entry = oktaUserId ? await ledger.get(oktaUserId) : null;
              return toFailedView(name, job, redactor, entry?.email ?? emailInReason(job.failedReason));
            }),
        );
      }),
    );
    return perQueue
      .flat()
      .sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? ''))
      .slice(0, limit);
  }

  /**
   * The latest `limit` completed sync-user jobs, and for each that wrote to HubSpot when it
   * finished and how long it took from being queued.
   */
  async function recentWrites(limit: number): Promise<{ jobs: number; points: LatencyPoint[] }> {
    const queue = queues['sync-user'];
    if (!queue) {
      return { jobs: 0, points: [] };
    }
    const jobs = (await queue.getCompleted(0, Math.max(0, limit - 1))).filter((j): j is Job => j !== undefined && j !== null);
    const points = jobs.flatMap((j) => {
      const applied: unknown = typeof j.returnvalue === 'object' && j.returnvalue !== null ? (j.returnvalue as { applied?: unknown }).applied : undefined;
      if (!Array.isArray(applied) || applied.length === 0 || !j.finishedOn) {
        return [];
      }
      // From Okta's publish time of the change when the job knows it (events), else from the job being queued.
      const published = Date.parse(stringField(j.data, 'changedAt') ?? '');
      const fromOkta = Number.isFinite(published) && published <= j.finishedOn;
      return [{ at: new Date(j.finishedOn).toISOString(), ms: Math.max(0, j.finishedOn - (fromOkta ? published : j.timestamp)), fromOkta }];
    });
    return { jobs: jobs.length, points };
  }

  /** The sync jobs about one Okta user among the latest `scan` the queue keeps in each state, newest first. */
  async function jobsFor(oktaUserId: string, scan = 1000): Promise<UserJobView[]> {
    const queue = queues['sync-user'];
    if (!queue) {
      return [];
    }
    const states = ['active', 'waiting', 'prioritized', 'delayed', 'failed', 'completed'] as const;
    const perState = await Promise.all(
      states.map(async (state) => (await queue.getJobs([state], 0, scan - 1)).filter((j): j is Job => j !== undefined && j !== null && stringField(j.data, 'oktaUserId') === oktaUserId).map((j) => toUserJob(j, state, redactor))),
    );
    return perState.flat().sort((a, b) => b.queuedAt.localeCompare(a.queuedAt));
  }

  /** Moves one failed job back to waiting; refuses a job that is not failed. */
  async function retry(queueName: string, jobId: string): Promise<OpsActionResult> {
    const queue = Object.hasOwn(queues, queueName) ? queues[queueName] : undefined;
    if (!queue) {
      return { ok: false, reason: 'not-found', message: `no queue named ${queueName}` };
    }
    const job = await queue.getJob(jobId);
    if (!job) {
      return { ok: false, reason: 'not-found', message: `no job ${jobId} in ${queueName}` };
    }
    const state = await job.getState();
    if (state !== 'failed') {
      return { ok: false, reason: 'conflict', message: `job ${jobId} is ${state}, not failed` };
    }
    await job.retry('failed');
    return { ok: true, message: `job ${jobId} in ${queueName} will run again` };
  }

  return { counts, failed, retry, recentWrites, jobsFor };
}

/** The queue view's API. */
export type QueueView = ReturnType<typeof createQueueView>;
