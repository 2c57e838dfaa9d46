import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';

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
  let removed = 0;
  try {
    const pattern = `${prefix.replace(/([*?[\]\\])/g, '\\$1')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        removed += await redis.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}
