import type { Config } from '../../config/load';
import { createDaemon, type Daemon, type DaemonOptions } from './daemon';

/** How long a one-shot command (`reconcile`, `sync-user`) waits for Redis before giving up. */
export const ONE_SHOT_REDIS_WAIT_MS = 10_000;

/**
 * Builds a daemon for a command that runs once and exits: it waits up to `waitMs` for Redis
 * (its first failure logged once, as for the long-lived daemon) and then rejects with a
 * RedisUnreachableError naming the Redis, the cause and what to check, after stopping what it
 * built. A long-lived daemon (`start`, `worker`) waits for as long as it takes instead.
 */
export async function createOneShotDaemon(config: Config, opts: DaemonOptions, waitMs = ONE_SHOT_REDIS_WAIT_MS): Promise<Daemon> {
  const daemon = createDaemon(config, { ...opts, oneShot: true });
  try {
    await daemon.redis.health.untilReachable({ timeoutMs: waitMs });
  } catch (err) {
    await daemon.stop().catch(() => undefined);
    throw err;
  }
  return daemon;
}
