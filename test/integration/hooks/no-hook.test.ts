import Redis from 'ioredis';
import type { Daemon } from '../../../src/daemon/daemon';
import { testRedisUrl } from '../../helpers/redis';
import { eventually, startPipelineRig, type PipelineRig } from '../pipeline/pipeline-rig';
import { HOOK_SECRET } from './hook-rig';

/** Without OKTA_EVENT_HOOK_SECRET the endpoint is off (404) and the poll works as before, remembering no event ids. */

let rig: PipelineRig;
let daemon: Daemon;

beforeAll(async () => {
  rig = await startPipelineRig();
  daemon = rig.daemon({ roles: { server: true, workers: true, poller: true } });
  await daemon.start();
  await daemon.jobs.reconcileNow('manual');
});

afterAll(async () => {
  await rig.stop();
});

test('/hooks/okta answers 404 to verification and deliveries, and no hook address is given', async () => {
  const url = `${daemon.opsAddress()!.url}/hooks/okta`;
  expect((await fetch(url, { headers: { Authorization: HOOK_SECRET, 'x-okta-verification-challenge': 'c' } })).status).toBe(404);
  expect((await fetch(url, { method: 'POST', headers: { Authorization: HOOK_SECRET }, body: '{"data":{"events":[]}}' })).status).toBe(404);
  expect(daemon.hookAddress()).toBeNull();
  expect(daemon.config.env.SYNC_POLL_INTERVAL_SECONDS).toBe(1);
});

test('a change arrives by the poll, and no event id is kept in Redis', async () => {
  const user = rig.okta.sim.admin.listAssigned().find((u) => u.status === 'ACTIVE')!;
  rig.okta.sim.admin.updateProfile(user.id, { firstName: 'Polled' });
  await eventually(() => rig.hubspot.sim.admin.users().some((u) => u.email.toLowerCase() === (user.profile.email ?? '').toLowerCase() && u.firstName === 'Polled'), 'the polled change', 15_000);
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  try {
    expect(await redis.keys(`${rig.prefix}:seen-event-*`)).toEqual([]);
  } finally {
    redis.disconnect();
  }
});
