import { planSync } from '../../../src/sync/planner';
import type { PlanInput } from '../../../src/sync/types';
import { applyPlan } from './apply-plan';
import { NOW, candidate, hubspotUser, managed, mutating, onlyAction, planInput, rules, withManaged, type RulesInput } from './fixtures';

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.parse(NOW) - n * DAY).toISOString();
const withRules = (input: PlanInput, r: RulesInput) => ({ ...input, rules: rules(r) });

describe('leaving scope', () => {
  const leaver = managed('gone', '101', { candidate: { title: 'Sales Rep' } });
  const ways: Array<[string, PlanInput]> = [
    ['unassigned (still listed)', withManaged([{ ...leaver, candidate: { ...leaver.candidate, assigned: false, assignedVia: null } }])],
    ['deactivated', withManaged([{ ...leaver, candidate: { ...leaver.candidate, status: 'DEPROVISIONED' } }])],
    ['missing from the full list of assignments', { ...withManaged([leaver]), candidates: [] }],
    ['gone from Okta (users mode)', { ...withManaged([leaver]), mode: 'users', oktaUserIds: ['gone'], candidates: [] }],
  ];

  it.each(ways)('%s → delete under policy delete', (_label, input) => {
    expect(onlyAction(planSync(input), 'gone')).toMatchObject({ kind: 'delete', code: 'left-scope', hubspotUserId: '101', email: 'gone@acme.example' });
  });

  it.each(ways)('%s → only reported under policy report', (_label, input) => {
    expect(onlyAction(planSync(withRules(input, { policies: { leaveScope: 'report' } })), 'gone')).toMatchObject({ kind: 'skip', code: 'report-only' });
  });

  it.each(ways)('%s → downgraded at once under policy downgrade', (_label, input) => {
    const action = onlyAction(planSync(withRules(input, { policies: { leaveScope: 'downgrade', graceDays: 7 } })), 'gone');
    expect(action).toMatchObject({ kind: 'update', code: 'left-scope-downgrade', ledger: { downgradedAt: NOW } });
    expect(action.changes).toEqual([expect.objectContaining({ field: 'roleId', before: '2002', after: null })]);
  });

  it('users mode leaves alone managed users it was not asked about', () => {
    const other = managed('other', '102');
    const plan = planSync({ ...withManaged([leaver, other]), mode: 'users', oktaUserIds: ['gone'], candidates: [] });
    expect(plan.actions.map((a) => a.oktaUserId)).toEqual(['gone']);
  });

  it.each<[string, string | undefined, number, string, string]>([
    ['downgraded 3 of 7 days ago: wait, reported', daysAgo(3), 7, 'skip', 'left-scope-downgrade'],
    ['downgraded 7 of 7 days ago: delete', daysAgo(7), 7, 'delete', 'grace-expired'],
    ['downgraded 30 days ago: delete', daysAgo(30), 7, 'delete', 'grace-expired'],
    ['grace 0: delete at once', undefined, 0, 'delete', 'left-scope'],
  ])('downgrade policy, %s', (_label, downgradedAt, graceDays, kind, code) => {
    const m = managed('gone', '101', { candidate: { status: 'DEPROVISIONED' }, hubspot: { roleId: undefined, roleIds: [] }, ledger: { downgradedAt: downgradedAt ?? null } });
    expect(onlyAction(planSync(withManaged([m], { rules: rules({ policies: { leaveScope: 'downgrade', graceDays } }) })), 'gone')).toMatchObject({ kind, code });
  });

  it('a downgraded user given a role again in HubSpot is stripped again, without restarting the grace period', () => {
    const m = managed('gone', '101', { candidate: { status: 'DEPROVISIONED', title: 'Sales Rep' }, ledger: { downgradedAt: daysAgo(2) } });
    const action = onlyAction(planSync(withManaged([m], { rules: rules({ policies: { leaveScope: 'downgrade' } }) })), 'gone');
    expect(action).toMatchObject({ kind: 'update', code: 'left-scope-downgrade' });
    expect(action.ledger).toBeUndefined();
  });

  it('a downgraded user back in scope gets the role back and the pending deletion cancelled', () => {
    const m = managed('back', '101', { candidate: { title: 'Sales Rep' }, hubspot: { roleId: undefined, roleIds: [] }, ledger: { downgradedAt: daysAgo(2) } });
    const action = onlyAction(planSync(withManaged([m], { rules: rules({ policies: { leaveScope: 'downgrade' } }) })), 'back');
    expect(action).toMatchObject({ kind: 'update', ledger: { downgradedAt: null } });
    expect(action.changes).toEqual([expect.objectContaining({ field: 'roleId', after: '2002' })]);
  });

  it('a managed user already deleted in HubSpot who left scope just drops the ledger entry', () => {
    const m = managed('gone', '101', { candidate: { status: 'DEPROVISIONED' } });
    const plan = planSync({ ...withManaged([m]), hubspotUsers: [] });
    expect(onlyAction(plan, 'gone')).toMatchObject({ kind: 'skip', code: 'deleted-in-hubspot', ledger: { remove: true } });
  });
});

