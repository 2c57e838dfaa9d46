import Redis from 'ioredis';
import type { Logger } from '../lib/logger';

/**
 * The daemon's Redis connections: `commands` for state and producers (fails a command after a
 * few retries, so a request path never hangs), `workers` for BullMQ workers (BullMQ requires
 * `maxRetriesPerRequest: null` there; blocking connections are duplicated from it).
 */
export function createRedisConnections(url: string, logger: Logger) {
  const log = logger.child({ component: 'redis' });
  const commands = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
  const workers = new Redis(url, { maxRetriesPerRequest: null });
  for (const [name, conn] of [['commands', commands], ['workers', workers]] as const) {
    conn.on('error', (err: Error) => log.warn('Redis connection error', { connection: name, error: err.message }));
  }

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
    await Promise.all(
      [commands, workers].map(async (c) => {
        try {
          await c.quit();
        } catch {
          c.disconnect();
        }
      }),
    );
  }

  return { commands, workers, checkEvictionPolicy, close };
}

/** The daemon's Redis connections. */
export type RedisConnections = ReturnType<typeof createRedisConnections>;
