import { randomBytes } from 'node:crypto';
import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

const HOUR_MS = 3600_000;

/**
 * Event-driven deletions of the rolling hour, shared by every worker and replica: the deletion
 * guard counts them so that many small deletions cannot add up to an unnoticed mass deletion.
 */
export function createDeletionCounter(redis: RedisClient, prefix: string, opts: { windowMs?: number } = {}) {
  const key = stateKeys(prefix).deletions;
  const windowMs = opts.windowMs ?? HOUR_MS;

  async function record(hubspotUserId: string, at: number = Date.now()): Promise<void> {
    await redis
      .multi()
      .zadd(key, at, `${hubspotUserId}-${at}-${randomBytes(2).toString('hex')}`)
      .zremrangebyscore(key, '-inf', at - windowMs)
      .pexpire(key, windowMs * 2)
      .exec();
  }

  /** Deletions made within the window ending at `now`. */
  async function count(now: number = Date.now()): Promise<number> {
    return redis.zcount(key, now - windowMs + 1, '+inf');
  }

  return { record, count };
}

/** The deletion counter's API. */
export type DeletionCounter = ReturnType<typeof createDeletionCounter>;
