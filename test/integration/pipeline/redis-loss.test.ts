import type { Daemon } from '../../../src/daemon/daemon';
import { removeKeys } from '../../helpers/redis';
import { startPipelineRig, type PipelineRig } from './pipeline-rig';

const DOMAIN = 'acme.example';
let rig: PipelineRig;

beforeAll(async () => {
  rig = await startPipelineRig();
});

afterAll(async () => {
  await rig.stop();
});

it('rebuilds the ledger when Redis comes back empty: leavers are still deleted, unmanaged users untouched', async () => {
  const first: Daemon = rig.daemon({ roles: { workers: true } });
  await first.start();
  await first.reconcileNow('manual');
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
  const record = await second.reconcileNow('manual');

  expect((await second.state.ledger.epoch())?.how).toBe('rebuilt');
  for (const email of leavers) {
    expect(rig.hubspot.sim.admin.user(email)).toBeNull();
  }
  expect(record.outcome?.applied.delete).toBe(3);
  expect(record.outcome?.applied.create).toBe(0);
  expect(rig.hubspot.sim.admin.users()).toHaveLength(usersBefore - 3);
  expect(rig.hubspot.sim.writesTo('agency@partner.example')).toEqual([]);
  expect(rig.hubspot.sim.writesTo(`owner@${DOMAIN}`)).toEqual([]);
  expect(await second.state.ledger.count()).toBe(managedBefore - 3);
  const rebuilt = (await second.state.audit.recent(200)).find((e) => e.action === 'rebuild');
  expect(rebuilt?.reason).toMatch(/3 HubSpot users linked by email/);
});
