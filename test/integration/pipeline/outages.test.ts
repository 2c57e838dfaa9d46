import { Writable } from 'node:stream';
import { createDaemon, type Daemon, type DaemonRoles } from '../../../src/daemon/daemon';
import { createLogger } from '../../../src/lib/logger';
import { generatedSeed } from '../../../simulators/seeds/generated';
import { removeKeys } from '../../helpers/redis';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

/**
 * HubSpot and Okta outages through the real SDKs, a real Redis and the simulators: work pauses
 * and probes instead of using up attempts, no job fails for good, and work resumes within 10 s
 * of the API answering normally again. Each test starts from an empty Redis prefix (a first start).
 */

const DOMAIN = 'acme.example';
let rig: PipelineRig;
let daemon: Daemon | null = null;
let lines: Array<{ level: string; message: string }> = [];

/** A daemon whose log lines (JSON, info and up) are kept in `lines`. */
function startDaemon(roles: Partial<DaemonRoles>): Daemon {
  lines = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') {
          lines.push(JSON.parse(line) as { level: string; message: string });
        }
      }
      done();
    },
  });
  daemon = createDaemon(rig.config(), { roles, logger: createLogger({ level: 'info', format: 'json', stream }) });
  return daemon;
}

/** Creates `n` Okta users assigned to the app (new hires); returns their emails. */
function hire(n: number, label: string): string[] {
  return Array.from({ length: n }, (_, i) => {
    const email = `${label}${i + 1}@${DOMAIN}`;
    rig.okta.sim.admin.createUser({ login: email, email, firstName: label, lastName: `Hire${i + 1}`, title: 'Sales Rep', assign: true });
    return email;
  });
}

const inHubSpot = (emails: readonly string[]) => emails.filter((e) => rig.hubspot.sim.admin.user(e) !== null).length;

/** Jobs that failed for good on the API-calling queues. */
async function failedJobs(d: Daemon): Promise<number> {
  const [sync, reconcile] = await Promise.all([d.queues.queue('sync-user').getFailedCount(), d.queues.queue('reconcile').getFailedCount()]);
  return sync + reconcile;
}

/** The first successful HubSpot user write at or after `from` (epoch ms). */
function firstWriteAfter(from: number): number | undefined {
  return rig.hubspot.sim.requests.find((r) => r.at >= from && r.method !== 'GET' && r.route?.startsWith('/settings/v3/users') === true && r.status < 300)?.at;
}

afterEach(async () => {
  await daemon?.stop();
  daemon = null;
  await rig.stop();
});

it('first start while HubSpot answers 10 requests in a row with 503: all 20 new users are created, none fails', async () => {
  rig = await startPipelineRig({ seed: generatedSeed(5) });
  rig.hubspot.sim.faults.fail5xxNext(10);
  const d = startDaemon({ workers: true, poller: true, scheduler: true });
  const started = Date.now();
  await d.start();
  const emails = hire(20, 'cold');
  await eventually(() => inHubSpot(emails) === 20, 'all 20 new users created', 45_000);
  const seconds = (Date.now() - started) / 1000;
  console.log(`cold start + 10 x 503: all 20 created ${seconds.toFixed(1)} s after start`);
  expect(rig.hubspot.sim.faults.pending()).toBe(0);
  expect(rig.hubspot.sim.counts().byStatus['503']).toBe(10);
  expect(await failedJobs(d)).toBe(0);
  expect(seconds).toBeLessThan(20);
  // The outage was reported once, when it began, not once per job.
  expect(lines.filter((l) => /HubSpot is unavailable/.test(l.message))).toHaveLength(1);
}, 60_000);

it('HubSpot rejects the token for 20 s while 10 people are hired: reported once, all 10 exist within 10 s of the token working', async () => {
  rig = await startPipelineRig({ seed: generatedSeed(5) });
  const d = startDaemon({ workers: true, poller: true, scheduler: true, server: true });
  await d.start();
  await d.jobs.reconcileNow('manual');
  const OUTAGE_MS = 20_000;
  rig.hubspot.sim.faults.outage(OUTAGE_MS, 'unauthenticated');
  const until = Date.now() + OUTAGE_MS;
  const emails = hire(10, 'hired');
  const base = d.opsAddress()?.url ?? '';

  const ready = await eventually(async () => {
    const res = await fetch(`${base}/readyz`);
    return res.status === 503 ? ((await res.json()) as { reason: string }) : undefined;
  }, '/readyz reporting the rejected token', 15_000);
  expect(ready.reason).toMatch(/^HubSpot rejected the token \(HTTP 401\): check HUBSPOT_ACCESS_TOKEN/);
  expect(ready.reason).not.toContain(rig.hubspot.sim.token);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  expect(metrics).toMatch(/okta_hubspot_sync_api_outage\{api="hubspot",kind="token-rejected"\} 1/);
  expect(inHubSpot(emails)).toBe(0);

  await eventually(() => inHubSpot(emails) === 10, 'all 10 hires created', OUTAGE_MS + 15_000);
  const afterToken = (Date.now() - until) / 1000;
  console.log(`401 for 20 s: all 10 created ${afterToken.toFixed(1)} s after the token worked again`);
  expect(afterToken).toBeLessThan(10);
  const rejected = lines.filter((l) => /rejected the token/.test(l.message));
  expect(rejected).toHaveLength(1);
  expect(rejected[0]?.level).toBe('error');
  expect(JSON.stringify(lines)).not.toContain(rig.hubspot.sim.token);
  expect(await failedJobs(d)).toBe(0);
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
}, 60_000);

