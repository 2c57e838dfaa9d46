import fc from 'fast-check';
import { planSync } from '../../../src/sync/planner';
import { currentRoleId } from '../../../src/sync/hubspot-user';
import { scopeOf } from '../../../src/sync/scope';
import type { HubSpotUser, Plan, PlanAction, PlanInput } from '../../../src/sync/types';
import { applyPlan, type SyncState } from './apply-plan';
import { planInputArb } from './arbitraries';
import { NOW, mutating } from './fixtures';

/** PROP_RUNS runs more cases; PROP_SEED replays a failure's seed (from its report). */
const RUNS = { numRuns: Number(process.env.PROP_RUNS ?? 400), ...(process.env.PROP_SEED ? { seed: Number(process.env.PROP_SEED) } : {}) };

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

function replan(input: PlanInput, state: SyncState): Plan {
  return planSync({ ...input, hubspotUsers: state.hubspotUsers, ledger: state.ledger, seats: state.seats });
}

/** Seat kinds a HubSpot user holds, as the rules count them. */
function kindsOf(input: PlanInput, user: HubSpotUser): string[] {
  if (input.rules.seats.mode === 'named') {
    return user.seatNames ?? [];
  }
  const role = input.roles.find((r) => r.id === currentRoleId(user));
  return role?.requiresBillingWrite ? [role.id] : [];
}

function countHolders(input: PlanInput, users: readonly HubSpotUser[]): Map<string, number> {
  const counts = new Map<string, number>();
  users.forEach((u) => kindsOf(input, u).forEach((k) => counts.set(k, (counts.get(k) ?? 0) + 1)));
  return counts;
}

function budgetFor(input: PlanInput, kind: string): number | undefined {
  const { budget } = input.rules.seats;
  if (input.rules.seats.mode === 'named') {
    return budget[kind];
  }
  const role = input.roles.find((r) => r.id === kind);
  return role ? budget[role.name] : undefined;
}

/** A create in a later plan for an email whose HubSpot user `first` deleted. */
function isCreateOfFreedEmail(first: Plan, action: PlanAction): boolean {
  return action.kind === 'create' && first.actions.some((a) => a.kind === 'delete' && lower(a.email) === lower(action.email));
}

