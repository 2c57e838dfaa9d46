import { UnrecoverableError, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import { createQueues, type Queues } from '../../../src/queue/queues';
import { createReconcileFlow, summaryJobId } from '../../../src/queue/reconcile-flow';
import type { SyncUserData } from '../../../src/queue/queue-map';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';
import { eventually } from './pipeline-rig';

const prefix = uniquePrefix('flow');
let redis: Redis;
let queues: Queues;
const workers: Worker[] = [];

beforeAll(() => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  queues = createQueues({ connection: redis, prefix, jobs: { attempts: 1, backoffMs: 100, concurrency: 4, debounceMs: 0, keepCompleted: 100, keepFailedDays: 1, maxRateLimitedStarts: 5 } });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await queues.close();
  await removeKeys(prefix);
  redis.disconnect();
});

const child = (oktaUserId: string) => ({ data: { oktaUserId, trigger: 'reconcile', planId: 'plan-1' } satisfies SyncUserData, priority: 5 });

it('counts only the per-user jobs as progress, holds the summary until closed, and names failed children by the user in their payload', async () => {
  const flow = createReconcileFlow(queues);
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  workers.push(
    new Worker<SyncUserData>(
      'sync-user',
      async (job: Job<SyncUserData>) => {
        if (job.data.oktaUserId === '00u-slow') {
          await held;
        }
        if (job.data.oktaUserId === '00u-bad') {
          throw new UnrecoverableError('ann@example.com: HubSpot refused the email');
        }
        return { oktaUserId: job.data.oktaUserId, email: null, applied: [], held: 0, skipped: [] };
      },
      { connection: redis, prefix, concurrency: 4 },
    ),
  );
  let summaries = 0;
  workers.push(
    new Worker(
      'reconcile-summary',
      async (job: Job) => {
        if (job.name === 'reconcile-summary') {
          summaries++;
          return { failures: await flow.failedChildren(job) };
        }
        return { gate: true };
      },
      { connection: redis, prefix },
    ),
  );

  await flow.open({ planId: 'plan-1', startedAt: new Date().toISOString(), jobs: 3, lockToken: 't' });
  await flow.addChildren('plan-1', [child('00u-ok'), child('00u-bad'), child('00u-slow')]);
  await eventually(async () => (await flow.progress('plan-1'))?.done === 2, 'two children done before the gate is promoted');
  expect(await flow.progress('plan-1')).toEqual({ done: 2, total: 3 });
  await flow.close('plan-1');
  // The gate ran: it is not counted as a user.
  await eventually(async () => (await queues.queue('reconcile-summary').getJob('gate-plan-1'))?.isCompleted(), 'the gate to run');
  expect(await flow.progress('plan-1')).toEqual({ done: 2, total: 3 });
  expect(summaries).toBe(0);
  release();
  await eventually(async () => (await flow.progress('plan-1'))?.done === 3, 'every child done');
  const summary = await eventually(async () => {
    // The state first, then the job: a job read just before it completed has no return value yet.
    const queue = queues.queue('reconcile-summary');
    if ((await queue.getJobState(summaryJobId('plan-1'))) !== 'completed') return undefined;
    return queue.getJob(summaryJobId('plan-1'));
  }, 'the summary to run');
  expect(summary.returnvalue).toEqual({ failures: [{ oktaUserId: '00u-bad', reason: 'ann@example.com: HubSpot refused the email' }] });
  expect(await flow.progress('plan-that-never-was')).toBeNull();
});