it('a 15 s HubSpot outage mid-provisioning: no job fails for good, work resumes within 10 s', async () => {
  const USERS = 40;
  rig = await startPipelineRig({ seed: generatedSeed(USERS) });
  rig.hubspot.sim.faults.latencyMs = [30, 60];
  const d = startDaemon({ workers: true });
  await d.start();
  const planned = d.jobs.reconcileNow('manual');
  await eventually(() => rig.hubspot.sim.admin.users().length >= 5, 'provisioning under way');
  const OUTAGE_MS = 15_000;
  rig.hubspot.sim.faults.outage(OUTAGE_MS);
  const until = Date.now() + OUTAGE_MS;
  const record = await planned;
  const resumedMs = (firstWriteAfter(until) ?? Infinity) - until;
  console.log(`15 s HubSpot outage: first write ${(resumedMs / 1000).toFixed(1)} s after it ended; plan done ${((Date.now() - until) / 1000).toFixed(1)} s after`);
  expect(record.outcome?.failures).toEqual([]);
  expect(record.outcome?.applied.create).toBe(USERS);
  expect(rig.hubspot.sim.counts().byStatus['503']).toBeGreaterThan(0);
  expect(resumedMs).toBeLessThan(10_000);
  expect(await failedJobs(d)).toBe(0);
  const completed = await d.queues.queue('sync-user').getCompleted(0, -1);
  expect(Math.max(...completed.map((j) => j.attemptsMade))).toBe(1);
  expect(new Set(rig.hubspot.sim.admin.users().map((u) => u.email)).size).toBe(USERS);
}, 90_000);

it('an Okta outage (timeouts) while people are hired: they are created within 10 s of Okta answering', async () => {
  rig = await startPipelineRig({ seed: generatedSeed(5), daemon: { okta: { historyDays: 30, timeoutMs: 2_000 } } });
  const d = startDaemon({ workers: true, poller: true });
  await d.start();
  await d.jobs.reconcileNow('manual');
  const emails = hire(5, 'okta');
  const OUTAGE_MS = 12_000;
  rig.okta.sim.faults.outage(OUTAGE_MS, 'timeout');
  const until = Date.now() + OUTAGE_MS;
  await eventually(() => inHubSpot(emails) === 5, 'all 5 hires created', OUTAGE_MS + 15_000);
  const after = (Date.now() - until) / 1000;
  console.log(`12 s Okta outage (timeouts): all 5 created ${after.toFixed(1)} s after it ended`);
  expect(after).toBeLessThan(10);
  expect(await failedJobs(d)).toBe(0);
  expect(lines.filter((l) => /Okta is unavailable/.test(l.message))).toHaveLength(1);
}, 60_000);

