import type { Daemon } from '../../../src/daemon/daemon';
import { releaseApprovedDeletions } from '../../../src/server/ops-actions';
import { decideApproval } from '../../../src/state/approval-decision';
import { removeKeys } from '../../helpers/redis';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

const DOMAIN = 'acme.example';

/** Active users assigned directly, in the company's domain (not the super admin). */
function directUsers(rig: PipelineRig) {
  return rig.okta.sim.admin.listAssigned().filter((u) => u.assignment?.scope === 'USER' && u.status === 'ACTIVE' && u.login.endsWith(DOMAIN) && u.login !== `grace.hopper@${DOMAIN}`);
}

/** Hires `n` people straight into the app (the account grows). */
function hire(rig: PipelineRig, n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    rig.okta.sim.admin.createUser({ login: `${tag}${i}@${DOMAIN}`, firstName: 'New', lastName: `Hire${i}`, title: 'Sales Rep', assign: true });
  }
}

async function auditOf(daemon: Daemon, email: string) {
  return (await daemon.state.audit.recent(1000)).filter((e) => e.email?.toLowerCase() === email.toLowerCase());
}

describe('a held deletion stays held until an operator decides (reconciliations)', () => {
  let rig: PipelineRig;
  let daemon: Daemon;

  beforeAll(async () => {
    rig = await startPipelineRig();
    // No poller: this test drives reconciliations itself, so events do not delete in between.
    daemon = rig.daemon({ roles: { workers: true } });
    await daemon.start();
    await daemon.jobs.reconcileNow('manual');
  });

  afterAll(async () => {
    await rig.stop();
  });

  it('holds through account growth, restarts and a second replica; users back in scope leave; new leavers join; approval deletes exactly the rest', async () => {
    const managed = await daemon.state.ledger.count();
    const leavers = directUsers(rig).slice(0, 15);
    expect(leavers).toHaveLength(15);
    expect(15 * 100).toBeGreaterThan(20 * managed);
    leavers.forEach((u) => rig.okta.sim.admin.unassign(u.id));

    const held = await daemon.jobs.reconcileNow('manual');
    expect(held.plan.held?.actions).toHaveLength(15);
    const holdId = held.approvalId;
    expect(holdId).toMatch(/^hold-/);
    expect(held.plan.held?.reason).toContain(`15 of the ${managed} managed users are leaving`);
    expect((await daemon.state.approvals.pending()).map((a) => a.id)).toEqual([holdId]);

    // The account grows until 15 leavers are far under 20 %: still held, in the same hold.
    hire(rig, 60, 'grow');
    await daemon.jobs.reconcileNow('manual');
    expect(15 * 100).toBeLessThan(20 * (await daemon.state.ledger.count()));
    // A restart and a second replica over the same Redis see the same hold.
    await daemon.stop();
    daemon = rig.daemon({ roles: { workers: true } });
    await daemon.start();
    const replica = rig.daemon({ roles: { workers: true } });
    await replica.start();
    const grown = await replica.jobs.reconcileNow('manual');
    expect(grown.plan.summary.delete).toBe(0);
    expect(grown.plan.held?.actions).toHaveLength(15);
    expect(grown.approvalId).toBe(holdId);
    for (const u of leavers) {
      expect(rig.hubspot.sim.admin.user(u.login)).not.toBeNull();
    }
    expect((await daemon.state.approvals.pending()).map((a) => a.id)).toEqual([holdId]);
    // Each held user is recorded as held once, not at every reconciliation.
    const first = leavers[0];
    expect((await auditOf(daemon, first?.login ?? '')).filter((e) => e.outcome === 'held')).toHaveLength(1);

    // One comes back into scope: they leave the hold. A new leaver joins it (under the thresholds on their own).
    const [back, ...rest] = leavers;
    if (!back) {
      throw new Error('no leaver');
    }
    rig.okta.sim.admin.assign(back.id);
    const newLeaver = directUsers(rig).find((u) => !leavers.some((l) => l.id === u.id) && !u.login.startsWith('grow'));
    if (!newLeaver) {
      throw new Error('no user left to unassign');
    }
    rig.okta.sim.admin.unassign(newLeaver.id);
    const changed = await daemon.jobs.reconcileNow('manual');
    expect(changed.approvalId).toBe(holdId);
    const hold = await daemon.state.approvals.get(holdId ?? '');
    expect(hold?.status).toBe('pending');
    expect(hold?.held.map((a) => a.email?.toLowerCase()).sort()).toEqual([...rest, newLeaver].map((u) => u.login.toLowerCase()).sort());
    expect((await auditOf(daemon, back.login)).map((e) => e.outcome)).toContain('released');
    expect((await auditOf(daemon, newLeaver.login)).map((e) => e.outcome)).toContain('held');

    // Approved as the status page, the API and the CLI do it: exactly the held users go.
    const approval = await decideApproval(daemon.state, holdId ?? '', 'approve', 'test operator');
    expect(approval).not.toBeNull();
    await releaseApprovedDeletions(daemon.producers)(approval ?? { ...hold!, held: [] });
    await eventually(() => [...rest, newLeaver].every((u) => rig.hubspot.sim.admin.user(u.login) === null), 'the approved deletions');
    expect(rig.hubspot.sim.admin.user(back.login)).not.toBeNull();
    expect((await auditOf(daemon, newLeaver.login)).map((e) => e.outcome)).toContain('approved');
    expect(await daemon.state.approvals.pending()).toEqual([]);
    expect(await decideApproval(daemon.state, holdId ?? '', 'reject', 'test operator')).toBeNull();
  });

  it('after Redis loses its data, deletions wait for an operator even below the thresholds', async () => {
    const leaver = directUsers(rig).find((u) => !u.login.startsWith('grow'));
    if (!leaver) {
      throw new Error('no user');
    }
    await daemon.jobs.reconcileNow('manual');
    rig.okta.sim.admin.unassign(leaver.id);
    expect(await removeKeys(rig.prefix)).toBeGreaterThan(0);
    const after = await daemon.jobs.reconcileNow('manual');
    expect(after.plan.summary.delete).toBe(0);
    expect(after.plan.held?.actions.map((a) => a.email?.toLowerCase())).toContain(leaver.login.toLowerCase());
    expect(after.plan.held?.reason).toContain('the ledger was rebuilt');
    expect(rig.hubspot.sim.admin.user(leaver.login)).not.toBeNull();
    const rejected = await decideApproval(daemon.state, after.approvalId ?? '', 'reject', 'test operator');
    expect(rejected?.status).toBe('rejected');
    // Rejected: later reconciliations do not delete them, and hold nothing more.
    const next = await daemon.jobs.reconcileNow('manual');
    expect(next.plan.held).toBeUndefined();
    expect(next.plan.actions.filter((a) => a.code === 'deletion-rejected').map((a) => a.email?.toLowerCase())).toContain(leaver.login.toLowerCase());
    expect(rig.hubspot.sim.admin.user(leaver.login)).not.toBeNull();
    // Back in scope, then gone again: a new deletion, judged by the thresholds (one user: not held).
    rig.okta.sim.admin.assign(leaver.id);
    await daemon.jobs.reconcileNow('manual');
    expect(await daemon.state.approvals.rejected()).toEqual([]);
    rig.okta.sim.admin.unassign(leaver.id);
    const gone = await daemon.jobs.reconcileNow('manual');
    expect(gone.outcome?.applied.delete).toBe(1);
    expect(rig.hubspot.sim.admin.user(leaver.login)).toBeNull();
  });

  it('an approval is for one leaving: a user back in scope before the deletion was made needs a new approval to be deleted later', async () => {
    const [stays, back] = directUsers(rig).filter((u) => !u.login.startsWith('grow'));
    if (!stays || !back) {
      throw new Error('two users needed');
    }
    await daemon.state.approvals.setHoldAll('test: every deletion waits for an operator');
    rig.okta.sim.admin.unassign(stays.id);
    rig.okta.sim.admin.unassign(back.id);
    const held = await daemon.jobs.reconcileNow('manual');
    expect(held.plan.held?.actions.map((a) => a.email?.toLowerCase()).sort()).toEqual([stays.login, back.login].map((e) => e.toLowerCase()).sort());
    const backId = rig.hubspot.sim.admin.user(back.login)?.id;
    expect(backId).toBeDefined();
    // Approved, but one comes back before the deletions are carried out.
    expect(await decideApproval(daemon.state, held.approvalId ?? '', 'approve', 'test operator')).not.toBeNull();
    rig.okta.sim.admin.assign(back.id);
    const next = await daemon.jobs.reconcileNow('manual');
    expect(next.outcome?.applied.delete).toBe(1);
    expect(rig.hubspot.sim.admin.user(stays.login)).toBeNull();
    expect(rig.hubspot.sim.admin.user(back.login)).not.toBeNull();
    expect(await daemon.state.approvals.approvedDeletions()).not.toContain(backId);
    expect((await auditOf(daemon, back.login)).filter((e) => e.outcome === 'released').map((e) => e.reason).join(' ')).toContain('the approval no longer applies');
    // Leaving again is a new deletion: the guard judges it (here: everything is held), the old approval does not let it through.
    await daemon.state.approvals.setHoldAll('test: every deletion waits for an operator');
    rig.okta.sim.admin.unassign(back.id);
    const again = await daemon.jobs.reconcileNow('manual');
    expect(again.plan.summary.delete).toBe(0);
    expect(again.plan.held?.actions.map((a) => a.email?.toLowerCase())).toEqual([back.login.toLowerCase()]);
    expect(rig.hubspot.sim.admin.user(back.login)).not.toBeNull();
  });
});

