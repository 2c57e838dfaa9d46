import type { Daemon } from '../../../src/daemon/daemon';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

const DOMAIN = 'acme.example';
const ROLE = { salesRep: '2002', salesManager: '2001', marketingViewer: '2004' };

let rig: PipelineRig;
let daemon: Daemon;

function hs(email: string) {
  return rig.hubspot.sim.admin.user(email);
}

function roleOf(email: string): string | null {
  const u = hs(email);
  return u?.roleId ?? u?.roleIds[0] ?? null;
}

beforeAll(async () => {
  rig = await startPipelineRig();
  daemon = rig.daemon({ roles: { poller: true, scheduler: true, workers: true, server: true } });
  await daemon.start();
  // The reconciliation at start provisions the demo company.
  await eventually(async () => (await daemon.state.plans.latest())?.status === 'done', 'the first reconciliation');
});

afterAll(async () => {
  await rig.stop();
});

describe('the daemon enforces the rules end to end', () => {
  it('provisions in-scope users with the role their Title names, adopts the existing user, and leaves the rest alone', async () => {
    expect(roleOf(`ada.lovelace@${DOMAIN}`)).toBe(ROLE.salesManager);
    expect(roleOf(`alan.turing@${DOMAIN}`)).toBe(ROLE.salesRep); // "sales rep": loose match
    expect(roleOf(`edsger.dijkstra@${DOMAIN}`)).toBe(ROLE.salesRep); // assigned through the Sales group
    expect(hs(`hedy.lamarr@${DOMAIN}`)).not.toBeNull();
    expect(roleOf(`hedy.lamarr@${DOMAIN}`)).toBeNull(); // unmatched Title: no role

    const grace = await daemon.state.ledger.getByEmail(`grace.hopper@${DOMAIN}`);
    expect(grace?.how).toBe('adopted');
    expect(roleOf(`grace.hopper@${DOMAIN}`)).toBe(ROLE.salesRep);
    expect(rig.hubspot.sim.admin.users().filter((u) => u.email.toLowerCase() === `grace.hopper@${DOMAIN}`)).toHaveLength(1);

    for (const out of ['claude.shannon', 'charles.babbage', 'linus.torvalds', 'alonzo.church']) {
      expect(hs(`${out}@${DOMAIN}`)).toBeNull();
    }
    expect(rig.hubspot.sim.writesTo(`owner@${DOMAIN}`)).toEqual([]);
    expect(rig.hubspot.sim.writesTo('agency@partner.example')).toEqual([]);
    expect(hs('agency@partner.example')?.roleIds).toEqual([ROLE.marketingViewer]);
  });

  it('creates a newly assigned user with the right role from a System Log event', async () => {
    rig.okta.sim.admin.createUser({ login: `new.hire@${DOMAIN}`, email: `new.hire@${DOMAIN}`, firstName: 'New', lastName: 'Hire', title: 'Sales Manager', assign: true });
    await eventually(() => roleOf(`new.hire@${DOMAIN}`) === ROLE.salesManager, 'the new hire in HubSpot');
    const entry = await daemon.state.ledger.getByEmail(`new.hire@${DOMAIN}`);
    expect(entry?.how).toBe('created');
  });

  it('changes the role when the Title changes, and removes it when the Title matches no role', async () => {
    rig.okta.sim.admin.updateProfile(`joan.clarke@${DOMAIN}`, { title: 'Sales Manager' });
    await eventually(() => roleOf(`joan.clarke@${DOMAIN}`) === ROLE.salesManager, 'the promoted role');
    rig.okta.sim.admin.updateProfile(`joan.clarke@${DOMAIN}`, { title: 'Chief Vibes Officer' });
    await eventually(() => hs(`joan.clarke@${DOMAIN}`) !== null && roleOf(`joan.clarke@${DOMAIN}`) === null, 'the role removed');
  });

  it('deletes users who are deactivated or unassigned', async () => {
    rig.okta.sim.admin.deactivate(`klara.dan@${DOMAIN}`);
    rig.okta.sim.admin.unassign(`lynn.conway@${DOMAIN}`);
    await eventually(() => hs(`klara.dan@${DOMAIN}`) === null && hs(`lynn.conway@${DOMAIN}`) === null, 'both deleted');
    expect(await daemon.state.ledger.getByEmail(`klara.dan@${DOMAIN}`)).toBeNull();
    const audit = await daemon.state.audit.recent(50);
    expect(audit.some((e) => e.action === 'delete' && e.email === `lynn.conway@${DOMAIN}` && e.outcome === 'applied')).toBe(true);
  });

  it('repairs drift made in HubSpot at the next reconciliation, and leaves unmanaged users and super admins alone', async () => {
    rig.hubspot.sim.admin.updateUser(`ada.lovelace@${DOMAIN}`, { roleName: 'Admin', firstName: 'Countess' });
    rig.hubspot.sim.admin.updateUser('agency@partner.example', { roleName: 'Admin' });
    const record = await daemon.jobs.reconcileNow('manual');
    expect(record.summary.drift).toBeGreaterThanOrEqual(1);
    expect(roleOf(`ada.lovelace@${DOMAIN}`)).toBe(ROLE.salesManager);
    expect(hs(`ada.lovelace@${DOMAIN}`)?.firstName).toBe('Ada');
    expect(roleOf('agency@partner.example')).toBe('2007');
    expect(rig.hubspot.sim.writesTo(`owner@${DOMAIN}`)).toEqual([]);
  });
});
