import Redis from 'ioredis';
import { RateLimitedError } from '../../../src/lib/errors';
import { createHubSpotBudget } from '../../../src/queue/hubspot-budget';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';

const prefix = uniquePrefix('budget');
let redis: Redis;

beforeAll(() => {
  redis = new Redis(testRedisUrl());
});

afterAll(async () => {
  await removeKeys(prefix);
  redis.disconnect();
});

it('lets every replica together make at most the budget per window, then gives the job back', async () => {
  const a = createHubSpotBudget(redis, `${prefix}a`, { requestsPerWindow: 5, windowMs: 60_000, maxWaitMs: 50 });
  const b = createHubSpotBudget(redis, `${prefix}a`, { requestsPerWindow: 5, windowMs: 60_000, maxWaitMs: 50 });
  for (let i = 0; i < 5; i++) {
    await (i % 2 === 0 ? a : b).acquire();
  }
  expect(await a.used()).toBe(5);
  await expect(b.acquire()).rejects.toBeInstanceOf(RateLimitedError);
});

it('pauses everyone when HubSpot says the account has almost nothing left', async () => {
  const budget = createHubSpotBudget(redis, `${prefix}b`, { requestsPerWindow: 100, windowMs: 60_000, maxWaitMs: 50 });
  await budget.observe({ status: 200, remaining: 50, intervalMs: 10_000 });
  await budget.acquire();
  await budget.observe({ status: 200, remaining: 3, intervalMs: 10_000 });
  await expect(budget.acquire()).rejects.toBeInstanceOf(RateLimitedError);
});

it('pauses everyone after a 429 for the time asked', async () => {
  const budget = createHubSpotBudget(redis, `${prefix}c`, { requestsPerWindow: 100, windowMs: 60_000, maxWaitMs: 50 });
  await budget.pause(5_000);
  const err = await budget.acquire().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RateLimitedError);
  expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(4_000);
});
