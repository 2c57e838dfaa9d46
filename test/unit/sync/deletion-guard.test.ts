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
    expect(verdict.fate.every((f) => f === (tripped ? 'held' : 'go'))).toBe(true);
  });

  it('lets approved deletions through and says why the rest wait', () => {
    const verdict = evaluateDeletionGuard({ deletions: ids(60), recentDeletions: 0, managedCount: 1000, approved: new Set(['h3']), guard });
    expect(verdict.fate.filter((f) => f === 'go')).toHaveLength(1);
    expect(verdict.fate[3]).toBe('go');
    expect(verdict.reason).toBe('60 of the 1000 managed users are leaving: more than guard.maxDeletes (50): held until an operator approves or rejects them');
  });

  it('says true figures: who is leaving, and what was already deleted this hour', () => {
    expect(evaluateDeletionGuard({ deletions: ids(12), recentDeletions: 0, managedCount: 46, approved: new Set(), guard }).reason).toBe(
      '12 of the 46 managed users are leaving: 26.1%, more than guard.maxDeletePercent (20%): held until an operator approves or rejects them',
    );
    const batch = evaluateDeletionGuard({ deletions: ids(1), recentDeletions: 1, expectedDeletions: 11, managedCount: 46, approved: new Set(), guard });
    expect(batch.reason).toBe('12 of the 46 managed users are leaving and 1 deletion was made in the last hour (13 in all): 28.3%, more than guard.maxDeletePercent (20%): held until an operator approves or rejects them');
  });

  it('counts users known to be leaving with this plan (a batch of events is judged as a whole)', () => {
    expect(evaluateDeletionGuard({ deletions: ids(1), recentDeletions: 0, expectedDeletions: 11, managedCount: 46, approved: new Set(), guard }).tripped).toBe(true);
    expect(evaluateDeletionGuard({ deletions: ids(1), recentDeletions: 0, expectedDeletions: 0, managedCount: 46, approved: new Set(), guard }).tripped).toBe(false);
  });

  it('keeps a pending hold whatever the figures are now, and new deletions join it', () => {
    const pending = new Set(['h0', 'h1']);
    const grown = evaluateDeletionGuard({ deletions: ['h0', 'h1'], recentDeletions: 0, managedCount: 100_000, approved: new Set(), pending, pendingId: 'hold-1', guard });
    expect(grown.fate).toEqual(['held', 'held']);
    expect(grown.reason).toContain('hold hold-1');
    const joined = evaluateDeletionGuard({ deletions: ['h0', 'h9'], recentDeletions: 0, managedCount: 100_000, approved: new Set(), pending, pendingId: 'hold-1', guard });
    expect(joined.fate).toEqual(['held', 'held']);
    expect(joined.reason).toContain('new deletions join it');
  });

  it('never carries out a rejected deletion, and holds everything while holdAll says why', () => {
    const v = evaluateDeletionGuard({ deletions: ['h0', 'h1'], recentDeletions: 0, managedCount: 1000, approved: new Set(), rejected: new Set(['h0']), guard });
    expect(v.fate).toEqual(['rejected', 'go']);
    const all = evaluateDeletionGuard({ deletions: ['h0'], recentDeletions: 0, managedCount: 1000, approved: new Set(), holdAll: 'Redis lost its data', guard });
    expect(all.fate).toEqual(['held']);
    expect(all.reason).toContain('Redis lost its data');
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

  it('an email-change pair whose old user cannot go yet creates the new user, linked as replacing the old one', () => {
    const changers = Array.from({ length: 4 }, (_, i) => {
      const m = managed(`c${i}`, `${200 + i}`);
      return { ...m, candidate: { ...m.candidate, email: `c${i}.new@acme.example` } };
    });
    const p = planSync(withManaged(changers, { rules: rules({ guard: { maxDeletes: 3 }, policies: { emailChange: 'replace' } }) }));
    expect(mutating(p).map((a) => `${a.kind} ${a.email} replaces ${a.ledger?.replaces?.hubspotUserId}`)).toEqual([0, 1, 2, 3].map((i) => `create c${i}.new@acme.example replaces ${200 + i}`));
    expect(p.held?.actions.map((a) => `${a.kind} ${a.hubspotUserId}`)).toEqual(['delete 200', 'delete 201', 'delete 202', 'delete 203']);
    expect(p.summary.held).toBe(4);
    const approved = planSync({ ...withManaged(changers, { rules: rules({ guard: { maxDeletes: 3 }, policies: { emailChange: 'replace' } }) }), approvedDeletions: ['201'] });
    expect(mutating(approved).filter((a) => a.kind === 'delete').map((a) => `${a.kind} ${a.email}`)).toEqual(['delete c1@acme.example']);
    expect(mutating(approved).filter((a) => a.kind === 'create')).toHaveLength(4);
  });

  it('a seat moves over to the new user of an email change only when the old one is deleted in the same plan', () => {
    const old = managed('c0', '200', { candidate: { title: 'Sales Rep' }, hubspot: { seatNames: ['Sales Hub'] } });
    const m = { ...old, candidate: { ...old.candidate, email: 'c0.new@acme.example' } };
    const seatRules = (maxDeletes: number) => rules({ guard: { maxDeletes }, policies: { emailChange: 'replace' }, seats: { mode: 'named', byTitle: { 'Sales Rep': ['Sales Hub'] } } });
    const input = (maxDeletes: number) => withManaged([m], { rules: seatRules(maxDeletes), seats: [{ name: 'Sales Hub', remainingSeats: 0 }] });
    // The deletion goes ahead: the seat moves over (the worker gives it once the old user is gone).
    const ahead = planSync(input(5));
    expect(mutating(ahead).find((a) => a.kind === 'create')?.desired?.seatNames).toEqual(['Sales Hub']);
    expect(ahead.seats.find((s) => s.seat === 'Sales Hub')).toMatchObject({ remaining: 0, waiting: [] });
    // The deletion waits in a hold: the old user keeps the seat; with none free, the new one waits for it.
    const held = planSync(input(0));
    expect(held.held?.actions.map((a) => `${a.kind} ${a.hubspotUserId}`)).toEqual(['delete 200']);
    expect(mutating(held).find((a) => a.kind === 'create')?.desired?.seatNames).toEqual([]);
    expect(held.seats.find((s) => s.seat === 'Sales Hub')).toMatchObject({ remaining: 0, waiting: [expect.objectContaining({ oktaUserId: 'c0' })] });
  });

  it('the old user of an email change stays held after the new one is linked, and goes with the user when they leave scope', () => {
    const changers = Array.from({ length: 4 }, (_, i) => {
      const m = managed(`c${i}`, `${200 + i}`);
      return { ...m, candidate: { ...m.candidate, email: `c${i}.new@acme.example` } };
    });
    const r = rules({ guard: { maxDeletes: 3 }, policies: { emailChange: 'replace' } });
    const input = withManaged(changers, { rules: r });
    const state = applyPlan({ hubspotUsers: input.hubspotUsers, ledger: input.ledger, seats: input.seats }, planSync(input), NOW);
    expect(state.ledger.map((e) => `${e.email} replaces ${e.replaces?.hubspotUserId}`)).toEqual([0, 1, 2, 3].map((i) => `c${i}.new@acme.example replaces ${200 + i}`));
    expect(state.hubspotUsers).toHaveLength(8);
    // The next plan: the new users are in sync; the old ones' deletions are still held.
    const next = planSync({ ...input, ...state });
    expect(mutating(next)).toEqual([]);
    expect(next.held?.actions.map((a) => `${a.kind} ${a.hubspotUserId}`)).toEqual(['delete 200', 'delete 201', 'delete 202', 'delete 203']);
    // c0 leaves scope before the hold is decided: both its HubSpot users are to be deleted (and held).
    const gone = planSync({ ...input, ...state, candidates: input.candidates.map((c) => (c.oktaUserId === 'c0' ? { ...c, assigned: false } : c)) });
    expect(gone.held?.actions.filter((a) => a.oktaUserId === 'c0').map((a) => a.email).sort()).toEqual(['c0.new@acme.example', 'c0@acme.example']);
    // Approved: both go, and the ledger forgets the user.
    const newId = state.ledger.find((e) => e.oktaUserId === 'c0')?.hubspotUserId ?? '';
    const approved = planSync({ ...input, ...state, candidates: input.candidates.map((c) => (c.oktaUserId === 'c0' ? { ...c, assigned: false } : c)), approvedDeletions: ['200', newId] });
    const after = applyPlan(state, approved, NOW);
    expect(after.hubspotUsers.map((u) => u.email)).not.toEqual(expect.arrayContaining(['c0@acme.example']));
    expect(after.hubspotUsers.map((u) => u.email)).not.toEqual(expect.arrayContaining(['c0.new@acme.example']));
    expect(after.ledger.find((e) => e.oktaUserId === 'c0')).toBeUndefined();
  });

  it('a pending hold stays held after the account grows past the threshold', () => {
    const growth = Array.from({ length: 40 }, (_, i) => managed(`new${i}`, `${500 + i}`, { candidate: { title: 'Sales Rep' }, hubspot: { roleId: '2007', roleIds: ['2007'] } }));
    const base = withManaged([...leavers(4), stay, ...growth], { rules: rules({ guard: { maxDeletes: 50, minDeletesForPercent: 3 } }) });
    // 4 of 45 is under 20%: without the hold, these deletions would go ahead.
    expect(planSync(base).held).toBeUndefined();
    const members = ['100', '101', '102', '103'].map((h, i) => ({ hubspotUserId: h, oktaUserId: base.ledger.find((e) => e.hubspotUserId === h)?.oktaUserId ?? null, email: `gone${i}@acme.example` }));
    const p = planSync({ ...base, holds: { pending: { id: 'hold-a', members }, rejected: [], holdAll: null } });
    expect(mutating(p).filter((a) => a.kind === 'delete')).toEqual([]);
    expect(p.held?.actions.map((a) => a.hubspotUserId)).toEqual(['100', '101', '102', '103']);
    expect(p.held?.reason).toContain('hold hold-a');
  });

  it('a held user back in scope leaves the hold; a rejected one is not deleted until back and gone again', () => {
    const input = withManaged([...leavers(4), stay], { rules: rules({ guard: { maxDeletes: 3 } }) });
    const first = planSync(input);
    const members = (first.held?.actions ?? []).map((a) => ({ hubspotUserId: a.hubspotUserId ?? '', oktaUserId: a.oktaUserId, email: a.email }));
    const [back, ...rest] = members;
    const candidates = input.candidates.map((c) => (c.oktaUserId === back?.oktaUserId ? { ...c, status: 'ACTIVE' as const } : c));
    const p = planSync({ ...input, candidates, holds: { pending: { id: 'hold-a', members: rest }, rejected: back ? [back] : [], holdAll: null } });
    expect(p.holdChanges?.released).toEqual([expect.objectContaining({ hubspotUserId: back?.hubspotUserId, from: 'rejected', backInScope: true })]);
    const rejected = planSync({ ...input, holds: { pending: null, rejected: members, holdAll: null } });
    expect(mutating(rejected).filter((a) => a.kind === 'delete')).toEqual([]);
    expect(rejected.held).toBeUndefined();
    expect(rejected.actions.filter((a) => a.code === 'deletion-rejected')).toHaveLength(4);
    expect(rejected.holdChanges).toBeUndefined();
    const backFromPending = planSync({ ...input, candidates, holds: { pending: { id: 'hold-a', members }, rejected: [], holdAll: null } });
    expect(backFromPending.holdChanges?.released.map((m) => [m.hubspotUserId, m.from, m.backInScope])).toEqual([[back?.hubspotUserId, 'pending', true]]);
    expect(backFromPending.held?.actions).toHaveLength(3);
  });

  it('users mode releases only the users it decided', () => {
    const input = withManaged([...leavers(4), stay], { rules: rules({ guard: { maxDeletes: 3 } }) });
    const members = input.ledger.filter((e) => e.hubspotUserId !== '999').map((e) => ({ hubspotUserId: e.hubspotUserId, oktaUserId: e.oktaUserId, email: e.email }));
    const stayId = input.ledger.find((e) => e.hubspotUserId === '999')?.oktaUserId ?? '';
    const p = planSync({ ...input, mode: 'users', oktaUserIds: [stayId], holds: { pending: { id: 'hold-a', members }, rejected: [], holdAll: null } });
    expect(p.holdChanges).toBeUndefined();
  });

  it('after a data loss every deletion is held until a full plan finds nothing to delete', () => {
    const input = withManaged([...leavers(1), stay], { rules: rules() });
    const held = planSync({ ...input, holds: { pending: null, rejected: [], holdAll: 'Redis lost its data' } });
    expect(held.held?.actions).toHaveLength(1);
    expect(held.holdChanges).toBeUndefined();
    const none = planSync({ ...withManaged([stay], { rules: rules() }), holds: { pending: null, rejected: [], holdAll: 'Redis lost its data' } });
    expect(none.holdChanges?.holdAllLifted).toBe(true);
  });

  it('held deletions stay held on the next plan, and nothing else is left to do', () => {
    const input = withManaged([...leavers(4), stay], { rules: rules({ guard: { maxDeletes: 3 } }) });
    const first = planSync(input);
    const second = planSync({ ...input, ...applyPlan(input, first, NOW) });
    expect(mutating(second)).toEqual([]);
    expect(second.held?.actions).toHaveLength(4);
  });
});
