import type { ChildProcess } from 'node:child_process';
import { generatedSeed } from '../../../simulators/seeds/generated';
import { spawnCli } from './cli-run';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

const USERS = 100;
let rig: PipelineRig;
const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawnCli(['worker'], { ...rig.env, LOG_LEVEL: 'error' });
  child.stdout?.resume();
  child.stderr?.resume();
  children.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

beforeAll(async () => {
  rig = await startPipelineRig({ seed: generatedSeed(USERS) });
  // Slow answers so the kill lands in the middle of the run.
  rig.hubspot.sim.faults.latencyMs = [40, 120];
});

afterAll(async () => {
  for (const c of children) {
    c.kill('SIGKILL');
  }
  await Promise.all(children.map(exited));
  await rig.stop();
});

it('kill -9 of the worker process mid-run, then a new one: every user exactly once, finished within 15 s of the restart', async () => {
  const producer = rig.daemon({ roles: {} });
  const job = await producer.producers.reconcile({ trigger: 'manual' });

  const first = startWorker();
  await eventually(() => rig.hubspot.sim.admin.users().length >= 25, 'a quarter of the users created', 60_000);
  first.kill('SIGKILL');
  await exited(first);
  const createdAtKill = rig.hubspot.sim.admin.users().length;
  expect(createdAtKill).toBeLessThan(USERS);

  const restartedAt = Date.now();
  startWorker();
  const planId = await eventually(async () => {
    const j = await producer.queues.queue('reconcile').getJob(job.id ?? '');
    return j?.returnvalue ? (j.returnvalue as { planId: string }).planId : undefined;
  }, 'the reconciliation planned');
  const record = await eventually(async () => {
    const r = await producer.state.plans.get(planId);
    return r?.status === 'done' ? r : undefined;
  }, 'the reconciliation finished after the restart', 150_000);
  // The killed process's jobs (and its users' locks) are handed back within seconds, not a minute.
  const restartSeconds = (Date.now() - restartedAt) / 1000;
  console.log(`kill -9 at ${createdAtKill} of ${USERS} users created: the restarted worker finished ${restartSeconds.toFixed(1)} s after it was started`);
  expect(restartSeconds).toBeLessThan(15);

  const emails = rig.hubspot.sim.admin.users().map((u) => u.email.toLowerCase());
  expect(emails).toHaveLength(USERS);
  expect(new Set(emails).size).toBe(USERS);
  const created = rig.hubspot.sim.requests.filter((r) => r.method === 'POST' && r.route === '/settings/v3/users' && r.status < 300).length;
  expect(created).toBe(USERS);
  expect(await producer.state.ledger.count()).toBe(USERS);
  expect(record.outcome?.failures).toEqual([]);
}, 200_000);