describe('planner properties over random states', () => {
  it('converges: planning against the state a plan leaves yields no create, update, delete or adopt', () => {
    fc.assert(
      fc.property(planInputArb({ stableGuard: true }), (input) => {
        const first = planSync(input);
        const state = applyPlan(input, first, NOW);
        const second = replan(input, state);
        // One exception: when the first plan deletes a managed user whose email another Okta user
        // now has (its owner left scope or changed email), that Okta user can only be created once
        // the deletion has happened, so in the second plan.
        // That pair's deletion may free a seat, which then goes to the next in line.
        const freedPairs = new Set(mutating(second).filter((a) => isCreateOfFreedEmail(first, a)).map((a) => a.pairId));
        const seatHandedOn = (a: PlanAction) => freedPairs.size > 0 && a.kind === 'update' && a.changes.every((c) => c.field === 'seatNames');
        expect(mutating(second).filter((a) => !isCreateOfFreedEmail(first, a) && !(a.pairId !== undefined && freedPairs.has(a.pairId)) && !seatHandedOn(a))).toEqual([]);
        expect(mutating(replan(input, applyPlan(state, second, NOW)))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('with approvals and the percentage rule, a second plan deletes only what the guard held in the first', () => {
    fc.assert(
      fc.property(planInputArb(), (input) => {
        const first = planSync(input);
        const second = replan(input, applyPlan(input, first, NOW));
        const heldFirst = new Set((first.held?.actions ?? []).map((a) => a.hubspotUserId));
        const freedPairs = new Set(mutating(second).filter((a) => isCreateOfFreedEmail(first, a)).map((a) => a.pairId));
        for (const action of mutating(second)) {
          if (action.kind === 'delete' || action.code === 'left-scope-downgrade') {
            expect(heldFirst.has(action.hubspotUserId) || freedPairs.has(action.pairId)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('never touches unmanaged, super admin or protected HubSpot users, and adopts only by email', () => {
    fc.assert(
      fc.property(planInputArb(), (input) => {
        const plan = planSync(input);
        const byId = new Map(input.hubspotUsers.map((u) => [u.id, u]));
        const managed = new Set(input.ledger.map((e) => e.hubspotUserId));
        const protectedEmails = new Set(input.rules.protected.map(lower));
        const inScopeEmails = new Set(
          input.candidates.filter((c) => scopeOf(c, input.rules.scope.statuses).scope === 'in').map((c) => lower(c.email)),
        );
        for (const action of [...mutating(plan), ...(plan.held?.actions ?? [])]) {
          if (action.kind === 'create') {
            continue;
          }
          const target = byId.get(action.hubspotUserId ?? '');
          expect(target).toBeDefined();
          expect(target?.superAdmin).toBe(false);
          expect(protectedEmails.has(lower(target?.email))).toBe(false);
          if (action.kind === 'adopt') {
            expect(inScopeEmails.has(lower(target?.email))).toBe(true);
            expect(lower(action.email)).toBe(lower(target?.email));
          } else {
            expect(managed.has(action.hubspotUserId ?? '')).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('never creates a user whose email HubSpot has, nor two creates for one email', () => {
    fc.assert(
      fc.property(planInputArb(), (input) => {
        const plan = planSync(input);
        const existing = new Set(input.hubspotUsers.map((u) => lower(u.email)));
        const created = [...plan.actions, ...(plan.held?.actions ?? [])].filter((a) => a.kind === 'create').map((a) => lower(a.email));
        expect(created.filter((e) => existing.has(e))).toEqual([]);
        expect(new Set(created).size).toBe(created.length);
      }),
      RUNS,
    );
  });

  it('never exceeds a seat budget or HubSpot\'s free seats', () => {
    fc.assert(
      fc.property(planInputArb(), (input) => {
        const plan = planSync(input);
        const after = applyPlan(input, plan, NOW);
        for (const seat of after.seats ?? []) {
          expect(seat.remainingSeats === undefined || seat.remainingSeats >= 0).toBe(true);
        }
        // Managed users before (including those the plan adopts) may keep what they hold; nobody new goes over the budget.
        const adopted = new Set(plan.actions.filter((a) => a.kind === 'adopt').map((a) => a.hubspotUserId));
        const managedBefore = new Set(input.ledger.map((e) => e.hubspotUserId));
        const before = countHolders(input, input.hubspotUsers.filter((u) => managedBefore.has(u.id) || adopted.has(u.id)));
        const managedAfter = new Set(after.ledger.map((e) => e.hubspotUserId));
        const now = countHolders(input, after.hubspotUsers.filter((u) => managedAfter.has(u.id)));
        for (const [kind, count] of now) {
          const budget = budgetFor(input, kind);
          if (budget !== undefined) {
            expect(count).toBeLessThanOrEqual(Math.max(budget, before.get(kind) ?? 0));
          }
        }
      }),
      RUNS,
    );
  });

  it('keeps held deletions out of the actions unless approved', () => {
    fc.assert(
      fc.property(planInputArb(), (input) => {
        const plan = planSync(input);
        const approved = new Set(input.approvedDeletions ?? []);
        const goingAhead = new Set(mutating(plan).map((a) => `${a.kind}:${a.hubspotUserId}:${a.pairId ?? ''}`));
        for (const held of plan.held?.actions ?? []) {
          expect(goingAhead.has(`${held.kind}:${held.hubspotUserId}:${held.pairId ?? ''}`)).toBe(false);
          if (held.kind === 'delete') {
            expect(approved.has(held.hubspotUserId ?? '')).toBe(false);
          }
        }
        expect(plan.summary.delete).toBe(plan.actions.filter((a) => a.kind === 'delete').length);
      }),
      RUNS,
    );
  });

  it('is deterministic, leaves its input alone, and its counts match its actions', () => {
    fc.assert(
      fc.property(planInputArb(), (input) => {
        const copy = structuredClone(input);
        const a = planSync(input);
        expect(input).toEqual(copy);
        expect(JSON.stringify(planSync(copy))).toBe(JSON.stringify(a));
        for (const kind of ['create', 'update', 'delete', 'adopt', 'skip'] as const) {
          expect(a.summary[kind]).toBe(a.actions.filter((x) => x.kind === kind).length);
        }
      }),
      RUNS,
    );
  });

  it('users mode decides each user as the full reconciliation does (without seat limits or the guard)', () => {
    fc.assert(
      fc.property(planInputArb({ guardOff: true, unlimitedSeats: true }), (input) => {
        const full = planSync(input);
        const ids = new Set([...input.candidates.map((c) => c.oktaUserId), ...input.ledger.map((e) => e.oktaUserId)]);
        const shape = (p: Plan, id: string) => p.actions.filter((x) => x.oktaUserId === id).map((x) => [x.kind, x.code, x.hubspotUserId, x.email, x.desired ?? null, x.changes ?? null]);
        for (const id of ids) {
          const one = planSync({ ...input, mode: 'users', oktaUserIds: [id] });
          expect(shape(one, id)).toEqual(shape(full, id));
        }
      }),
      { numRuns: 200 },
    );
  });
});
