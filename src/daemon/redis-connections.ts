import Redis from 'ioredis';
import type { Logger } from '../lib/logger';
import { createRedisHealth } from './redis-health';

/** Reconnect backoff: quick at first, then every few seconds while Redis stays away. */
const retryStrategy = (times: number): number => Math.min(times * 200, 3_000);

/**
 * The daemon's Redis connections: `commands` for state and producers (fails a command after a
 * few retries, so a request path never hangs), `workers` for BullMQ workers (BullMQ requires
 * `maxRetriesPerRequest: null` there; blocking connections are duplicated from it). `health`
 * watches both: one message when Redis cannot be reached, quiet retries, and readiness.
 */
export function createRedisConnections(url: string, logger: Logger) {
  const log = logger.child({ component: 'redis' });
  const health = createRedisHealth({ url, logger });
  const commands = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false, retryStrategy });
  const workers = new Redis(url, { maxRetriesPerRequest: null, retryStrategy });
  health.watch(commands, 'commands');
  health.watch(workers, 'workers');

  /** Warns when Redis may evict keys: BullMQ and the ledger need `maxmemory-policy noeviction`. */
  async function checkEvictionPolicy(): Promise<string | null> {
    try {
      const reply = (await commands.config('GET', 'maxmemory-policy')) as unknown;
      const policy = Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : null;
      if (policy !== null && policy !== 'noeviction') {
        log.warn(`Redis maxmemory-policy is "${policy}"; it should be "noeviction" or Redis may drop queue and ledger keys under memory pressure`);
      }
      return policy;
    } catch {
      // Managed Redis services often disable CONFIG; nothing to check then.
      return null;
    }
  }

  async function close(): Promise<void> {
    health.beginClose();
    await Promise.all(
      [commands, workers].map(async (c) => {
        try {
          if (c.status === 'ready') {
            await c.quit();
          } else {
            c.disconnect();
          }
        } catch {
          c.disconnect();
        }
      }),
    );
  }

  return { commands, workers, health, checkEvictionPolicy, close };
}

/** The daemon's Redis connections. */
export type RedisConnections = ReturnType<typeof createRedisConnections>;
