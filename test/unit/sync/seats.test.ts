import { planSync } from '../../../src/sync/planner';
import { allocateSeats, type SeatRequest } from '../../../src/sync/seats';
import type { HubSpotSeat } from '../../../src/sync/types';
import { applyPlan } from './apply-plan';
import { NOW, candidate, managed, mutating, onlyAction, planInput, rules, withManaged } from './fixtures';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
const req = (oktaUserId: string, over: Partial<SeatRequest> = {}): SeatRequest => ({ oktaUserId, email: `${oktaUserId}@x.example`, since: at(0), holds: [], inherits: [], wants: ['S'], ...over });
const limits = (budget: number | null, remaining: number | null) => ({ budgetOf: () => budget, remainingOf: () => remaining, label: (k: string) => k, reportedKinds: [] });

describe('allocateSeats', () => {
  it.each<[string, SeatRequest[], number | null, number | null, Array<string[]>, number]>([
    ['no limits: everyone gets one', [req('a'), req('b')], null, null, [['S'], ['S']], 0],
    ['budget 1: the earliest assignment gets it', [req('late', { since: at(5) }), req('early', { since: at(1) })], 1, null, [[], ['S']], 1],
    ['same time: by Okta id', [req('b'), req('a')], 1, null, [[], ['S']], 1],
    ['unknown assignment time waits behind known ones', [req('a', { since: null }), req('b', { since: at(9) })], 1, null, [[], ['S']], 1],
    ['holders keep their seat even over budget', [req('h1', { holds: ['S'] }), req('h2', { holds: ['S'] }), req('new')], 1, null, [['S'], ['S'], []], 1],
    ['HubSpot has 1 free: one new seat only', [req('a'), req('b')], null, 1, [['S'], []], 1],
    ['HubSpot has 0 free: a holder giving it up frees it for a waiter', [req('leaver', { holds: ['S'], wants: [] }), req('w')], null, 0, [[], ['S']], 0],
    ['an inherited seat moves over without a free seat', [req('replacement', { inherits: ['S'] })], null, 0, [['S']], 0],
  ])('%s', (_label, requests, budget, remaining, granted, waitingCount) => {
    const result = allocateSeats({ requests, released: [], fixed: [], ...limits(budget, remaining) });
    expect(result.granted).toEqual(granted);
    expect(result.usage[0]?.waiting).toHaveLength(waitingCount);
  });

  it('counts managed users the plan does not touch against the budget', () => {
    const result = allocateSeats({ requests: [req('a')], released: [], fixed: [['S'], ['S']], ...limits(2, null) });
    expect(result.granted).toEqual([[]]);
    expect(result.usage[0]).toMatchObject({ seat: 'S', used: 2, budget: 2 });
  });

  it('gives seats freed by deletions in the same plan to the first in line', () => {
    const result = allocateSeats({ requests: [req('b', { since: at(2) }), req('a', { since: at(1) })], released: [['S']], fixed: [], ...limits(null, 0) });
    expect(result.granted).toEqual([[], ['S']]);
    expect(result.usage[0]).toMatchObject({ remaining: 0, waiting: [expect.objectContaining({ oktaUserId: 'b' })] });
  });
});