describe('email change in Okta', () => {
  const m = managed('ann', '101', { candidate: { title: 'Sales Rep' } });
  const changed = withManaged([{ ...m, candidate: { ...m.candidate, email: 'ann.new@acme.example' } }]);

  it('policy report → skip, the user is left as it is', () => {
    expect(onlyAction(planSync(changed), 'ann')).toMatchObject({ kind: 'skip', code: 'email-changed', reason: expect.stringContaining('from ann@acme.example to ann.new@acme.example') });
  });

  it('a change of case only is no change', () => {
    const plan = planSync(withManaged([{ ...m, candidate: { ...m.candidate, email: 'ANN@acme.example' } }]));
    expect(plan.actions).toEqual([]);
  });

  it('policy replace → create the new email with the same role, delete the old, as one pair', () => {
    const plan = planSync(withRules(changed, { policies: { emailChange: 'replace' } }));
    const [create, remove] = plan.actions;
    expect(plan.actions).toHaveLength(2);
    expect(create).toMatchObject({ kind: 'create', code: 'email-change-replace', email: 'ann.new@acme.example' });
    expect(create?.desired?.roleId).toBe('2002');
    expect(remove).toMatchObject({ kind: 'delete', code: 'email-change-replace', hubspotUserId: '101' });
    expect(create?.pairId).toBeDefined();
    expect(create?.pairId).toBe(remove?.pairId);
  });

  it('policy replace adopts a HubSpot user that already has the new email instead of creating one', () => {
    const input = withRules({ ...changed, hubspotUsers: [...changed.hubspotUsers, hubspotUser('202', 'ann.new@acme.example')] }, { policies: { emailChange: 'replace' } });
    const plan = planSync(input);
    expect(plan.actions.map((a) => [a.kind, a.hubspotUserId])).toEqual([
      ['adopt', '202'],
      ['delete', '101'],
    ]);
  });

  it('policy replace never takes over a super admin with the new email', () => {
    const input = withRules({ ...changed, hubspotUsers: [...changed.hubspotUsers, hubspotUser('202', 'ann.new@acme.example', { superAdmin: true })] }, { policies: { emailChange: 'replace' } });
    expect(mutating(planSync(input))).toEqual([]);
  });

  it('the pair converges: planning again after applying it changes nothing', () => {
    const input = withRules(changed, { policies: { emailChange: 'replace' } });
    const after = applyPlan(input, planSync(input), NOW);
    expect(mutating(planSync({ ...input, ...after }))).toEqual([]);
  });
});

describe('managed user deleted by hand in HubSpot', () => {
  const m = managed('ann', '101', { candidate: { title: 'Sales Rep' } });
  const deleted = { ...withManaged([m]), hubspotUsers: [] };

  it('forget (default) → skip, mark the entry forgotten, and do not create it again later', () => {
    const first = planSync(deleted);
    expect(onlyAction(first, 'ann')).toMatchObject({ kind: 'skip', code: 'deleted-in-hubspot', ledger: { forgottenAt: NOW } });
    const after = applyPlan(deleted, first, NOW);
    const second = planSync({ ...deleted, ...after });
    expect(onlyAction(second, 'ann')).toMatchObject({ kind: 'skip', code: 'deleted-in-hubspot' });
    expect(onlyAction(second, 'ann').ledger).toBeUndefined();
  });

  it('recreate → create again', () => {
    expect(onlyAction(planSync(withRules(deleted, { policies: { deletedInHubSpot: 'recreate' } })), 'ann')).toMatchObject({ kind: 'create', code: 'recreate' });
  });

  it('users mode decides the same when the caller passed the HubSpot lookups', () => {
    expect(onlyAction(planSync({ ...deleted, mode: 'users', oktaUserIds: ['ann'] }), 'ann')).toMatchObject({ code: 'deleted-in-hubspot' });
  });

  it('re-created by hand (new id, same email) → adopted, not duplicated', () => {
    const plan = planSync({ ...deleted, hubspotUsers: [hubspotUser('303', 'ann@acme.example')] });
    expect(onlyAction(plan, 'ann')).toMatchObject({ kind: 'adopt', hubspotUserId: '303' });
  });

  it('a forgotten user who leaves scope is dropped from the ledger, and created afresh if they come back', () => {
    const forgotten = { ...m, entry: { ...m.entry, forgottenAt: daysAgo(3) } };
    const leaving = planSync({ ...withManaged([{ ...forgotten, candidate: { ...m.candidate, assigned: false } }]), hubspotUsers: [] });
    expect(onlyAction(leaving, 'ann')).toMatchObject({ kind: 'skip', ledger: { remove: true } });
    const back = planSync(planInput({ candidates: [m.candidate] }));
    expect(onlyAction(back, 'ann')).toMatchObject({ kind: 'create' });
  });
});

describe('idempotence', () => {
  it('planning against the state a plan leaves yields no create, update, delete or adopt', () => {
    const a = managed('a', '101', { candidate: { title: 'Sales Manager' } });
    const drifted = managed('b', '102', { candidate: { title: 'Sales Rep' }, hubspot: { roleId: '2007', roleIds: ['2007'] } });
    const leaving = managed('c', '103', { candidate: { status: 'DEPROVISIONED' } });
    const input = withManaged([a, drifted, leaving], {
      rules: rules({ scope: { statuses: { SUSPENDED: 'strip' } }, policies: { leaveScope: 'downgrade' } }),
      candidates: [candidate('new', { title: 'Sales Rep' }), candidate('adoptee', { email: 'adopt@acme.example' }), candidate('s', { status: 'SUSPENDED' })],
      hubspotUsers: [hubspotUser('200', 'ADOPT@acme.example', { roleId: '2007' }), hubspotUser('201', 'agency@partner.example')],
    });
    const first = planSync(input);
    expect(mutating(first).length).toBeGreaterThan(0);
    const second = planSync({ ...input, ...applyPlan(input, first, NOW) });
    expect(mutating(second)).toEqual([]);
    expect(second.summary.inSync).toBe(4);
  });
});