it('per-user creates run while the ledger rebuild (and so every reconciliation) keeps failing; deletions and users with an earlier HubSpot account wait for it', async () => {
  rig = await startPipelineRig({ seed: generatedSeed(5) });
  // Hired through Okta, so the System Log names the login this person had.
  const [oldEmail = ''] = hire(1, 'mover');
  const first = startDaemon({ workers: true });
  await first.start();
  await first.jobs.reconcileNow('manual');
  await first.stop();
  daemon = null;

  // While the daemon is down, one person's email changes, another leaves, and Redis loses its data.
  const changed = rig.okta.sim.admin.listAssigned().find((u) => u.login === oldEmail);
  const leaver = rig.okta.sim.admin.listAssigned().find((u) => u.login !== oldEmail);
  if (!changed || !leaver || rig.hubspot.sim.admin.user(oldEmail) === null) {
    throw new Error('the first reconciliation did not create the users');
  }
  const newEmail = `renamed.${oldEmail}`;
  rig.okta.sim.admin.updateProfile(changed.id, { login: newEmail, email: newEmail });
  rig.okta.sim.admin.unassign(leaver.id);
  await removeKeys(rig.prefix);
  // The rebuild's System Log history read keeps getting an unreadable answer (not an outage).
  rig.okta.sim.faults.badAnswerNext('malformed-json', { route: /until=.*filter=eventType/, times: 10_000 });

  const d = startDaemon({ workers: true, poller: true });
  await d.start();
  const reconcile = await d.producers.reconcile({ trigger: 'manual' });
  // Hired once the poller reads the System Log from a cursor (before it, only a reconciliation sees them).
  await eventually(async () => (await d.state.cursor.get()) !== null, 'the first System Log poll');
  const started = Date.now();
  const emails = hire(5, 'pending');
  await d.producers.userChanged(changed.id, ['user.account.update_profile']);
  await d.producers.userChanged(leaver.id, ['application.user_membership.remove']);
  await eventually(() => inHubSpot(emails) === 5, 'the 5 hires created while the rebuild fails', 20_000);
  const seconds = (Date.now() - started) / 1000;
  console.log(`ledger rebuild failing: 5 hires created ${seconds.toFixed(1)} s after they were hired`);
  await eventually(async () => (await reconcile.getState()) === 'failed', 'the reconciliation failing for good on the rebuild', 20_000);

  expect(await d.state.ledger.epoch()).toBeNull();
  // Not created anew while the rebuild could not say it is the user of the old email; not deleted.
  expect(rig.hubspot.sim.admin.user(newEmail)).toBeNull();
  expect(rig.hubspot.sim.admin.user(oldEmail)).not.toBeNull();
  expect(rig.hubspot.sim.admin.user(leaver.login)).not.toBeNull();
  expect(await d.queues.queue('sync-user').getFailedCount()).toBe(0);
  for (const email of emails) {
    expect((await d.state.ledger.getByEmail(email))?.how).toBe('created');
  }

  // The System Log reads normally again: the next reconciliation rebuilds, then decides the rest.
  rig.okta.sim.faults.reset();
  const record = await d.jobs.reconcileNow('manual');
  expect(record.outcome?.failures).toEqual([]);
  expect(await d.state.ledger.epoch()).not.toBeNull();
  // The leaver is the rebuilt ledger's to decide: deleted, or held for an operator.
  expect(record.plan.summary.delete + record.plan.summary.held).toBe(1);
  const all = rig.hubspot.sim.admin.users().map((u) => u.email.toLowerCase());
  expect(new Set(all).size).toBe(all.length);
  expect([oldEmail, newEmail].filter((e) => all.includes(e.toLowerCase()))).toHaveLength(1);
  expect(await d.state.ledger.get(changed.id)).not.toBeNull();
  expect(await d.queues.queue('sync-user').getFailedCount()).toBe(0);
}, 90_000);

it('Okta rejects the token for 10 s: reported once, a one-shot sync says why at once, hires are created within 10 s of the token working', async () => {
  rig = await startPipelineRig({ seed: generatedSeed(5) });
  const d = startDaemon({ workers: true, poller: true });
  await d.start();
  await d.jobs.reconcileNow('manual');
  await eventually(async () => (await d.state.cursor.get()) !== null, 'the first System Log poll');
  const emails = hire(5, 'oktatoken');
  const OUTAGE_MS = 10_000;
  rig.okta.sim.faults.outage(OUTAGE_MS, 'unauthenticated');
  const until = Date.now() + OUTAGE_MS;
  const [someone] = rig.okta.sim.admin.listAssigned();
  await eventually(async () => (await d.outages.current()).some((o) => o.api === 'okta' && o.kind === 'token-rejected'), 'the Okta breaker open', 5_000);
  await expect(d.jobs.syncUserNow(someone?.id ?? '', 5_000)).rejects.toThrow(/^Okta rejected the token \(HTTP 401\): check OKTA_API_TOKEN/);
  await eventually(() => inHubSpot(emails) === 5, 'all 5 hires created', OUTAGE_MS + 15_000);
  const after = (Date.now() - until) / 1000;
  console.log(`Okta 401 for 10 s: all 5 created ${after.toFixed(1)} s after the token worked again`);
  expect(after).toBeLessThan(10);
  expect(lines.filter((l) => /Okta rejected the token/.test(l.message))).toHaveLength(1);
  expect(JSON.stringify(lines)).not.toContain(rig.okta.sim.token);
  expect(await failedJobs(d)).toBe(0);
}, 60_000);
