import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { deleteKeysWithPrefix } from '../../src/lib/redis-keys';

/** The Redis URL the global setup found or started. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * A unique, hash-tagged key prefix for one test file, e.g. `{test-3f2a…}`. Tests create every key
 * under it and remove only those keys with {@link removeKeys}; the server is never flushed.
 */
export function uniquePrefix(label = 'test'): string {
  return `{${label}-${randomUUID().slice(0, 8)}}`;
}

/** Deletes every key that starts with `prefix` (SCAN, never FLUSHALL). */
export async function removeKeys(prefix: string, url = testRedisUrl()): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}
