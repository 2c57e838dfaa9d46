import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

/**
 * The System Log cursor: the `next` link to resume polling from. Saved only after the events it
 * covers were turned into jobs, so a crash re-reads (and the per-user jobs absorb the repeat).
 */
export function createCursorStore(redis: RedisClient, prefix: string) {
  const key = stateKeys(prefix).cursor;

  async function get(): Promise<string | null> {
    return redis.get(key);
  }

  async function set(cursor: string): Promise<void> {
    await redis.set(key, cursor);
  }

  async function clear(): Promise<void> {
    await redis.del(key);
  }

  return { get, set, clear };
}

/** The cursor store's API. */
export type CursorStore = ReturnType<typeof createCursorStore>;
