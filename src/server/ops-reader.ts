import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { Config } from '../../config/load';
import { createRedactor } from '../lib/redact';
import { redisFailure, RedisUnreachableError } from '../lib/redis-failure';
import { QUEUE_NAMES } from '../queue/queue-map';
import { createState } from '../state/state';
import type { StatusSource } from './ops-types';
import { createQueueView, type QueueView } from './queue-view';
import { createStatusSource } from './status-source';

/**
 * A read-only view of a running daemon's state straight from Redis, for the `status` and `audit`
 * commands: no workers, no API clients. Connection attempts are bounded so a wrong REDIS_URL
 * fails within seconds instead of retrying forever, with a RedisUnreachableError that names the
 * Redis (password hidden), the cause and what to check.
 */
export async function openOpsReader(config: Config): Promise<{ status: StatusSource; queueView: QueueView; close: () => Promise<void> }> {
  const redis = new Redis(config.env.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    retryStrategy: (times) => (times > 2 ? null : 250),
  });
  let lastError: unknown = null;
  redis.on('error', (err: unknown) => {
    lastError = err;
  });
  try {
    await redis.connect();
    // The ready check can pass without a password on some servers; a command shows NOAUTH at once.
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new RedisUnreachableError(config.env.REDIS_URL, redisFailure(lastError ?? err));
  }
  const prefix = config.env.SYNC_QUEUE_PREFIX;
  const state = createState(redis, prefix, config.daemon);
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, { connection: redis, prefix });
      // Failures reach the caller through the commands; without a listener BullMQ prints them raw.
      queue.on('error', () => undefined);
      return [name, queue];
    }),
  );
  const queueView = createQueueView(queues, createRedactor(config.secrets), state.ledger);
  const status = createStatusSource({ state, queueView });

  async function close(): Promise<void> {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    redis.disconnect();
  }

  return { status, queueView, close };
}
