import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { OutageError, PermanentError } from '../../../src/lib/errors';
import { createLogger } from '../../../src/lib/logger';
import { createOutageBreaker } from '../../../src/queue/outage-breaker';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';
import { eventually } from './pipeline-rig';

const prefix = uniquePrefix('outage');
let redis: Redis;
const queues: Queue[] = [];
const breakers: Array<{ stop(): void }> = [];

beforeAll(() => {
  redis = new Redis(testRedisUrl());
});

afterAll(async () => {
  breakers.forEach((b) => b.stop());
  await Promise.all(queues.map((q) => q.close()));
  await removeKeys(prefix);
  redis.disconnect();
});

const unavailable = () => new OutageError('HubSpot listUsers: HubSpot answered 503: Service Unavailable', { api: 'hubspot', kind: 'unavailable', code: 'HUBSPOT_503', status: 503 });
const rejected = () => new OutageError('HubSpot getUser for user 1: HubSpot rejected the token (HTTP 401): Authentication credentials not found.', { api: 'hubspot', kind: 'token-rejected', code: 'HUBSPOT_INVALID_AUTHENTICATION', status: 401 });

/** A breaker (one replica) under `p`, whose log lines are kept, probing HubSpot with `probe`. */
function replica(p: string, probe: () => Promise<unknown>) {
  const lines: Array<{ level: string; message: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter((l) => l.trim() !== '')) {
        lines.push(JSON.parse(line) as { level: string; message: string });
      }
      done();
    },
  });
  const queue = new Queue('sync-user', { connection: redis, prefix: p });
  queues.push(queue);
  const breaker = createOutageBreaker({
    redis,
    prefix: p,
    logger: createLogger({ level: 'info', format: 'json', stream }),
    queues: [queue],
    probes: { hubspot: probe, okta: async () => undefined },
    probeIntervalMs: 300,
  });
  breakers.push(breaker);
  return { breaker, queue, lines };
}

it('opens once for many jobs and replicas, pauses the queue, probes once per interval across replicas, and closes when the probe is answered', async () => {
  const p = `${prefix}a`;
  let healthy = false;
  let probes = 0;
  const probe = async () => {
    probes++;
    if (!healthy) {
      throw unavailable();
    }
  };
  const a = replica(p, probe);
  const b = replica(p, probe);
  for (let i = 0; i < 10; i++) {
    await (i % 2 === 0 ? a : b).breaker.report(unavailable());
  }
  const all = () => [...a.lines, ...b.lines].filter((l) => /HubSpot/.test(l.message));
  expect(all()).toHaveLength(1);
  expect(all()[0]?.message).toMatch(/^HubSpot is unavailable \(HubSpot listUsers: HubSpot answered 503/);
  expect(await a.breaker.current()).toMatchObject([{ api: 'hubspot', kind: 'unavailable' }]);
  expect(await b.breaker.waitMs()).toBeGreaterThan(0);
  expect(await a.queue.getRateLimitTtl()).toBeGreaterThan(0);

  a.breaker.start();
  b.breaker.start();
  await new Promise((r) => setTimeout(r, 3_000));
  // About one probe per 300 ms across both replicas, not one per replica (or per job).
  expect(probes).toBeGreaterThanOrEqual(5);
  expect(probes).toBeLessThanOrEqual(12);
  expect(await a.queue.getRateLimitTtl()).toBeGreaterThan(0);

  healthy = true;
  const healed = Date.now();
  await eventually(async () => (await a.breaker.current()).length === 0, 'the breaker closed', 5_000);
  expect(Date.now() - healed).toBeLessThan(1_500);
  expect(await a.queue.getRateLimitTtl()).toBeLessThanOrEqual(0);
  expect(all().filter((l) => /answers again/.test(l.message))).toHaveLength(1);
  expect(await b.breaker.waitMs()).toBe(0);
});

it('a rejected token replaces an unavailable API, is logged once as an error naming the setting to check', async () => {
  const p = `${prefix}b`;
  const r = replica(p, () => Promise.reject(rejected()));
  await r.breaker.report(unavailable());
  await r.breaker.report(rejected());
  await r.breaker.report(rejected());
  await r.breaker.report(unavailable());
  const errors = r.lines.filter((l) => l.level === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]?.message).toMatch(/^HubSpot rejected the token \(HTTP 401\): check HUBSPOT_ACCESS_TOKEN/);
  expect(await r.breaker.current()).toMatchObject([{ api: 'hubspot', kind: 'token-rejected' }]);
});

it('a probe answered with something other than an outage (a missing scope) closes the breaker; an outage back within a minute is logged quietly', async () => {
  const p = `${prefix}c`;
  let answer: () => Promise<unknown> = () => Promise.reject(unavailable());
  const r = replica(p, () => answer());
  await r.breaker.report(unavailable());
  expect(await r.breaker.current()).toHaveLength(1);
  answer = () => Promise.reject(new PermanentError('HubSpot listRoles failed (403 MISSING_SCOPES)', { code: 'HUBSPOT_MISSING_SCOPES', status: 403 }));
  await r.breaker.probeAll();
  expect(await r.breaker.current()).toEqual([]);
  answer = () => Promise.reject(unavailable());
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  expect(await r.breaker.report(unavailable())).toMatchObject({ open: true });
  expect(r.lines.filter((l) => /HubSpot is unavailable/.test(l.message))).toHaveLength(1);
  expect(await r.breaker.current()).toHaveLength(1);
});

it('a stray 5xx whose probe is answered neither opens the breaker nor pauses work; a burst of them costs one probe', async () => {
  const p = `${prefix}d`;
  let probes = 0;
  const r = replica(p, async () => {
    probes++;
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  const verdicts = await Promise.all(Array.from({ length: 20 }, () => r.breaker.report(unavailable())));
  expect(verdicts.every((v) => !v.open)).toBe(true);
  expect(probes).toBe(1);
  expect(await r.breaker.current()).toEqual([]);
  expect(await r.queue.getRateLimitTtl()).toBeLessThanOrEqual(0);
  expect(r.lines.filter((l) => /unavailable/.test(l.message))).toEqual([]);
});
