import { Gauge, type Registry } from 'prom-client';
import { redactRedisUrl } from '../../config/redis-url';
import type { Logger } from '../lib/logger';
import { describeRedisFailure, REDIS_HINT, redisFailure, RedisUnreachableError, type RedisFailure } from '../lib/redis-failure';
import { METRIC_PREFIX } from '../server/metrics';

/** How often a still-unreachable Redis is mentioned again after the first message. */
export const REDIS_REMINDER_MS = 45_000;

/** What can be watched: an ioredis client (events and status). */
/** What the watcher needs of a Redis connection (an ioredis client, or BullMQ's). */
interface Watchable {
  status: string;
  on(event: 'error', cb: (err: unknown) => void): unknown;
  on(event: 'ready', cb: () => void): unknown;
}

/**
 * Watches the daemon's Redis connections and speaks for them: the first failure is logged once
 * with the address (password hidden), the cause and what to check; while Redis stays away a
 * reminder follows at most every {@link REDIS_REMINDER_MS}; when every connection is ready again
 * "Redis reachable again" is logged once. Every error a Redis client or BullMQ connection
 * emits is routed here (`noteError`), so none reaches Node's console as a stack trace.
 */
export function createRedisHealth(opts: { url: string; logger: Logger; reminderMs?: number; now?: () => number }) {
  const log = opts.logger.child({ component: 'redis' });
  const now = opts.now ?? Date.now;
  const reminderMs = opts.reminderMs ?? REDIS_REMINDER_MS;
  const shownUrl = redactRedisUrl(opts.url);
  const clients: Watchable[] = [];
  const waiters = new Set<(reached: boolean) => void>();
  let failure: RedisFailure | null = null;
  let announced: { cause: string; since: number; lastAt: number } | null = null;
  let closing = false;
  const otherErrors = new Map<string, number>();

  function reachable(): boolean {
    return clients.length > 0 && clients.every((c) => c.status === 'ready');
  }

  function update(): void {
    if (!reachable()) {
      return;
    }
    if (announced) {
      log.info('Redis reachable again', { url: shownUrl, unreachableForSeconds: Math.round((now() - announced.since) / 1000) });
    }
    announced = null;
    failure = null;
    for (const resolve of [...waiters]) {
      resolve(true);
    }
  }

  /** Takes any error a Redis client, queue, flow producer or worker emitted; logs it only when the operator needs to hear it. */
  function noteError(err: unknown, source: string): void {
    if (closing) {
      return;
    }
    if (reachable()) {
      // Not a connection problem (Redis answers): say it, but once a reminder period per message.
      const message = err instanceof Error ? err.message : String(err);
      const last = otherErrors.get(message);
      if (last === undefined || now() - last >= reminderMs) {
        otherErrors.set(message, now());
        log.warn('Redis command error', { source, error: message });
      }
      return;
    }
    failure = redisFailure(err);
    const at = now();
    if (!announced || announced.cause !== failure.cause) {
      const message = `${describeRedisFailure(opts.url, failure)} Retrying quietly until it answers.`;
      if (failure.configError) {
        log.error(message, { url: shownUrl, cause: failure.cause, configError: true });
      } else {
        log.error(message, { url: shownUrl, cause: failure.cause });
      }
      announced = { cause: failure.cause, since: announced?.since ?? at, lastAt: at };
      return;
    }
    if (at - announced.lastAt >= reminderMs) {
      announced.lastAt = at;
      const seconds = Math.round((at - announced.since) / 1000);
      log.warn(`still cannot reach Redis at ${shownUrl} after ${seconds} s (${failure.cause}); ${failure.configError ? failure.explanation : REDIS_HINT}`, {
        url: shownUrl,
        cause: failure.cause,
      });
    }
  }

  /** Follows one client: its errors, and its ready/close transitions. */
  function watch(client: Watchable, name: string): void {
    clients.push(client);
    client.on('error', (err: unknown) => noteError(err, name));
    client.on('ready', update);
  }

  /** Why Redis cannot be used right now ("Redis unreachable: …"), or null when it answers or no failure was seen yet. */
  function problem(): string | null {
    if (reachable() || failure === null) {
      return null;
    }
    return `Redis unreachable: ${failure.cause} at ${shownUrl}: ${failure.explanation}`;
  }

  /**
   * Resolves true once every watched connection is ready, false when the connections are being
   * closed first. With `timeoutMs`, rejects with a RedisUnreachableError after that long.
   */
  function untilReachable(wait: { timeoutMs?: number } = {}): Promise<boolean> {
    if (closing || reachable()) {
      return Promise.resolve(!closing);
    }
    return new Promise<boolean>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (fn: () => void) => {
        waiters.delete(onReady);
        clearTimeout(timer);
        fn();
      };
      const onReady = (reached: boolean) => done(() => resolve(reached));
      waiters.add(onReady);
      if (wait.timeoutMs !== undefined) {
        timer = setTimeout(
          () => done(() => reject(new RedisUnreachableError(opts.url, failure ?? { cause: `no answer within ${Math.round((wait.timeoutMs ?? 0) / 1000)} s`, explanation: REDIS_HINT, configError: false }))),
          wait.timeoutMs,
        );
      }
    });
  }

  /** Exports `okta_hubspot_sync_redis_up` (1 while every connection is ready, else 0) on `registry`. */
  function registerMetric(registry: Registry): void {
    new Gauge({
      name: `${METRIC_PREFIX}redis_up`,
      help: 'Whether this process can use Redis (1) or not (0); /readyz gives the reason when 0.',
      registers: [registry],
      collect() {
        this.set(reachable() ? 1 : 0);
      },
    });
  }

  /** From now on errors are expected (the connections are being closed) and stay unlogged. */
  function beginClose(): void {
    closing = true;
    for (const resolve of [...waiters]) {
      resolve(false);
    }
  }

  return { watch, noteError, reachable, problem, untilReachable, registerMetric, beginClose, url: shownUrl };
}

/** The daemon's view of Redis reachability. */
export type RedisHealth = ReturnType<typeof createRedisHealth>;
