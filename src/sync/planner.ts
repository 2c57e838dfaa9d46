import type { PlanContext } from './plan-context';
import type { Decision, ProvisionDecision } from './decisions';
import type { SeatAllocation, SeatRequest } from './seats';
import type { OktaCandidate, Plan, PlanInput } from './types';
import { decideOktaUser, type EmailOwners } from './decide-okta-user';
import { evaluateDeletionGuard, type GuardVerdict } from './deletion-guard';
import { reportHandsOff } from './hands-off';
import { decideLeaveScope } from './leave-scope';
import { createPlanContext } from './plan-context';
import { buildPlan } from './plan-build';
import { scopeOf } from './scope';
import { allocateSeats } from './seats';
import { emailKey } from './text';
import { emailProblem } from './validate-candidate';

function uniqueCandidates(candidates: readonly OktaCandidate[]): OktaCandidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => (seen.has(c.oktaUserId) ? false : (seen.add(c.oktaUserId), true)));
}

/** In-scope (in or strip) Okta users with a usable email, grouped by email. */
function emailOwners(candidates: readonly OktaCandidate[], ctx: PlanContext): EmailOwners {
  const owners = new Map<string, OktaCandidate[]>();
  for (const c of candidates) {
    const email = (c.email ?? '').trim();
    if (emailProblem(email) !== null) {
      continue;
    }
    const { scope } = scopeOf(c, ctx.rules.scope.statuses);
    if (scope !== 'in' && scope !== 'strip') {
      continue;
    }
    const key = emailKey(email);
    const list = owners.get(key);
    if (list) {
      list.push(c);
    } else {
      owners.set(key, [c]);
    }
  }
  return owners;
}

/** Every decision, in a stable order: Okta users as given, then managed users Okta no longer lists, then the hands-off sweep. */
function decideAll(ctx: PlanContext): { decisions: Decision[]; decided: Set<string> } {
  const { input } = ctx;
  const all = uniqueCandidates(input.candidates);
  const wanted = input.mode === 'users' && input.oktaUserIds ? new Set(input.oktaUserIds) : null;
  const considered = wanted ? all.filter((c) => wanted.has(c.oktaUserId)) : all;
  // Every candidate given counts for duplicate emails, so users mode finds them when the caller passes them.
  const owners = emailOwners(all, ctx);
  const decisions: Decision[] = [];
  const decided = new Set<string>();
  for (const c of considered) {
    decisions.push(...decideOktaUser(c, owners, ctx));
    decided.add(c.oktaUserId);
  }
  const missing = input.mode === 'full' ? input.ledger.map((e) => e.oktaUserId) : [...(wanted ?? [])];
  const why = input.mode === 'full' ? 'no longer assigned to the HubSpot app in Okta' : 'no longer in Okta or no longer assigned to the HubSpot app';
  for (const oktaUserId of missing) {
    const entry = ctx.ledgerByOkta.get(oktaUserId);
    if (entry && !decided.has(oktaUserId)) {
      decisions.push(...decideLeaveScope(entry, why, ctx));
      decided.add(oktaUserId);
    }
  }
  if (input.mode === 'full') {
    decisions.push(...reportHandsOff(ctx));
  }
  return { decisions, decided };
}

/** Runs the deletion guard over deletions and downgrades; a held deletion holds its email-change partner. */
function guardDeletions(decisions: Decision[], ctx: PlanContext): GuardVerdict {
  const guarded = decisions.filter((d) => d.type === 'delete' || (d.type === 'provision' && d.guarded));
  const ids = guarded.map((d) => (d.type === 'delete' ? d.action.hubspotUserId : d.type === 'provision' ? d.actual?.id : null) ?? '');
  const verdict = evaluateDeletionGuard({
    deletions: ids,
    recentDeletions: ctx.input.recentDeletions ?? 0,
    managedCount: ctx.input.managedCount ?? ctx.input.ledger.length,
    approved: new Set(ctx.input.approvedDeletions ?? []),
    guard: ctx.rules.guard,
  });
  const heldPairs = new Set<string>();
  guarded.forEach((d, i) => {
    if (verdict.held[i] && d.type !== 'report') {
      d.held = true;
      if (d.type === 'delete' && d.action.pairId !== undefined) {
        heldPairs.add(d.action.pairId);
      }
    }
  });
  for (const d of decisions) {
    if (d.type === 'provision' && d.pairId !== undefined && heldPairs.has(d.pairId)) {
      d.held = true;
    }
  }
  return verdict;
}

/** Shares out seats among the provision decisions that go ahead. */
function shareSeats(decisions: Decision[], decided: ReadonlySet<string>, ctx: PlanContext): { allocation: SeatAllocation; requestOf: Map<ProvisionDecision, number> } {
  const catalog = ctx.desired.seats;
  const requests: SeatRequest[] = [];
  const requestOf = new Map<ProvisionDecision, number>();
  const released: string[][] = [];
  const covered = new Set<string>();
  for (const d of decisions) {
    if (d.type === 'provision' && !d.held) {
      requestOf.set(d, requests.length);
      requests.push({
        oktaUserId: d.oktaUserId,
        email: d.draft.desired.email,
        since: d.since,
        holds: d.actual ? catalog.heldBy(d.actual) : [],
        inherits: d.inherits,
        wants: d.draft.wants,
      });
      if (d.actual) {
        covered.add(d.actual.id);
      }
    } else if (d.type === 'delete' && !d.held) {
      released.push(catalog.heldBy(d.actual));
      covered.add(d.actual.id);
    }
  }
  const fixed: string[][] = [];
  for (const entry of ctx.ledgerByOkta.values()) {
    const actual = ctx.hubspotById.get(entry.hubspotUserId);
    if (actual) {
      if (!covered.has(actual.id)) {
        fixed.push(catalog.heldBy(actual));
      }
    } else if (ctx.input.mode === 'users' && !decided.has(entry.oktaUserId) && entry.lastApplied) {
      fixed.push(catalog.heldByApplied(entry.lastApplied));
    }
  }
  const allocation = allocateSeats({
    requests,
    released,
    fixed,
    budgetOf: catalog.budgetOf,
    remainingOf: catalog.remainingOf,
    label: catalog.label,
    reportedKinds: catalog.reportedKinds(),
  });
  return { allocation, requestOf };
}

/**
 * Plans a sync: what to create, update, adopt and delete in HubSpot so that it matches Okta under
 * the rules, and what to report instead. Pure: it reads no clock, environment or network, never
 * throws on bad data (it becomes a skip with a reason), and is idempotent (applying the plan and
 * planning again yields no create, update, delete or adopt, bar deletions the guard held).
 * `JSON.stringify(plan)` is the plan's wire form.
 */
export function planSync(input: PlanInput): Plan {
  const ctx = createPlanContext(input);
  const { decisions, decided } = decideAll(ctx);
  const verdict = guardDeletions(decisions, ctx);
  const { allocation, requestOf } = shareSeats(decisions, decided, ctx);
  return buildPlan({ decisions, verdict, allocation, requestOf, ctx });
}

export type { PlanInput };