describe('event-driven holds', () => {
  let rig: PipelineRig;

  beforeAll(async () => {
    rig = await startPipelineRig();
  });

  afterAll(async () => {
    await rig.stop();
  });

  it('holds a mass unassignment seen in the System Log as a whole, in one hold that reconciliations share', async () => {
    const poller = rig.daemon({ roles: { poller: true, workers: true } });
    await poller.start();
    // The first poll finds no cursor: it starts from now and queues a reconciliation; let both settle.
    await eventually(async () => (await poller.state.plans.latest())?.trigger === 'cursor-lost' && (await poller.state.plans.latest())?.status === 'done', 'the first poll');
    const managed = await poller.state.ledger.count();
    // With this many managed users, ten deletions in an hour trip the percentage rule.
    expect(10 * 100).toBeGreaterThan(20 * managed);
    const leavers = directUsers(rig).slice(0, 12);
    expect(leavers).toHaveLength(12);
    leavers.forEach((u) => rig.okta.sim.admin.unassign(u.id));
    const approval = await eventually(async () => {
      const pending = await poller.state.approvals.pending();
      return pending.length === 1 && pending[0]?.held.length === 12 ? pending[0] : undefined;
    }, 'all twelve event-driven deletions held');
    // The poll saw twelve leavers at once: the guard judged the batch, so none was deleted first.
    const stillThere = leavers.filter((u) => rig.hubspot.sim.admin.user(u.login) !== null);
    expect(stillThere).toHaveLength(12);
    expect(approval.held.map((a) => a.email?.toLowerCase()).sort()).toEqual(stillThere.map((u) => u.login.toLowerCase()).sort());
    expect(approval.reason).toMatch(/of the \d+ managed users are leaving/);
    expect(approval.reason).not.toContain('already made');

    // A reconciliation in between holds the same users in the same hold (never a second approval).
    const plan = await poller.jobs.reconcileNow('manual');
    expect(plan.approvalId).toBe(approval.id);
    expect((await poller.state.approvals.pending()).map((a) => a.id)).toEqual([approval.id]);

    const decided = await decideApproval(poller.state, approval.id, 'approve', 'test operator');
    await releaseApprovedDeletions(poller.producers)(decided ?? approval);
    await eventually(() => leavers.every((u) => rig.hubspot.sim.admin.user(u.login) === null), 'the approved deletions');
  });
});

