import type { Daemon } from '../../../src/daemon/daemon';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

const DOMAIN = 'acme.example';
const SALES_SEAT = 'Sales Hub Professional';

/**
 * HubSpot has no free seat of a kind, and a plan hands one over: from the old user of an email
 * change to the new one, or from a user who leaves to one who arrives. HubSpot refuses a seat it
 * has none of (NO_SEATS_AVAILABLE), whatever order the jobs run in; the seat still ends up with
 * the right user, nobody is left without one for good, and no job fails.
 */
describe('a seat handed over while HubSpot has none free', () => {
  let rig: PipelineRig;
  let daemon: Daemon;

  beforeAll(async () => {
    rig = await startPipelineRig({
      rules: { seats: { mode: 'named', byTitle: { 'Sales Rep': [SALES_SEAT] } }, policies: { emailChange: 'replace' } },
    });
    // Enough seats at first for every Sales Rep, so nobody waits in line.
    rig.hubspot.sim.admin.setSeatTotal(SALES_SEAT, 100);
    daemon = rig.daemon({ roles: { workers: true } });
    await daemon.start();
    await daemon.jobs.reconcileNow('manual');
  });

  afterAll(async () => {
    await rig.stop();
  });

  const holders = () =>
    rig.hubspot.sim.admin
      .users()
      .filter((u) => (u.seatNames ?? []).includes(SALES_SEAT))
      .map((u) => u.email.toLowerCase())
      .sort();

  /** Sets the seats bought to the seats used: none free. */
  function fillSeats(): number {
    const used = holders().length;
    rig.hubspot.sim.admin.setSeatTotal(SALES_SEAT, used);
    expect(rig.hubspot.sim.admin.seats().find((s) => s.name === SALES_SEAT)?.remainingSeats).toBe(0);
    return used;
  }

  async function failedJobs(): Promise<string[]> {
    const failed = await daemon.queues.queue('sync-user').getFailed();
    return failed.map((j) => `${j.id}: ${j.failedReason}`);
  }

  it('moves the seat of an email change to the new user', async () => {
    const used = fillSeats();
    const login = `grace.hopper@${DOMAIN}`;
    expect(holders()).toContain(login);
    const newLogin = `grace.m.hopper@${DOMAIN}`;
    rig.okta.sim.admin.updateProfile(login, { login: newLogin, email: newLogin });
    const result = await daemon.jobs.reconcileNow('manual');
    expect(result.plan.held?.actions ?? []).toEqual([]);
    await eventually(() => rig.hubspot.sim.admin.user(login) === null && holders().includes(newLogin), 'the old user deleted and the new one holding the seat');
    expect(holders()).toHaveLength(used);
    expect(await failedJobs()).toEqual([]);
    const again = await daemon.jobs.reconcileNow('manual');
    expect(again.plan.summary.create + again.plan.summary.update + again.plan.summary.delete).toBe(0);
  });

  it('moves the seat when the deletion of the old user fails at first and the job is retried', async () => {
    const used = fillSeats();
    const login = `donald.knuth@${DOMAIN}`;
    expect(holders()).toContain(login);
    const newLogin = `don.knuth@${DOMAIN}`;
    // The new user is made, then HubSpot fails the deletion twice: the retried job plans the
    // linked new user's seat and the old user's deletion in one batch.
    rig.hubspot.sim.faults.fail5xxNext(2, 500, { method: 'DELETE' });
    rig.okta.sim.admin.updateProfile(login, { login: newLogin, email: newLogin });
    await daemon.jobs.reconcileNow('manual');
    await eventually(() => rig.hubspot.sim.admin.user(login) === null && holders().includes(newLogin), 'the old user deleted and the new one holding the seat');
    expect(holders()).toHaveLength(used);
    expect(rig.hubspot.sim.writesTo(login).filter((w) => w.method === 'DELETE').map((w) => w.status)).toEqual([500, 500, 204]);
    expect(rig.hubspot.sim.writesTo(newLogin).filter((w) => w.status >= 400)).toEqual([]);
    expect(await failedJobs()).toEqual([]);
  });

  it('gives the seat of a user who leaves to one who arrives in the same reconciliation', async () => {
    const used = fillSeats();
    const leaver = `guido.vanrossum@${DOMAIN}`;
    expect(holders()).toContain(leaver);
    rig.okta.sim.admin.unassign(leaver);
    const arrival = `ada.newcomer@${DOMAIN}`;
    rig.okta.sim.admin.createUser({ login: arrival, email: arrival, firstName: 'Ada', lastName: 'Newcomer', title: 'Sales Rep', assign: true });
    const result = await daemon.jobs.reconcileNow('manual');
    expect(result.plan.held?.actions ?? []).toEqual([]);
    expect(result.plan.seats.find((s) => s.seat === SALES_SEAT)?.waiting ?? []).toEqual([]);
    await eventually(() => rig.hubspot.sim.admin.user(leaver) === null && holders().includes(arrival), 'the leaver deleted and the newcomer holding the seat');
    expect(holders()).toHaveLength(used);
    expect(await failedJobs()).toEqual([]);
  });
});
