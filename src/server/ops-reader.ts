import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { Config } from '../../config/load';
import { createRedactor } from '../lib/redact';
import { QUEUE_NAMES } from '../queue/queue-map';
import { createState } from '../state/state';
import type { StatusSource } from './ops-types';
import { createQueueJobs, type QueueJobs } from './queue-jobs';
import { createStatusSource } from './status-source';

/**
 * A read-only view of a running daemon's state straight from Redis, for the `status` and `audit`
 * commands: no workers, no API clients. Connection attempts are bounded so a wrong REDIS_URL
 * fails within seconds instead of retrying forever.
 */
export async function openOpsReader(config: Config): Promise<{ status: StatusSource; queueJobs: QueueJobs; close: () => Promise<void> }> {
  const redis = new Redis(config.env.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    retryStrategy: (times) => (times > 2 ? null : 250),
  });
  redis.on('error', () => undefined);
  await redis.connect();
  const prefix = config.env.SYNC_QUEUE_PREFIX;
  const state = createState(redis, prefix, config.daemon);
  const queues = Object.fromEntries(QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: redis, prefix })]));
  const queueJobs = createQueueJobs(queues, createRedactor(config.secrets));
  const status = createStatusSource({ state, queueJobs });

  async function close(): Promise<void> {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    redis.disconnect();
  }

  return { status, queueJobs, close };
}