describe('leavers a reconciliation listed as assigned', () => {
  let lateRig: PipelineRig;

  beforeAll(async () => {
    lateRig = await startPipelineRig();
  });

  afterAll(async () => {
    await lateRig.stop();
  });

  it("judges a reconciliation's jobs whose users left scope after its listing with the leavers the System Log announced", async () => {
    const daemon = lateRig.daemon({ roles: { workers: true } });
    await daemon.start();
    await daemon.jobs.reconcileNow('manual');
    const managed = await daemon.state.ledger.count();
    const leavers = directUsers(lateRig).slice(0, 12);
    expect(12 * 100).toBeGreaterThan(20 * managed);
    // The reconciliation listed them assigned; then they were unassigned, and the System Log
    // poll noted the leavers (as the event intake does) before the reconciliation's jobs ran.
    const listedAt = Date.now() - 1_000;
    leavers.forEach((u) => lateRig.okta.sim.admin.unassign(u.id));
    await daemon.state.deletions.expect(leavers.map((u) => u.id), Date.now());
    await daemon.state.userEvents.touch(leavers.map((u) => u.id), Date.now());
    const jobs = await Promise.all(
      leavers.map((u) => daemon.queues.enqueue('sync-user', 'sync-user', { oktaUserId: u.id, trigger: 'reconcile', planId: 'plan-listed-before', emailInHubSpot: true, assignment: { via: 'USER', at: null, listedAt } })),
    );
    await eventually(async () => (await Promise.all(jobs.map((j) => j.getState()))).every((st) => st === 'completed' || st === 'failed'), 'the jobs');
    // Judged alone, each deletion is under the thresholds; judged with the announced leavers, all are held.
    expect(leavers.filter((u) => lateRig.hubspot.sim.admin.user(u.login) === null)).toEqual([]);
    const [hold] = await daemon.state.approvals.pending();
    expect(hold?.held.map((a) => a.email?.toLowerCase()).sort()).toEqual(leavers.map((u) => u.login.toLowerCase()).sort());
    await daemon.stop();
  });
});