describe('seats in the plan, role mode', () => {
  const r = rules({ seats: { mode: 'role', budget: { 'sales rep': 2 } } });

  it('provisions users beyond the budget without the paid role, lists them as waiting in order', () => {
    const plan = planSync(
      planInput({
        rules: r,
        candidates: [candidate('c', { title: 'Sales Rep', assignedAt: at(3) }), candidate('a', { title: 'Sales Rep', assignedAt: at(1) }), candidate('b', { title: 'Sales Rep', assignedAt: at(2) }), candidate('d', { title: 'Sales Rep', assignedAt: at(4) })],
      }),
    );
    const roleOf = (id: string) => onlyAction(plan, id).desired?.roleId;
    expect(['a', 'b', 'c', 'd'].map(roleOf)).toEqual(['2002', '2002', null, null]);
    expect(onlyAction(plan, 'c').desired?.roleReason).toContain('waiting for a paid seat for role "Sales Rep"');
    expect(plan.seats).toEqual([expect.objectContaining({ seat: 'Sales Rep', used: 2, budget: 2, waiting: [expect.objectContaining({ oktaUserId: 'c' }), expect.objectContaining({ oktaUserId: 'd' })] })]);
    expect(plan.summary.waitingForSeat).toBe(2);
  });

  it('gives the seat to the first waiter in the plan after a holder leaves', () => {
    const holder = managed('h', '101', { candidate: { title: 'Sales Rep', assignedAt: at(0) } });
    const other = managed('o', '102', { candidate: { title: 'Sales Rep', assignedAt: at(1) } });
    const waiter = managed('w', '103', { candidate: { title: 'Sales Rep', assignedAt: at(2) }, hubspot: { roleId: undefined, roleIds: [] } });
    const waiting = planSync(withManaged([holder, other, waiter], { rules: r }));
    expect(mutating(waiting)).toEqual([]);
    expect(waiting.seats[0]?.waiting.map((w) => w.oktaUserId)).toEqual(['w']);

    const holderLeft = withManaged([{ ...holder, candidate: { ...holder.candidate, status: 'DEPROVISIONED' } }, other, waiter], { rules: r });
    const plan = planSync(holderLeft);
    expect(mutating(plan).map((a) => [a.kind, a.oktaUserId])).toEqual([
      ['delete', 'h'],
      ['update', 'w'],
    ]);
    expect(mutating(planSync({ ...holderLeft, ...applyPlan(holderLeft, plan, NOW) }))).toEqual([]);
  });

  it('does not hand out a seat a held deletion would free', () => {
    const holder = managed('h', '101', { candidate: { title: 'Sales Rep', status: 'DEPROVISIONED' } });
    const waiter = managed('w', '103', { candidate: { title: 'Sales Rep' }, hubspot: { roleId: undefined, roleIds: [] } });
    const plan = planSync(withManaged([holder, waiter], { rules: rules({ seats: { budget: { 'Sales Rep': 1 } }, guard: { maxDeletes: 0 } }) }));
    expect(mutating(plan)).toEqual([]);
    expect(plan.held?.actions).toHaveLength(1);
  });
});

describe('seats in the plan, named mode', () => {
  const seats: HubSpotSeat[] = [
    { name: 'Sales Hub', remainingSeats: 1 },
    { name: 'Core', remainingSeats: 10 },
  ];
  const r = rules({ seats: { mode: 'named', byTitle: { 'sales rep': ['sales hub', 'Core'] }, byRole: { 'Sales Manager': ['Core'] }, budget: { Core: 2 } } });

  it('maps titles (first) and roles to seat names, within HubSpot\'s free seats and the budget', () => {
    const plan = planSync(
      planInput({
        rules: r,
        seats,
        candidates: [
          candidate('a', { title: 'Sales Rep', assignedAt: at(1) }),
          candidate('b', { title: 'Sales Rep', assignedAt: at(2) }),
          candidate('m', { title: 'Sales Manager', assignedAt: at(3) }),
          candidate('v', { title: 'Marketing Viewer', assignedAt: at(0) }),
        ],
      }),
    );
    const seatsOf = (id: string) => onlyAction(plan, id).desired?.seatNames;
    expect(seatsOf('a')).toEqual(['Core', 'Sales Hub']);
    expect(seatsOf('b')).toEqual(['Core']);
    expect(seatsOf('m')).toEqual([]);
    expect(seatsOf('v')).toEqual([]);
    expect(plan.seats).toEqual([
      { seat: 'Core', used: 2, budget: 2, remaining: 8, waiting: [expect.objectContaining({ oktaUserId: 'm' })] },
      { seat: 'Sales Hub', used: 1, budget: null, remaining: 0, waiting: [expect.objectContaining({ oktaUserId: 'b' })] },
    ]);
  });

  it('warns about seat names HubSpot does not list and does not assign them', () => {
    const plan = planSync(planInput({ rules: rules({ seats: { mode: 'named', byTitle: { 'Sales Rep': ['Platinum'] } } }), seats, candidates: [candidate('a', { title: 'Sales Rep' })] }));
    expect(plan.warnings).toEqual([expect.stringContaining('seats.byTitle "Sales Rep" names seat "Platinum", which HubSpot does not list')]);
    expect(onlyAction(plan, 'a').desired?.seatNames).toEqual([]);
  });

  it('never assigns more seats of a kind than HubSpot has free, even with seats freed by deletions in the plan', () => {
    const holder = managed('h', '101', { candidate: { title: 'Sales Rep', status: 'DEPROVISIONED' }, hubspot: { seatNames: ['Sales Hub', 'Core'] } });
    const input = withManaged([holder], {
      rules: r,
      seats: [{ name: 'Sales Hub', remainingSeats: 0 }, { name: 'Core', remainingSeats: 0 }],
      candidates: [candidate('a', { title: 'Sales Rep', assignedAt: at(1) }), candidate('b', { title: 'Sales Rep', assignedAt: at(2) })],
    });
    const plan = planSync(input);
    expect(onlyAction(plan, 'a').desired?.seatNames).toEqual(['Core', 'Sales Hub']);
    expect(onlyAction(plan, 'b').desired?.seatNames).toEqual([]);
    const after = applyPlan(input, plan, NOW);
    expect(after.seats?.every((s) => (s.remainingSeats ?? 0) >= 0)).toBe(true);
    expect(mutating(planSync({ ...input, ...after }))).toEqual([]);
  });
});

