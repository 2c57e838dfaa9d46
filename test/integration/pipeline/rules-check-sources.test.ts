import type { Daemon } from '../../../src/daemon/daemon';
import { startPipelineRig, type PipelineRig } from './pipeline-rig';

/**
 * A rules file whose sources name a role and a team the demo company's HubSpot lacks: the check
 * at each reconciliation stores them for the status page (with the teams HubSpot has), through
 * the real SDK against the HubSpot simulator.
 */
let rig: PipelineRig;
let daemon: Daemon;

beforeAll(async () => {
  rig = await startPipelineRig({
    rules: {
      roles: { sources: [{ groups: [{ group: '00gNoSuchGroup', role: 'Sales Wizard' }] }, 'title'] },
      teams: { primary: [{ groups: [{ group: '00gNoSuchGroup', team: 'Salez' }] }], byGroup: { '00gOther': '3001' } },
    },
  });
  daemon = rig.daemon({ roles: { workers: true } });
  await daemon.start();
});

afterAll(async () => {
  await rig.stop();
});

describe('the rules check at a reconciliation, with sources', () => {
  it('stores the roles and teams the sources name that HubSpot lacks, with the teams it has, and reads HubSpot\'s teams once per reconciliation', async () => {
    rig.hubspot.sim.clearLog();
    await daemon.jobs.reconcileNow('manual');
    const check = await daemon.state.status.getRulesCheck();
    expect(check?.unknown.map((u) => [u.kind, u.where, u.name])).toEqual([
      ['role', 'roles.sources[0] group "00gNoSuchGroup"', 'Sales Wizard'],
      ['team', 'teams.primary[0] group "00gNoSuchGroup"', 'Salez'],
      // Okta has neither group: each is reported where the rules first name it.
      ['group', 'roles.sources[0]', '00gNoSuchGroup'],
      ['group', 'teams.byGroup', '00gOther'],
    ]);
    expect(check?.teams).toEqual(['Marketing', 'Sales']);
    const teamReads = () => Object.entries(rig.hubspot.sim.counts().byRoute).filter(([route]) => route.startsWith('GET ') && route.endsWith('/teams')).map(([, n]) => n);
    // Once for the reconciliation, once by the workers (who keep them for a while).
    expect(teamReads()).toEqual([2]);
    await daemon.jobs.reconcileNow('manual');
    expect(teamReads()).toEqual([3]);
    // The Title still gives the roles: nobody is in the groups (Okta has neither).
    expect(rig.hubspot.sim.admin.user('ada.lovelace@acme.example')?.roleId).toBe('2001');
  });
});
