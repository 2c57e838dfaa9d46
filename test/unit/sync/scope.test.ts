import { scopeOf } from '../../../src/sync/scope';
import { planSync } from '../../../src/sync/planner';
import { candidate, managed, planInput, rules, withManaged } from './fixtures';

describe('scopeOf', () => {
  const statuses = rules({ scope: { statuses: { SUSPENDED: 'strip' } } }).scope.statuses;
  it.each([
    ['ACTIVE', true, 'in'],
    ['PASSWORD_EXPIRED', true, 'in'],
    ['LOCKED_OUT', true, 'in'],
    ['RECOVERY', true, 'in'],
    ['STAGED', true, 'pending'],
    ['PROVISIONED', true, 'pending'],
    ['SUSPENDED', true, 'strip'],
    ['DEPROVISIONED', true, 'out'],
    ['active', true, 'in'],
    ['SOMETHING_NEW', true, 'pending'],
    ['constructor', true, 'pending'],
    ['', true, 'pending'],
    ['ACTIVE', false, 'out'],
    ['STAGED', false, 'out'],
  ])('status %s, assigned %s → %s', (status, assigned, scope) => {
    expect(scopeOf({ status, assigned }, statuses).scope).toBe(scope);
  });

  it('says why in words an operator understands', () => {
    expect(scopeOf({ status: 'WEIRD', assigned: true }, statuses).why).toContain('WEIRD is not named in rules.scope.statuses');
    expect(scopeOf({ status: 'ACTIVE', assigned: false }, statuses).why).toBe('not assigned to the HubSpot app');
  });
});

describe('scope in the plan', () => {
  it('creates in-scope users, directly or group-assigned, and nobody pending or out', () => {
    const plan = planSync(
      planInput({
        candidates: [
          candidate('direct'),
          candidate('group', { assignedVia: 'GROUP' }),
          candidate('staged', { status: 'STAGED' }),
          candidate('unknown', { status: 'BRAND_NEW_STATUS' }),
          candidate('suspended', { status: 'SUSPENDED' }),
          candidate('unassigned', { assigned: false, assignedVia: null }),
        ],
      }),
    );
    expect(plan.actions.filter((a) => a.kind === 'create').map((a) => a.oktaUserId)).toEqual(['direct', 'group']);
    expect(plan.actions.filter((a) => a.code === 'not-yet-active').map((a) => a.oktaUserId)).toEqual(['staged', 'unknown']);
    expect(plan.actions.some((a) => a.oktaUserId === 'suspended' || a.oktaUserId === 'unassigned')).toBe(false);
  });

  it('leaves a pending managed user untouched, even when HubSpot differs', () => {
    const m = managed('p', '101', { candidate: { status: 'STAGED', title: 'Sales Rep' }, hubspot: { roleId: '2007', roleIds: ['2007'] } });
    const plan = planSync(withManaged([m]));
    expect(plan.actions).toEqual([expect.objectContaining({ kind: 'skip', code: 'not-yet-active', hubspotUserId: '101' })]);
    expect(plan.actions[0]?.reason).toContain('left as it is');
  });

  it('strip keeps a managed user with no role and no seat, and creates nobody', () => {
    const strip = rules({ scope: { statuses: { SUSPENDED: 'strip' } }, seats: { mode: 'named', byTitle: { 'Sales Rep': ['Sales Hub'] } } });
    const m = managed('s', '101', { candidate: { status: 'SUSPENDED', title: 'Sales Rep' }, hubspot: { seatNames: ['Sales Hub'] } });
    const plan = planSync(withManaged([m], { rules: strip, candidates: [candidate('new', { status: 'SUSPENDED' })] }));
    const update = plan.actions.find((a) => a.oktaUserId === 's');
    expect(update?.kind).toBe('update');
    expect(update?.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'roleId', after: null }), expect.objectContaining({ field: 'seatNames', after: [] })]),
    );
    expect(plan.actions.some((a) => a.oktaUserId === 'new')).toBe(false);
  });

  it('out of scope by status is leaving scope for a managed user', () => {
    const m = managed('gone', '101', { candidate: { status: 'DEPROVISIONED' } });
    const plan = planSync(withManaged([m]));
    expect(plan.actions).toEqual([expect.objectContaining({ kind: 'delete', code: 'left-scope', hubspotUserId: '101' })]);
  });
});
