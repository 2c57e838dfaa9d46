import { DelayedError, UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import { classifyError, errorMessage, OutageError, SyncError } from '../lib/errors';

/** Fallback pause after a 429 that did not say how long to wait. */
const DEFAULT_RATE_LIMIT_MS = 1000;

/** What a job's failure becomes in BullMQ. */
export interface JobErrorContext {
  job: Pick<Job, 'attemptsStarted'>;
  /** The job's queue: a 429 pauses it for every worker. */
  queue: Pick<Queue, 'rateLimit'>;
  /** Names the user (email or Okta id) in the final reason. */
  who: string;
  /** A job pushed back by rate limits more often than this fails with a reason. */
  maxRateLimitedStarts: number;
  /** Also called on a rate limit (e.g. to pause the shared HubSpot budget). */
  onRateLimited?: (ms: number) => Promise<void>;
  /** The outage breaker: told about an outage, asked before each job whether one is open. */
  outages?: { report(err: OutageError): Promise<number>; waitMs(): Promise<number> };
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
        await ctx.queue.rateLimit(await ctx.outages.report(err));
        return Worker.RateLimitError();
      }
      return err instanceof Error ? err : new Error(message);
    case 'fail':
      return new UnrecoverableError(message.startsWith(ctx.who) ? message : `${ctx.who}: ${message}`);
    case 'retry':
      return err instanceof Error ? err : new Error(message);
  }
}

/**
 * Whether a failed job failed for good (the one rule for every job kind): it was unrecoverable,
 * or it used up its attempts. Rate limits and outages never count an attempt, so never lead here.
 */
export function failedForGood(job: Pick<Job, 'attemptsMade' | 'opts'>, err: Pick<Error, 'name'>): boolean {
  return err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/**
 * Wraps a job processor so everything it throws goes through {@link toJobError}; a
 * `DelayedError` (the job moved itself to delayed) passes through untouched. While an API is out
 * (`outages`), a job goes back before it starts, so only the breaker's probe calls the API.
 */
export function withJobErrors<J extends Pick<Job, 'attemptsStarted'>, R>(
  process: (job: J, token?: string) => Promise<R>,
  ctx: Omit<JobErrorContext, 'job' | 'who'> & { who: (job: J) => string },
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
      throw await toJobError(err, { ...ctx, job, who: ctx.who(job) });
    }
  };
}
