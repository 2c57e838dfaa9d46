import { evaluateDeletionGuard } from '../../../src/sync/deletion-guard';
import { planSync } from '../../../src/sync/planner';
import { NOW, managed, mutating, rules, withManaged, type RulesInput } from './fixtures';
import { applyPlan } from './apply-plan';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `h${i}`);
const guard = rules().guard;

describe('evaluateDeletionGuard (defaults: 50, or ≥10 and >20%)', () => {
  it.each<[string, number, number, number, boolean]>([
    ['50 of 1000: at the limit', 50, 0, 1000, false],
    ['51 of 1000: over maxDeletes', 51, 0, 1000, true],
    ['40 in the plan + 11 this hour', 40, 11, 1000, true],
    ['9 of 10: under minDeletesForPercent', 9, 0, 10, false],
    ['10 of 50: exactly 20%', 10, 0, 50, false],
    ['10 of 49: more than 20%', 10, 0, 49, true],
    ['5 in the plan + 5 this hour of 40', 5, 5, 40, true],
    ['none in the plan: nothing to hold', 0, 100, 10, false],
    ['10 with nothing managed', 10, 0, 0, true],
  ])('%s → held %s', (_label, planned, recent, managedCount, tripped) => {
    const verdict = evaluateDeletionGuard({ deletions: ids(planned), recentDeletions: recent, managedCount, approved: new Set(), guard });
    expect(verdict.tripped).toBe(tripped);
    expect(verdict.held.every((h) => h === tripped)).toBe(true);
  });

  it('lets approved deletions through and says why the rest wait', () => {
    const verdict = evaluateDeletionGuard({ deletions: ids(60), recentDeletions: 0, managedCount: 1000, approved: new Set(['h3']), guard });
    expect(verdict.held.filter((h) => !h)).toHaveLength(1);
    expect(verdict.held[3]).toBe(false);
    expect(verdict.reason).toBe('60 deletions exceed guard.maxDeletes (50): held until an operator approves them');
  });
});

describe('the guard in the plan', () => {
  const leavers = (n: number) => Array.from({ length: n }, (_, i) => managed(`gone${i}`, `${100 + i}`, { candidate: { status: 'DEPROVISIONED' } }));
  const stay = managed('stay', '999', { candidate: { title: 'Sales Rep' }, hubspot: { roleId: '2007', roleIds: ['2007'] } });
  const plan = (extra: RulesInput, over: { approved?: string[]; recent?: number } = {}) =>
    planSync({ ...withManaged([...leavers(4), stay], { rules: rules({ guard: { maxDeletes: 3 }, ...extra }) }), approvedDeletions: over.approved ?? [], recentDeletions: over.recent ?? 0 });

  it('moves every deletion to held when tripped; the rest of the plan goes ahead', () => {
    const p = plan({});
    expect(p.actions.filter((a) => a.kind === 'delete')).toEqual([]);
    expect(p.held?.actions.map((a) => a.hubspotUserId)).toEqual(['100', '101', '102', '103']);
    expect(p.held?.reason).toContain('guard.maxDeletes (3)');
    expect(p.summary).toMatchObject({ delete: 0, held: 4, update: 1 });
  });

  it('approved deletions go ahead', () => {
    const p = plan({}, { approved: ['101'] });
    expect(p.actions.filter((a) => a.kind === 'delete').map((a) => a.hubspotUserId)).toEqual(['101']);
    expect(p.held?.actions).toHaveLength(3);
  });

  it('counts deletions already made this hour', () => {
    expect(planSync({ ...withManaged(leavers(2), { rules: rules({ guard: { maxDeletes: 3 } }) }), recentDeletions: 2 }).held?.actions).toHaveLength(2);
  });

  it('counts downgrades as deletions', () => {
    const p = plan({ policies: { leaveScope: 'downgrade' } });
    expect(p.actions.filter((a) => a.code === 'left-scope-downgrade')).toEqual([]);
    expect(p.held?.actions.map((a) => a.code)).toEqual(Array(4).fill('left-scope-downgrade'));
    expect(p.summary.held).toBe(4);
  });

  it('holds an email-change pair together: no new user while the old one cannot go', () => {
    const changers = Array.from({ length: 4 }, (_, i) => {
      const m = managed(`c${i}`, `${200 + i}`);
      return { ...m, candidate: { ...m.candidate, email: `c${i}.new@acme.example` } };
    });
    const p = planSync(withManaged(changers, { rules: rules({ guard: { maxDeletes: 3 }, policies: { emailChange: 'replace' } }) }));
    expect(mutating(p)).toEqual([]);
    expect(p.held?.actions.map((a) => a.kind).sort()).toEqual([...Array(4).fill('create'), ...Array(4).fill('delete')]);
    expect(p.summary.held).toBe(4);
    const approved = planSync({ ...withManaged(changers, { rules: rules({ guard: { maxDeletes: 3 }, policies: { emailChange: 'replace' } }) }), approvedDeletions: ['201'] });
    expect(mutating(approved).map((a) => `${a.kind} ${a.email}`)).toEqual(['create c1.new@acme.example', 'delete c1@acme.example']);
  });

  it('held deletions stay held on the next plan, and nothing else is left to do', () => {
    const input = withManaged([...leavers(4), stay], { rules: rules({ guard: { maxDeletes: 3 } }) });
    const first = planSync(input);
    const second = planSync({ ...input, ...applyPlan(input, first, NOW) });
    expect(mutating(second)).toEqual([]);
    expect(second.held?.actions).toHaveLength(4);
  });
});