describe('seats in users mode (one user at a time)', () => {
  const r = rules({ seats: { mode: 'role', budget: { 'Sales Rep': 2 } } });
  const holder = managed('h', '101', { candidate: { title: 'Sales Rep' } });
  const newcomer = candidate('n', { title: 'Sales Rep' });
  const oneUser = (over: Partial<Parameters<typeof planSync>[0]>) => planSync(planInput({ mode: 'users', oktaUserIds: ['n'], candidates: [newcomer], rules: r, ...over }));

  it('without ledger-wide counts, never gives a budgeted seat to someone new (the reconciliation will)', () => {
    const plan = oneUser({});
    expect(onlyAction(plan, 'n').desired?.roleId).toBeNull();
    expect(plan.seats[0]?.waiting.map((w) => w.oktaUserId)).toEqual(['n']);
  });

  it('without counts, a holder keeps the seat', () => {
    const plan = planSync(withManaged([holder], { mode: 'users', oktaUserIds: ['h'], rules: r }));
    expect(mutating(plan)).toEqual([]);
  });

  it.each<[string, number, string | null]>([
    ['one of two used: the newcomer gets it', 1, '2002'],
    ['both used: the newcomer waits', 2, null],
  ])('with ledger-wide counts, %s', (_label, used, roleId) => {
    const plan = oneUser({ ledgerSeatCounts: { byRoleId: { '2002': used, '2004': 50 }, bySeatName: {} } });
    expect(onlyAction(plan, 'n').desired?.roleId).toBe(roleId);
  });

  it('with counts, a decided holder is not counted twice', () => {
    const plan = planSync(withManaged([{ ...holder, candidate: { ...holder.candidate, firstName: 'Renamed' } }], { mode: 'users', oktaUserIds: ['h'], rules: r, ledgerSeatCounts: { byRoleId: { '2002': 2 }, bySeatName: {} } }));
    expect(plan.seats[0]).toMatchObject({ used: 2, waiting: [] });
    expect(onlyAction(plan, 'h').changes).toEqual([expect.objectContaining({ field: 'firstName' })]);
  });

  it('named mode counts seat names', () => {
    const named = rules({ seats: { mode: 'named', byTitle: { 'Sales Rep': ['Sales Hub'] }, budget: { 'Sales Hub': 3 } } });
    const plan = oneUser({ rules: named, seats: [{ name: 'Sales Hub', remainingSeats: 5 }], ledgerSeatCounts: { byRoleId: {}, bySeatName: { 'Sales Hub': 2 } } });
    expect(onlyAction(plan, 'n').desired?.seatNames).toEqual(['Sales Hub']);
    expect(plan.seats[0]).toMatchObject({ seat: 'Sales Hub', used: 3, budget: 3, remaining: 4 });
  });
});
