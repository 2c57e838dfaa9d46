import type { Daemon } from '../../../src/daemon/daemon';
import { generatedSeed } from '../../../simulators/seeds/generated';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

const USERS = 60;
let rig: PipelineRig;
let daemon: Daemon;

function emailCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const u of rig.hubspot.sim.admin.users()) {
    const key = u.email.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

beforeAll(async () => {
  rig = await startPipelineRig({ seed: generatedSeed(USERS) });
  daemon = rig.daemon({ roles: { workers: true } });
  await daemon.start();
});

afterAll(async () => {
  await rig.stop();
});

it('converges through a storm of 429s without duplicates and without using up attempts', async () => {
  const tooMany = {
    status: 429,
    headers: { 'Retry-After': '1' },
    body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
  };
  // A few on the listing (the reconciliation waits and starts over), most on the creates.
  rig.hubspot.sim.faults.failNext([tooMany, tooMany], { method: 'GET' });
  rig.hubspot.sim.faults.failNext(Array.from({ length: 10 }, () => tooMany), { method: 'POST' });
  const record = await daemon.jobs.reconcileNow('manual');
  expect(record.outcome?.failures).toEqual([]);
  expect(record.outcome?.applied.create).toBe(USERS);
  expect(rig.hubspot.sim.counts().byStatus['429']).toBe(12);
  const jobs = await daemon.queues.queue('sync-user').getCompleted(0, -1);
  expect(jobs).toHaveLength(USERS);
  // Pushed back by the 429s (started more than once), yet no attempt was used up by them.
  expect(jobs.some((j) => j.attemptsStarted > 1)).toBe(true);
  expect(Math.max(...jobs.map((j) => j.attemptsMade))).toBe(1);
  const counts = emailCounts();
  expect(counts.size).toBe(USERS);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
});

it('converges through a burst of 5xx answers (retried with backoff), without duplicates', async () => {
  const logins = rig.okta.sim.admin
    .listAssigned()
    .filter((u) => u.profile.title !== 'Sales Manager')
    .slice(0, 20)
    .map((u) => u.login);
  for (const login of logins) {
    rig.okta.sim.admin.updateProfile(login, { title: 'Sales Manager' });
  }
  const unavailable = { status: 503, body: { status: 'error', message: 'unavailable' } };
  // Two on the listing (the reconciliation starts over), then a burst on the writes.
  rig.hubspot.sim.faults.failNext([unavailable, unavailable], { method: 'GET' });
  rig.hubspot.sim.faults.failNext(Array.from({ length: 15 }, () => unavailable), { method: 'PUT' });
  const record = await daemon.jobs.reconcileNow('manual');
  expect(record.outcome?.failures).toEqual([]);
  expect(record.outcome?.applied.update).toBe(20);
  for (const login of logins) {
    expect(rig.hubspot.sim.admin.user(login)?.roleIds).toEqual(['2001']);
  }
  expect(emailCounts().size).toBe(USERS);
  expect(rig.hubspot.sim.faults.pending()).toBe(0);
});

it('makes no extra write for duplicate and out-of-order events', async () => {
  const [inSync, changed] = rig.okta.sim.admin.listAssigned().slice(30, 32);
  if (!inSync || !changed) {
    throw new Error('seed too small');
  }
  rig.hubspot.sim.clearLog();
  // Five events about a user who is already right: five jobs collapse, nothing is written.
  for (let i = 0; i < 5; i++) {
    await daemon.producers.userChanged(inSync.id, ['user.account.update_profile']);
  }
  // Three Title changes whose events arrive newest first: the user ends as Okta has it now, in one write.
  rig.okta.sim.admin.updateProfile(changed.id, { title: 'Marketing Viewer' });
  rig.okta.sim.admin.updateProfile(changed.id, { title: 'Service Agent' });
  rig.okta.sim.admin.updateProfile(changed.id, { title: 'Support Viewer' });
  for (let i = 0; i < 3; i++) {
    await daemon.producers.userChanged(changed.id, ['user.account.update_profile']);
  }
  await eventually(() => rig.hubspot.sim.admin.user(changed.login)?.roleIds[0] === '2006', 'the last Title applied');
  await eventually(async () => (await daemon.queues.queue('sync-user').getJobCounts('active', 'waiting', 'delayed', 'prioritized')).active === 0, 'queue idle');
  const idle = await daemon.queues.queue('sync-user').getJobCounts('waiting', 'delayed', 'active', 'prioritized');
  expect(idle).toEqual({ waiting: 0, delayed: 0, active: 0, prioritized: 0 });
  expect(rig.hubspot.sim.writesTo(inSync.login)).toEqual([]);
  expect(rig.hubspot.sim.writesTo(changed.login)).toHaveLength(1);
});
