import type { Daemon } from '../../../src/daemon/daemon';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

const DOMAIN = 'acme.example';
const SALES_MANAGER = '2001';

let rig: PipelineRig;
let daemon: Daemon;

beforeAll(async () => {
  // The demo company has two Sales Managers; the budget allows three.
  rig = await startPipelineRig({ rules: { seats: { mode: 'role', budget: { 'Sales Manager': 3 } } } });
  daemon = rig.daemon({ roles: { poller: true, scheduler: true, workers: true } });
  await daemon.start();
  await eventually(async () => (await daemon.state.plans.latest())?.status === 'done', 'the first reconciliation');
});

afterAll(async () => {
  await rig.stop();
});

function managers(): string[] {
  return rig.hubspot.sim.admin
    .users()
    .filter((u) => u.roleId === SALES_MANAGER || u.roleIds.includes(SALES_MANAGER))
    .map((u) => u.email.toLowerCase())
    .sort();
}

it('never gives more seats than the budget when several users are promoted at the same moment', async () => {
  expect(managers()).toHaveLength(2);
  const promoted = ['grace.hopper', 'joan.clarke', 'klara.dan', 'lynn.conway', 'guido.vanrossum'].map((n) => `${n}@${DOMAIN}`);
  for (const email of promoted) {
    rig.okta.sim.admin.updateProfile(email, { title: 'Sales Manager' });
  }
  // The events are picked up, then every user's job has run and the queue is idle.
  await eventually(() => managers().length >= 3, 'a promotion to take the free seat');
  let idleChecks = 0;
  await eventually(async () => {
    const c = await daemon.queues.queue('sync-user').getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    idleChecks = Object.values(c).every((n) => n === 0) ? idleChecks + 1 : 0;
    return idleChecks >= 3;
  }, 'the sync-user queue to drain');
  expect(managers()).toHaveLength(3);
  const plan = await daemon.jobs.reconcileNow('manual');
  const seat = plan.plan.seats.find((s) => s.seat === 'Sales Manager');
  expect(seat?.used).toBe(3);
  expect(seat?.waiting).toHaveLength(4);
  expect(managers()).toHaveLength(3);
});
