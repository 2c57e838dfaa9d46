import type { Job, Queue } from 'bullmq';
import type { Redactor } from '../lib/redact';
import type { LedgerEntry } from '../sync/types';
import type { FailedJobView, OpsActionResult } from './ops-types';

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

  return { counts, failed, retry };
}

/** The queue view's API. */
export type QueueView = ReturnType<typeof createQueueView>;
