import type { Daemon } from '../../../src/daemon/daemon';
import { releaseApprovedDeletions } from '../../../src/server/ops-actions';
import { decideApproval } from '../../../src/state/approval-decision';
import { removeKeys } from '../../helpers/redis';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

const DOMAIN = 'acme.example';

/**
 * An email change (policy `replace`) whose old HubSpot user cannot be deleted yet (a hold is
 * pending): the new user is made and linked at once, naming the old one it replaces; the old one
 * waits in the hold. When the person leaves scope before anyone decides, both their HubSpot users
 * are held and deleted on approval: none is left behind unmanaged, also after a Redis data loss.
 */
describe('an email change while deletions are held', () => {
  let rig: PipelineRig;
  let daemon: Daemon;

  beforeAll(async () => {
    rig = await startPipelineRig({ rules: { policies: { emailChange: 'replace' } } });
    daemon = rig.daemon({ roles: { workers: true } });
    await daemon.start();
    await daemon.jobs.reconcileNow('manual');
  });

  afterAll(async () => {
    await rig.stop();
  });

  const person = (n: number) => {
    const login = `mover${n}@${DOMAIN}`;
    return { login, id: rig.okta.sim.admin.createUser({ login, email: login, firstName: 'Mo', lastName: `Ver${n}`, title: 'Sales Rep', assign: true }).id };
  };

  it('makes the new user at once, keeps the old one held, and deletes both when the person leaves scope and the hold is approved', async () => {
    const { login, id } = person(1);
    await daemon.jobs.reconcileNow('manual');
    const oldId = rig.hubspot.sim.admin.user(login)?.id;
    expect(oldId).toBeDefined();
    await daemon.state.approvals.setHoldAll('test: every deletion waits for an operator');
    const newLogin = `mover1.new@${DOMAIN}`;
    rig.okta.sim.admin.updateProfile(id, { login: newLogin, email: newLogin });
    const changed = await daemon.jobs.reconcileNow('manual');
    expect(changed.plan.held?.actions.map((a) => a.hubspotUserId)).toEqual([oldId]);
    const created = rig.hubspot.sim.admin.user(newLogin);
    expect(created).not.toBeNull();
    expect(rig.hubspot.sim.admin.user(login)).not.toBeNull();
    const entry = await daemon.state.ledger.get(id);
    expect(entry).toMatchObject({ hubspotUserId: created?.id, email: newLogin, replaces: { hubspotUserId: oldId, email: login } });
    // Another reconciliation changes nothing: the new user is in sync, the old one still held.
    const again = await daemon.jobs.reconcileNow('manual');
    expect(again.plan.summary.create + again.plan.summary.update + again.plan.summary.delete).toBe(0);
    expect(again.plan.held?.actions.map((a) => a.hubspotUserId)).toEqual([oldId]);

    // The person leaves scope before anyone decides: both HubSpot users are held.
    rig.okta.sim.admin.unassign(id);
    const gone = await daemon.jobs.reconcileNow('manual');
    expect(gone.plan.held?.actions.map((a) => a.hubspotUserId).sort()).toEqual([oldId, created?.id].sort());
    const approval = await decideApproval(daemon.state, gone.approvalId ?? '', 'approve', 'test operator');
    expect(approval?.held.map((a) => a.hubspotUserId).sort()).toEqual([oldId, created?.id].sort());
    await releaseApprovedDeletions(daemon.producers)(approval ?? { ...(await daemon.state.approvals.get(gone.approvalId ?? ''))!, held: [] });
    await eventually(() => rig.hubspot.sim.admin.user(login) === null && rig.hubspot.sim.admin.user(newLogin) === null, 'both HubSpot users deleted');
    expect(await daemon.state.ledger.get(id)).toBeNull();
  });

  it('after a data loss, a person whose old and new HubSpot users both exist is linked to the new one, replacing the old', async () => {
    const { login, id } = person(2);
    await daemon.jobs.reconcileNow('manual');
    const oldId = rig.hubspot.sim.admin.user(login)?.id;
    const newLogin = `mover2.new@${DOMAIN}`;
    // The change was half done when Redis lost its data: the new user exists, the old one too.
    rig.okta.sim.admin.updateProfile(id, { login: newLogin, email: newLogin });
    const made = rig.hubspot.sim.admin.createUser({ email: newLogin, firstName: 'Mo', lastName: 'Ver2' });
    expect(await removeKeys(rig.prefix)).toBeGreaterThan(0);
    await daemon.jobs.reconcileNow('manual');
    // Linked to the new user; the old one was deleted as the email change's (one deletion is under the guard's thresholds).
    expect(await daemon.state.ledger.get(id)).toMatchObject({ hubspotUserId: made.id, email: newLogin, replaces: null });
    expect(rig.hubspot.sim.admin.user(login)).toBeNull();
    expect(rig.hubspot.sim.admin.user(newLogin)?.id).toBe(made.id);
    // Leaving scope deletes the new user: nothing is left behind.
    rig.okta.sim.admin.unassign(id);
    const gone = await daemon.jobs.reconcileNow('manual');
    expect(gone.outcome?.applied.delete).toBe(1);
    expect(rig.hubspot.sim.admin.user(newLogin)).toBeNull();
    expect(await daemon.state.ledger.get(id)).toBeNull();
    expect(oldId).toBeDefined();
  });
});
