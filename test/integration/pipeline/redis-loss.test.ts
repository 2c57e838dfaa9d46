import type { Daemon } from '../../../src/daemon/daemon';
import { removeKeys } from '../../helpers/redis';
import { releaseApprovedDeletions } from '../../../src/server/ops-actions';
import { decideApproval } from '../../../src/state/approval-decision';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

const DOMAIN = 'acme.example';
let rig: PipelineRig;

beforeAll(async () => {
  rig = await startPipelineRig();
});

afterAll(async () => {
  await rig.stop();
});

it('rebuilds the ledger when Redis comes back empty: leavers wait for an operator (a hold may have been lost), then are deleted; unmanaged users untouched', async () => {
  const first: Daemon = rig.daemon({ roles: { workers: true } });
  await first.start();
  await first.jobs.reconcileNow('manual');
  const managedBefore = await first.state.ledger.count();
  await first.stop();

  // While the daemon is down, three people leave; then Redis loses everything under the prefix.
  const leavers = [`ada.lovelace@${DOMAIN}`, `frances.allen@${DOMAIN}`, `vint.cerf@${DOMAIN}`];
  rig.okta.sim.admin.unassign(leavers[0]!);
  rig.okta.sim.admin.deactivate(leavers[1]!);
  rig.okta.sim.admin.unassign(leavers[2]!);
  expect(await removeKeys(rig.prefix)).toBeGreaterThan(0);
  rig.hubspot.sim.clearLog();
  const usersBefore = rig.hubspot.sim.admin.users().length;

  const second = rig.daemon({ roles: { workers: true } });
  await second.start();
  const record = await second.jobs.reconcileNow('manual');

  expect((await second.state.ledger.epoch())?.how).toBe('rebuilt');
  // Three of many is under the guard's thresholds, but a hold on them may have been lost with the data.
  expect(record.plan.held?.actions.map((a) => a.email).sort()).toEqual([...leavers].sort());
  expect(record.plan.held?.reason).toContain('the ledger was rebuilt');
  expect(record.outcome?.applied.delete).toBe(0);
  expect(record.outcome?.applied.create).toBe(0);
  for (const email of leavers) {
    expect(rig.hubspot.sim.admin.user(email)).not.toBeNull();
  }
  const approval = await decideApproval(second.state, record.approvalId ?? '', 'approve', 'test operator');
  await releaseApprovedDeletions(second.producers)(approval!);
  await eventually(() => leavers.every((email) => rig.hubspot.sim.admin.user(email) === null), 'the approved deletions');
  // Nothing is left to delete: the next reconciliation judges deletions by the thresholds again.
  const after = await second.jobs.reconcileNow('manual');
  expect(after.plan.held).toBeUndefined();
  expect((await second.state.approvals.guardHolds()).holdAll).toBeNull();
  expect(rig.hubspot.sim.admin.users()).toHaveLength(usersBefore - 3);
  expect(rig.hubspot.sim.writesTo('agency@partner.example')).toEqual([]);
  expect(rig.hubspot.sim.writesTo(`owner@${DOMAIN}`)).toEqual([]);
  expect(await second.state.ledger.count()).toBe(managedBefore - 3);
  const rebuilt = (await second.state.audit.recent(200)).find((e) => e.action === 'rebuild');
  expect(rebuilt?.reason).toMatch(/3 HubSpot users linked by email/);
});
