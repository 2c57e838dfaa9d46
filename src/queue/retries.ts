/**
 * How a job retries, for every job kind, in one place:
 * - attempts and backoff per queue ({@link defaultJobOptions});
 * - what a thrown error becomes ({@link toJobError}, through the one classifier): a rate limit or
 *   an outage puts the job back without using an attempt, a permanent error fails it at once,
 *   anything else uses an attempt and waits out the backoff;
 * - the jobs that put themselves back for a moment without using an attempt ({@link putBack}
 *   with a delay from {@link PUT_BACK}): a busy user, busy shared counts, a pending ledger, a busy
 *   reconciliation; the ledger gate's `ensureLedgerForJob` does the same while a rebuild runs;
 * - when a job has failed for good ({@link failedForGood}).
 */
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type DefaultJobOptions, type Job, type Queue } from 'bullmq';
import type { DaemonSettings } from '../../config/daemon-schema';
import { classifyError, errorMessage, OutageError, SyncError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { QueueName } from './queue-map';

/** Fallback pause after a 429 that did not say how long to wait. */
const DEFAULT_RATE_LIMIT_MS = 1000;

const DAY_S = 24 * 3600;

/** Retries, backoff and retention of each queue, from the daemon settings. */
export function defaultJobOptions(jobs: DaemonSettings['jobs']): Record<QueueName, DefaultJobOptions> {
  const backoff = { type: 'exponential', delay: jobs.backoffMs, jitter: 0.5 } as const;
  const removeOnFail = { age: Math.max(1, jobs.keepFailedDays) * DAY_S };
  return {
    'sync-user': { attempts: jobs.attempts, backoff, removeOnComplete: { count: jobs.keepCompleted }, removeOnFail },
    // Slot ids must outlive clock skew between replicas, so completed reconcile jobs stay a week.
    reconcile: { attempts: jobs.attempts, backoff, removeOnComplete: { age: 7 * DAY_S }, removeOnFail },
    'reconcile-summary': { attempts: 5, backoff, removeOnComplete: { age: 7 * DAY_S }, removeOnFail },
    // A failed poll is simply redone by the next slot.
    'okta-poll': { attempts: 1, removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: { age: DAY_S } },
  };
}

/** A job that waits for the ledger rebuild looks again after 5 s, 10 s, … up to a minute. */
const LEDGER_PENDING_RETRY_MS = 5_000;
const LEDGER_PENDING_MAX_WAIT_MS = 60_000;

/** A random wait of `min` to `min + spread` ms, so jobs put back together do not all come back together. */
const jittered = (min: number, spread: number): number => min + Math.floor(Math.random() * spread);

/** How long a job that puts itself back (see {@link putBack}) waits, per reason. */
export const PUT_BACK = {
  /** Another job is syncing this user. */
  userBusy: (): number => jittered(500, 1000),
  /** Another job holds the shared counts (rolling-hour deletions, seat budgets). */
  sharedCountsBusy: (): number => jittered(200, 400),
  /** The ledger is being rebuilt and this user's plan must wait for it (`attemptsStarted` so far). */
  ledgerPending: (attemptsStarted: number): number => Math.min(LEDGER_PENDING_MAX_WAIT_MS, LEDGER_PENDING_RETRY_MS * Math.max(1, attemptsStarted)),
  /** Another reconciliation runs and this one asked to wait for it. */
  reconcileBusy: (): number => 2000,
} as const;

/**
 * Puts a running job back for `delayMs` without using an attempt (BullMQ's `DelayedError`, which
 * {@link withJobErrors} passes through). Always throws; `return putBack(...)` reads as the end of
 * the job. BullMQ schedules delays on the wall clock, so this one does too.
 */
export async function putBack(job: Pick<Job, 'moveToDelayed'>, token: string | undefined, delayMs: number): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}

/** What a job's failure becomes in BullMQ. */
export interface JobErrorContext {
  job: Pick<Job, 'attemptsStarted'> & Partial<Pick<Job, 'attemptsMade' | 'opts'>>;
  /** The job's queue: a 429 pauses it for every worker. */
  queue: Pick<Queue, 'rateLimit'>;
  /** Names the user (email or Okta id) in the final reason. */
  who: string;
  /** A job pushed back by rate limits more often than this fails with a reason. */
  maxRateLimitedStarts: number;
  /** Also called on a rate limit (e.g. to pause the shared HubSpot budget). */
  onRateLimited?: (ms: number) => Promise<void>;
  /** The outage breaker: told about an outage, asked before each job whether one is open. */
  outages?: { report(err: OutageError): Promise<{ open: boolean; pauseMs: number }>; waitMs(): Promise<number> };
}

/**
 * Turns an error thrown while processing into what BullMQ should do, using the one classifier:
 * a rate limit pauses the queue and returns `RateLimitError` (the attempt is not used up, up to
 * `maxRateLimitedStarts` starts); an outage (5xx, timeout, 401) opens the API's breaker, which
 * pauses the queue until a probe sees the API answer, and the job goes back without using an
 * attempt, however long the outage lasts; a permanent error becomes `UnrecoverableError` with a
 * reason naming the user; anything else is retried with backoff.
 */
