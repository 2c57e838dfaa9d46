import { planSync } from '../../../src/sync/planner';
import { candidate, hubspotUser, managed, onlyAction, planInput, rules, withManaged } from './fixtures';

describe('Okta wins for managed users', () => {
  it('counts a managed user that matches as in sync, with no action', () => {
    const plan = planSync(withManaged([managed('a', '101', { candidate: { title: 'Sales Rep' } })]));
    expect(plan.actions).toEqual([]);
    expect(plan.summary.inSync).toBe(1);
  });

  it.each<[string, Parameters<typeof managed>[2], string[], 'drift' | 'okta-change']>([
    ['role edited in HubSpot', { candidate: { title: 'Sales Rep' }, hubspot: { roleId: '2007', roleIds: ['2007'] } }, ['roleId'], 'drift'],
    ['role removed in HubSpot', { candidate: { title: 'Sales Rep' }, hubspot: { roleId: undefined, roleIds: [] } }, ['roleId'], 'drift'],
    ['first name edited in HubSpot', { hubspot: { firstName: 'Edited' } }, ['firstName'], 'drift'],
    ['last name edited in HubSpot', { hubspot: { lastName: 'Edited' } }, ['lastName'], 'drift'],
  ])('%s → update back to Okta (drift)', (_label, over, fields, code) => {
    const m = managed('a', '101', over);
    const plan = planSync(withManaged([m]));
    const action = onlyAction(plan, 'a');
    expect(action).toMatchObject({ kind: 'update', code, drift: true, hubspotUserId: '101' });
    expect(action.changes?.map((c) => c.field)).toEqual(fields);
    expect(plan.summary.drift).toBe(1);
  });

  it.each<[string, Parameters<typeof candidate>[1], string, string | null]>([
    ['Title changed in Okta', { title: 'Sales Manager' }, 'roleId', '2001'],
    ['Title now matches nothing', { title: 'Poet' }, 'roleId', null],
    ['first name changed in Okta', { firstName: 'Renamed' }, 'firstName', 'Renamed'],
  ])('%s → update (okta-change, not drift)', (_label, change, field, after) => {
    const m = managed('a', '101', { candidate: { title: 'Sales Rep' } });
    const plan = planSync(withManaged([{ ...m, candidate: { ...m.candidate, ...change } }]));
    const action = onlyAction(plan, 'a');
    expect(action).toMatchObject({ kind: 'update', code: 'okta-change', drift: false });
    expect(action.changes).toEqual([expect.objectContaining({ field, after })]);
  });

  it('labels role changes with names for people', () => {
    const m = managed('a', '101', { candidate: { title: 'Sales Rep' }, hubspot: { roleId: '2007', roleIds: ['2007'] } });
    const change = onlyAction(planSync(withManaged([m])), 'a').changes?.[0];
    expect(change).toEqual({ field: 'roleId', before: '2007', after: '2002', beforeLabel: 'Admin', afterLabel: 'Sales Rep' });
  });

  it('puts back named seats edited in HubSpot', () => {
    const named = rules({ seats: { mode: 'named', byRole: { 'Sales Rep': ['Sales Hub'] } } });
    const m = managed('a', '101', { candidate: { title: 'Sales Rep' }, hubspot: { seatNames: ['Sales Hub'] } });
    const edited = { ...m, hubspot: { ...m.hubspot, seatNames: ['Sales Hub', 'Service Hub'] } };
    const action = onlyAction(planSync(withManaged([edited], { rules: named })), 'a');
    expect(action).toMatchObject({ kind: 'update', code: 'drift' });
    expect(action.changes).toEqual([{ field: 'seatNames', before: ['Sales Hub', 'Service Hub'], after: ['Sales Hub'] }]);
  });

  it('without a lastApplied record (a rebuilt ledger) a difference is an Okta change', () => {
    const m = managed('a', '101', { hubspot: { firstName: 'Other' }, ledger: { how: 'rebuilt', lastApplied: null } });
    expect(onlyAction(planSync(withManaged([m])), 'a')).toMatchObject({ code: 'okta-change', drift: false });
  });

  it('maps Okta groups to a primary team only when the rules say so', () => {
    const m = managed('a', '101', { candidate: { groupIds: ['00gSales'] } });
    expect(planSync(withManaged([m])).actions).toEqual([]);
    const withTeams = planSync(withManaged([m], { rules: rules({ teams: { byGroup: { '00gOther': '3009', '00gSales': '3001' } } }) }));
    expect(onlyAction(withTeams, 'a').changes).toEqual([{ field: 'primaryTeamId', before: null, after: '3001' }]);
  });

  it('never clears a name Okta does not have', () => {
    const m = managed('a', '101');
    const plan = planSync(withManaged([{ ...m, candidate: { ...m.candidate, firstName: null } }]));
    expect(plan.actions).toEqual([]);
  });
});

