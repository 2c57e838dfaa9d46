import type { Daemon } from '../../../src/daemon/daemon';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

/**
 * Okta's custom profile attributes are not only text: a number, a boolean and a list of strings
 * reach the rules as Okta sends them, through the real SDK against the simulated Okta. A list
 * gives secondary teams, a number matches a role by its text, and a list where one value is
 * expected is bad data: that user is skipped with a reason naming the email and the attribute,
 * and the others are provisioned.
 */

const DOMAIN = 'acme.example';
/** Demo company roles and teams (simulators/seeds/demo-company.ts). */
const ROLE = { salesManager: '2001', salesRep: '2002' };
const TEAM = { sales: '3001', marketing: '3002' };

const RULES = {
  roles: { sources: [{ attribute: 'level' }, 'title'], aliases: { '3': 'Sales Manager' } },
  teams: { primary: [{ attribute: 'mainTeam' }], secondary: [{ attribute: 'hubspotTeams' }] },
};

describe('custom attributes of every type Okta has', () => {
  let rig: PipelineRig;
  let daemon: Daemon;

  beforeAll(async () => {
    rig = await startPipelineRig({ rules: RULES });
    const a = rig.okta.sim.admin;
    a.createUser({ login: `list.teams@${DOMAIN}`, firstName: 'List', lastName: 'Teams', title: 'Sales Rep', assign: true, profile: { hubspotTeams: ['Sales', 'Marketing'], mainTeam: 'Sales', level: 3 } });
    a.createUser({ login: `comma.teams@${DOMAIN}`, firstName: 'Comma', lastName: 'Teams', title: 'Sales Rep', assign: true, profile: { hubspotTeams: 'Marketing', contractor: false } });
    a.createUser({ login: `two.levels@${DOMAIN}`, firstName: 'Two', lastName: 'Levels', title: 'Sales Rep', assign: true, profile: { level: ['1', '2'] } });
    daemon = rig.daemon({ roles: { poller: false, scheduler: true, workers: true } });
    await daemon.start();
    await eventually(async () => (await daemon.state.plans.latest())?.status === 'done', 'the first reconciliation');
  });

  afterAll(async () => {
    await rig.stop();
  });

  test('Okta sends the values with their types', async () => {
    const candidate = await rig.okta.client().getCandidate(rig.okta.sim.admin.getUser(`list.teams@${DOMAIN}`)?.id ?? '');
    expect(candidate?.profile).toMatchObject({ hubspotTeams: ['Sales', 'Marketing'], level: 3 });
    const comma = await rig.okta.client().getCandidate(rig.okta.sim.admin.getUser(`comma.teams@${DOMAIN}`)?.id ?? '');
    expect(comma?.profile).toMatchObject({ contractor: false });
  });

  test('a list gives the secondary teams, a number matches a role by its text', async () => {
    const user = await eventually(() => rig.hubspot.sim.admin.user(`list.teams@${DOMAIN}`) ?? undefined, 'the user created in HubSpot');
    expect(user.roleIds).toEqual([ROLE.salesManager]);
    expect(user.primaryTeamId).toBe(TEAM.sales);
    // The primary team is left out of the secondary ones.
    expect(user.secondaryTeamIds).toEqual([TEAM.marketing]);
    const comma = await eventually(() => rig.hubspot.sim.admin.user(`comma.teams@${DOMAIN}`) ?? undefined, 'the second user created in HubSpot');
    expect(comma.roleIds).toEqual([ROLE.salesRep]);
    expect(comma.secondaryTeamIds).toEqual([TEAM.marketing]);
  });

  test('a list where one value is expected skips that user, naming the email and the attribute', async () => {
    const latest = await daemon.state.plans.latest();
    const skipped = latest?.plan.actions.find((x) => x.email === `two.levels@${DOMAIN}`);
    expect(skipped).toMatchObject({ kind: 'skip', code: 'bad-data' });
    expect(skipped?.reason).toContain(`two.levels@${DOMAIN}'s attribute level is a list of 2 values where one is expected`);
    expect(rig.hubspot.sim.admin.user(`two.levels@${DOMAIN}`)).toBeNull();
  });
});