export async function toJobError(err: unknown, ctx: JobErrorContext): Promise<Error> {
  const message = errorMessage(err);
  switch (classifyError(err)) {
    case 'rate-limit': {
      if (ctx.job.attemptsStarted > ctx.maxRateLimitedStarts) {
        return new UnrecoverableError(`${ctx.who}: still rate limited after ${ctx.job.attemptsStarted} starts (daemon.jobs.maxRateLimitedStarts): ${message}`);
      }
      const ms = err instanceof SyncError && err.retryAfterMs !== undefined ? err.retryAfterMs : DEFAULT_RATE_LIMIT_MS;
      await ctx.queue.rateLimit(ms);
      await ctx.onRateLimited?.(ms);
      return Worker.RateLimitError();
    }
    case 'outage':
      if (ctx.outages && err instanceof OutageError) {
        const verdict = await ctx.outages.report(err);
        if (verdict.open) {
          await ctx.queue.rateLimit(verdict.pauseMs);
          return Worker.RateLimitError();
        }
      }
      // A one-off (the API answered the probe): retried with backoff like any transient error.
      return err instanceof Error ? err : new Error(message);
    case 'fail':
      return new UnrecoverableError(message.startsWith(ctx.who) ? message : `${ctx.who}: ${message}`);
    case 'retry':
      // The last attempt's error becomes the job's failed reason: it names the user, as a permanent error's does.
      if (isLastAttempt(ctx.job) && !message.startsWith(ctx.who)) {
        return new Error(`${ctx.who}: ${message}`);
      }
      return err instanceof Error ? err : new Error(message);
  }
}

/** This attempt is the job's last (its failure is for good). */
function isLastAttempt(job: JobErrorContext['job']): boolean {
  const attempts = job.opts?.attempts;
  return attempts !== undefined && job.attemptsMade !== undefined && job.attemptsMade + 1 >= attempts;
}

/**
 * Whether a failed job failed for good (the one rule for every job kind): it was unrecoverable,
 * or it used up its attempts. Rate limits and outages never count an attempt, so never lead here.
 */
export function failedForGood(job: Pick<Job, 'attemptsMade' | 'opts'>, err: Pick<Error, 'name'>): boolean {
  return err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/** What a worker whose jobs call the APIs is built from: its queue, the retry settings, and what pauses it. */
export interface ApiWorkerOptions extends ApiPauses {
  connection: ConnectionOptions;
  prefix: string;
  /** The worker's queue: a 429 pauses it for every worker. */
  queue: JobErrorContext['queue'];
  /** `jobs.maxRateLimitedStarts` and the worker's own tuning. */
  settings: DaemonSettings;
  logger: Logger;
}

/** What a worker whose jobs call the APIs is handed so they wait out rate limits and outages. */
export interface ApiPauses {
  /** Pauses the shared HubSpot budget after a 429. */
  onRateLimited?: (ms: number) => Promise<void>;
  /** Pauses the queue while HubSpot or Okta is out (no attempt is used up). */
  outages?: NonNullable<JobErrorContext['outages']>;
}

/**
 * Wraps a job processor so everything it throws goes through {@link toJobError}; a
 * `DelayedError` (the job moved itself to delayed) passes through untouched. While an API is out
 * (`outages`), a job goes back before it starts, so only the breaker's probe calls the API.
 */
export function withJobErrors<J extends JobErrorContext['job'], R>(
  process: (job: J, token?: string) => Promise<R>,
  ctx: Omit<JobErrorContext, 'job' | 'who'> & { who: (job: J) => string | Promise<string> },
): (job: J, token?: string) => Promise<R> {
  return async (job, token) => {
    const wait = (await ctx.outages?.waitMs()) ?? 0;
    if (wait > 0) {
      await ctx.queue.rateLimit(wait);
      throw Worker.RateLimitError();
    }
    try {
      return await process(job, token);
    } catch (err) {
      if (err instanceof DelayedError) {
        throw err;
      }
      throw await toJobError(err, { ...ctx, job, who: await ctx.who(job) });
    }
  };
}

/**
 * Sorts a worker's failed jobs by {@link failedForGood}: `forGood` once per job that will not run
 * again (log it, record it), `willRetry` for the others (retries are not news to operators).
 */
export function onFailure<D, R>(
  worker: Worker<D, R>,
  handlers: { forGood: (job: Job<D, R>, err: Error) => void; willRetry: (job: Job<D, R>, err: Error) => void },
): void {
  worker.on('failed', (job, err) => {
    if (!job) {
      return;
    }
    if (failedForGood(job, err)) {
      handlers.forGood(job, err);
    } else {
      handlers.willRetry(job, err);
    }
  });
}