describe('adoption', () => {
  it.each([
    ['same email', 'ann@acme.example'],
    ['email differs by case', 'Ann@ACME.example'],
  ])('an unmanaged HubSpot user with the %s is adopted, never duplicated', (_label, hubspotEmail) => {
    const plan = planSync(
      planInput({
        candidates: [candidate('ann', { email: 'ann@acme.example', title: 'Sales Rep' })],
        hubspotUsers: [hubspotUser('55', hubspotEmail, { firstName: 'First', lastName: 'ann', roleId: '2004' })],
      }),
    );
    expect(plan.actions).toEqual([expect.objectContaining({ kind: 'adopt', code: 'adopt-email-match', hubspotUserId: '55' })]);
    expect(plan.actions[0]?.changes).toEqual([expect.objectContaining({ field: 'roleId', before: '2004', after: '2002' })]);
    expect(plan.summary).toMatchObject({ adopt: 1, create: 0 });
  });

  it('adopts even when nothing needs changing (the user becomes managed)', () => {
    const plan = planSync(planInput({ candidates: [candidate('ann')], hubspotUsers: [hubspotUser('55', 'ann@acme.example', { firstName: 'First', lastName: 'ann', roleId: '2004' })] }));
    expect(plan.actions).toEqual([expect.objectContaining({ kind: 'adopt', changes: [] })]);
  });

  it('does not adopt an out-of-scope or pending Okta user', () => {
    const plan = planSync(
      planInput({
        candidates: [candidate('a', { status: 'SUSPENDED' }), candidate('b', { status: 'STAGED' })],
        hubspotUsers: [hubspotUser('1', 'a@acme.example'), hubspotUser('2', 'b@acme.example')],
      }),
    );
    expect(plan.actions.some((a) => a.kind === 'adopt')).toBe(false);
  });
});

describe('hands off', () => {
  it('reports every unmanaged, super admin and protected HubSpot user once, and never changes them', () => {
    const plan = planSync(
      planInput({
        rules: rules({ protected: ['VIP@acme.example'] }),
        candidates: [candidate('root', { email: 'root@acme.example', title: 'Sales Rep' }), candidate('vip', { email: 'vip@acme.example' })],
        hubspotUsers: [hubspotUser('1', 'root@acme.example', { superAdmin: true }), hubspotUser('2', 'vip@acme.example'), hubspotUser('3', 'agency@partner.example')],
      }),
    );
    expect(plan.actions.map((a) => [a.kind, a.code, a.hubspotUserId])).toEqual([
      ['skip', 'super-admin', '1'],
      ['skip', 'protected', '2'],
      ['skip', 'unmanaged', '3'],
    ]);
  });

  it('reports each hands-off HubSpot user once even when an Okta user matches it', () => {
    const plan = planSync(planInput({ candidates: [candidate('root', { email: 'root@acme.example' })], hubspotUsers: [hubspotUser('1', 'root@acme.example', { superAdmin: true })] }));
    expect(plan.actions.filter((a) => a.hubspotUserId === '1')).toHaveLength(1);
  });

  it('never updates or deletes a managed user who became a super admin or protected', () => {
    const admin = managed('a', '101', { candidate: { title: 'Sales Rep' }, hubspot: { superAdmin: true } });
    const vip = managed('v', '102', { candidate: { status: 'DEPROVISIONED' } });
    const plan = planSync(withManaged([admin, vip], { rules: rules({ protected: ['v@acme.example'] }) }));
    expect(plan.actions.map((a) => [a.kind, a.code])).toEqual([
      ['skip', 'super-admin'],
      ['skip', 'protected'],
    ]);
  });

  it('users mode reports nothing about HubSpot users it was not asked about', () => {
    const plan = planSync(planInput({ mode: 'users', oktaUserIds: ['x'], candidates: [candidate('x')], hubspotUsers: [hubspotUser('3', 'agency@partner.example')] }));
    expect(plan.actions.map((a) => a.kind)).toEqual(['create']);
  });
});
