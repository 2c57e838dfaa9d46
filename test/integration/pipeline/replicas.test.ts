import type { HubSpotClientApi } from '../../../src/hubspot/hubspot-types';
import { generatedSeed } from '../../../simulators/seeds/generated';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

let rig: PipelineRig;

/** When each user's HubSpot writes ran, across both daemons. */
const writes: Array<{ user: string; start: number; end: number }> = [];

/** The real client, with every write's time span recorded per user. */
function watched(client: HubSpotClientApi): HubSpotClientApi {
  async function timed<T>(user: string, call: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      return await call();
    } finally {
      writes.push({ user: user.toLowerCase(), start, end: Date.now() });
    }
  }
  return {
    ...client,
    createUser: (input) => timed(input.email, () => client.createUser(input)),
    updateUser: (id, input) => timed(id, () => client.updateUser(id, input)),
    deleteUser: (id) => timed(id, () => client.deleteUser(id)),
  };
}

beforeAll(async () => {
  rig = await startPipelineRig({ seed: generatedSeed(80), env: { SYNC_RECONCILE_CRON: '*/3 * * * * *' } });
  rig.hubspot.sim.faults.latencyMs = [5, 30];
});

afterAll(async () => {
  await rig.stop();
});

it('two daemons on one Redis: one poll and one reconciliation per slot, never one user in two jobs at once', async () => {
  const roles = { poller: true, scheduler: true, workers: true };
  const a = rig.daemon({ roles, clients: { hubspot: watched(rig.hubspot.client()) } });
  const b = rig.daemon({ roles, clients: { hubspot: watched(rig.hubspot.client()) } });
  const startedAt = Date.now();
  await Promise.all([a.start(), b.start()]);

  // Events for every user while reconciliations run: event jobs and reconciliation jobs overlap.
  await eventually(async () => (await a.state.ledger.count()) >= 20, 'provisioning under way');
  for (const u of rig.okta.sim.admin.listAssigned()) {
    rig.okta.sim.admin.updateProfile(u.id, { title: 'Sales Manager' });
  }
  await eventually(() => rig.hubspot.sim.admin.users().length === 80 && rig.hubspot.sim.admin.users().every((u) => u.roleIds[0] === '2001'), 'every user promoted', 60_000);
  await new Promise((r) => setTimeout(r, 4000));
  await Promise.all([a.stop(), b.stop()]);
  const seconds = (Date.now() - startedAt) / 1000;

  const check = rig.daemon({ roles: {} });
  const polls = await check.queues.queue('okta-poll').getJobs(['completed', 'failed']);
  const pollIds = polls.map((j) => j.id);
  expect(new Set(pollIds).size).toBe(pollIds.length);
  // One poll per one-second slot (both daemons ticked every slot).
  expect(polls.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
  expect(polls.length).toBeGreaterThan(seconds / 2);

  const plans = (await check.state.plans.list(100)).filter((p) => !p.dryRun).sort((x, y) => x.createdAt.localeCompare(y.createdAt));
  // One reconciliation at start plus at most one per 3-second slot, and never two at once.
  expect(plans.length).toBeLessThanOrEqual(Math.ceil(seconds / 3) + 2);
  expect(plans.length).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < plans.length; i++) {
    const previousEnd = plans[i - 1]!.outcome?.finishedAt;
    expect(previousEnd).toBeDefined();
    expect(Date.parse(plans[i]!.createdAt)).toBeGreaterThanOrEqual(Date.parse(previousEnd!));
  }

  // No user written by two jobs at the same time, and nobody created twice.
  const byUser = new Map<string, Array<{ start: number; end: number }>>();
  for (const w of writes) {
    const user = rig.hubspot.sim.admin.user(w.user)?.email.toLowerCase() ?? w.user;
    byUser.set(user, [...(byUser.get(user) ?? []), w]);
  }
  expect(byUser.size).toBe(80);
  for (const spans of byUser.values()) {
    spans.sort((x, y) => x.start - y.start);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
    }
  }
  const emails = rig.hubspot.sim.admin.users().map((u) => u.email.toLowerCase());
  expect(new Set(emails).size).toBe(emails.length);
});
