import type { Daemon } from '../../../src/daemon/daemon';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

const DOMAIN = 'acme.example';
let rig: PipelineRig;
let daemon: Daemon;

beforeAll(async () => {
  rig = await startPipelineRig();
  // No poller: this test drives reconciliations itself, so events do not delete in between.
  daemon = rig.daemon({ roles: { workers: true } });
  await daemon.start();
  await daemon.reconcileNow('manual');
});

afterAll(async () => {
  await rig.stop();
});

it('holds a mass unassignment until an operator approves, then deletes exactly those users', async () => {
  const managed = await daemon.state.ledger.count();
  const leavers = rig.okta.sim.admin
    .listAssigned()
    .filter((u) => u.assignment?.scope === 'USER' && u.status === 'ACTIVE' && u.login.endsWith(DOMAIN) && u.login !== `grace.hopper@${DOMAIN}`)
    .slice(0, 15);
  expect(leavers.length).toBe(15);
  expect(15 * 100).toBeGreaterThan(20 * managed);
  for (const u of leavers) {
    rig.okta.sim.admin.unassign(u.id);
  }

  const held = await daemon.reconcileNow('manual');
  expect(held.plan.held?.actions).toHaveLength(15);
  expect(held.approvalId).toBe(held.id);
  for (const u of leavers) {
    expect(rig.hubspot.sim.admin.user(u.login)).not.toBeNull();
  }
  expect((await daemon.state.approvals.pending()).map((a) => a.id)).toEqual([held.id]);

  // Held again by the next plan: still nothing deleted, and the older approval is superseded.
  const again = await daemon.reconcileNow('manual');
  expect(again.plan.held?.actions).toHaveLength(15);
  expect((await daemon.state.approvals.get(held.id))?.status).toBe('superseded');

  expect(await daemon.state.approvals.approve(again.id, 'test operator')).not.toBeNull();
  const released = await daemon.reconcileNow('approve');
  expect(released.plan.held).toBeUndefined();
  expect(released.outcome?.applied.delete).toBe(15);
  for (const u of leavers) {
    expect(rig.hubspot.sim.admin.user(u.login)).toBeNull();
  }
  expect(await daemon.state.ledger.count()).toBe(managed - 15);
  expect(await daemon.state.approvals.approvedDeletions()).toEqual([]);
});

it('holds a mass unassignment seen in the System Log as a whole (no deletion before approval), and approval releases it', async () => {
  const poller = rig.daemon({ roles: { poller: true, workers: true } });
  await poller.start();
  // The first poll finds no cursor: it starts from now and queues a reconciliation; let both settle.
  await eventually(async () => (await poller.state.plans.latest())?.trigger === 'cursor-lost' && (await poller.state.plans.latest())?.status === 'done', 'the first poll');
  const managed = await poller.state.ledger.count();
  // With this many managed users, ten deletions in an hour trip the percentage rule.
  expect(10 * 100).toBeGreaterThan(20 * managed);
  const leavers = rig.okta.sim.admin
    .listAssigned()
    .filter((u) => u.assignment?.scope === 'USER' && u.status === 'ACTIVE' && u.login.endsWith(DOMAIN))
    .slice(0, 12);
  expect(leavers).toHaveLength(12);
  for (const u of leavers) {
    rig.okta.sim.admin.unassign(u.id);
  }
  const approval = await eventually(async () => {
    const pending = (await poller.state.approvals.pending()).find((a) => a.kind === 'events');
    return pending && pending.held.length === 12 ? pending : undefined;
  }, 'all twelve event-driven deletions held');
  // The poll saw twelve leavers at once: the guard judged the batch, so none was deleted first.
  const stillThere = leavers.filter((u) => rig.hubspot.sim.admin.user(u.login) !== null);
  expect(stillThere).toHaveLength(12);
  expect(approval.held.map((a) => a.email?.toLowerCase()).sort()).toEqual(stillThere.map((u) => u.login.toLowerCase()).sort());
  expect(await poller.state.deletions.count()).toBe(12);

  await poller.state.approvals.approve(approval.id, 'test operator');
  await poller.reconcileNow('approve');
  for (const u of leavers) {
    expect(rig.hubspot.sim.admin.user(u.login)).toBeNull();
  }
});
