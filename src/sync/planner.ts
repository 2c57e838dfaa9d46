import type { PlanContext } from './plan-context';
import type { Decision } from './decisions';
import type { SeatAllocation, SeatRequest } from './seats';
import type { GuardHolds, HoldChanges, HoldMember, OktaCandidate, Plan, PlanInput, ReleasedHoldMember } from './types';
import { skip } from './decisions';
import { decideOktaUser, type EmailOwners } from './decide-okta-user';
import { evaluateDeletionGuard, type GuardVerdict } from './deletion-guard';
import { reportHandsOff } from './hands-off';
import { decideLeaveScope } from './leave-scope';
import { createPlanContext } from './plan-context';
import { buildPlan, streamPlan, type PlanStream } from './plan-build';
import { allocateSeats } from './seats';
import { emailKey } from './text';

const NO_SEATS: readonly string[] = [];

/** The candidates with duplicates (the same Okta id listed twice, e.g. across pages) dropped. */
function uniqueCandidates(candidates: readonly OktaCandidate[]): OktaCandidate[] {
  const seen = new Set<string>();
  const unique: OktaCandidate[] = [];
  for (const c of candidates) {
    if (!seen.has(c.oktaUserId)) {
      seen.add(c.oktaUserId);
      unique.push(c);
    }
  }
  return unique;
}

/** In-scope (in or strip) Okta users indexed by email; emails two or more of them share are listed apart. */
function emailOwners(candidates: readonly OktaCandidate[], ctx: PlanContext): EmailOwners {
  const first = new Map<string, OktaCandidate>();
  const shared = new Map<string, OktaCandidate[]>();
  for (const c of candidates) {
    // Validity is not checked here: two users sharing an email share its validity, and invalid ones are skipped before this matters.
    const { scope } = ctx.scopeOf(c);
    if ((scope !== 'in' && scope !== 'strip') || c.email === null) {
      continue;
    }
    const key = emailKey(c.email);
    if (key === '') {
      continue;
    }
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, c);
    } else {
      const list = shared.get(key);
      if (list) {
        list.push(c);
      } else {
        shared.set(key, [earlier, c]);
      }
    }
  }
  return { othersWith: (key, oktaUserId) => (shared.get(key) ?? []).filter((c) => c.oktaUserId !== oktaUserId) };
}

/** Every decision, in a stable order: Okta users as given, then managed users Okta no longer lists, then the hands-off sweep. */
function decideAll(ctx: PlanContext): { decisions: Decision[]; decided: Set<string> } {
  const { input } = ctx;
  const all = uniqueCandidates(input.candidates);
  const wanted = input.mode === 'users' ? new Set(input.oktaUserIds) : null;
  const considered = wanted ? all.filter((c) => wanted.has(c.oktaUserId)) : all;
  // Every candidate given counts for duplicate emails, so users mode finds them when the caller passes them.
  const owners = emailOwners(all, ctx);
  const decisions: Decision[] = [];
  const decided = new Set<string>();
  for (const c of considered) {
    for (const d of decideOktaUser(c, owners, ctx)) {
      decisions.push(d);
    }
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

/** What the guard step decided, for the plan: the verdict and how the given holds change. */
interface GuardStep {
  verdict: GuardVerdict;
  holdChanges: HoldChanges | null;
}

/** The guarded HubSpot user id of a decision: a deletion's, or a leave-scope downgrade's; null for the rest. */
function guardedId(d: Decision): string | null {
  if (d.type === 'delete') {
    return d.action.hubspotUserId;
  }
  return d.type === 'provision' && d.guarded ? (d.actual?.id ?? null) : null;
}

/**
 * Runs the deletion guard over deletions and downgrades: a rejected one becomes a skip (and so
 * does its email-change partner). A held one does not hold its partner: the new user is created
 * and linked with the old one as `replaces`, whose deletion waits in the hold. Members of the given holds
 * that this plan no longer deletes (back in scope, gone from HubSpot, …) are released.
 */
function guardDeletions(decisions: Decision[], decided: ReadonlySet<string>, ctx: PlanContext): GuardStep {
  const holds = ctx.input.holds;
  const guarded = decisions.filter((d) => guardedId(d) !== null);
  const ids = guarded.map((d) => guardedId(d) ?? '');
  const verdict = evaluateDeletionGuard({
    deletions: ids,
    recentDeletions: ctx.input.recentDeletions ?? 0,
    expectedDeletions: ctx.input.mode === 'users' ? (ctx.input.expectedDeletions ?? 0) : 0,
    managedCount: (ctx.input.mode === 'users' ? ctx.input.managedCount : undefined) ?? ctx.input.ledger.length,
    approved: new Set(ctx.input.approvedDeletions ?? []),
    pending: new Set(holds?.pending?.members.map((m) => m.hubspotUserId) ?? []),
    pendingId: holds?.pending?.id ?? null,
    rejected: new Set(holds?.rejected.map((m) => m.hubspotUserId) ?? []),
    holdAll: holds?.holdAll ?? null,
    guard: ctx.rules.guard,
  });
  const rejectedPairs = new Set<string>();
  const rejectedAt = new Set<Decision>();
  guarded.forEach((d, i) => {
    const fate = verdict.fate[i];
    const pairId = d.type === 'delete' ? d.action.pairId : undefined;
    if (fate === 'held' && d.type !== 'report') {
      d.held = true;
    } else if (fate === 'rejected') {
      rejectedAt.add(d);
      if (pairId !== undefined) {
        rejectedPairs.add(pairId);
      }
    }
  });
  decisions.forEach((d, i) => {
    const pairRejected = d.type === 'provision' && d.pairId !== undefined && rejectedPairs.has(d.pairId);
    if (rejectedAt.has(d) || pairRejected) {
      decisions[i] = rejectedSkip(d, pairRejected && !rejectedAt.has(d));
    }
  });
  return { verdict, holdChanges: holds ? holdChangesOf(holds, ids, decisions, decided, ctx) : null };
}

/** A rejected deletion (or downgrade), or the create/adopt paired with one, as a skip. */
function rejectedSkip(d: Decision, partner: boolean): Decision {
  const who = d.type === 'delete' ? { email: d.action.email, oktaUserId: d.action.oktaUserId, hubspotUserId: d.action.hubspotUserId } : d.type === 'provision' ? { email: d.draft.desired.email, oktaUserId: d.oktaUserId, hubspotUserId: d.actual?.id ?? null } : d.action;
  const name = who.email ?? who.oktaUserId ?? who.hubspotUserId ?? 'the user';
  const reason = partner
    ? `${name}: email change not carried out: an operator rejected the deletion of the old HubSpot user`
    : `${name}: left scope, but an operator rejected this deletion: the HubSpot user stays until the user comes back into scope and leaves again`;
  return skip('deletion-rejected', reason, who);
}

/** Members of the given holds this plan no longer deletes: the users it decided without a guarded deletion. */
function holdChangesOf(holds: GuardHolds, guardedIds: readonly string[], decisions: readonly Decision[], decided: ReadonlySet<string>, ctx: PlanContext): HoldChanges {
  const stillGuarded = new Set(guardedIds);
  const full = ctx.input.mode === 'full';
  const provisioned = new Set<string>();
  const reported = new Map<string, string>();
  for (const d of decisions) {
    if (d.type === 'provision' && !d.guarded && d.entry !== null) {
      provisioned.add(d.oktaUserId);
    } else if (d.type === 'report' && d.action.oktaUserId !== null && d.action.code !== 'deletion-rejected') {
      reported.set(d.action.oktaUserId, d.action.reason);
    }
  }
  const released: ReleasedHoldMember[] = [];
  const consider = (m: HoldMember, from: ReleasedHoldMember['from']) => {
    if (stillGuarded.has(m.hubspotUserId) || !(full || (m.oktaUserId !== null && decided.has(m.oktaUserId)))) {
      return;
    }
    const name = m.email ?? m.oktaUserId ?? `HubSpot user ${m.hubspotUserId}`;
    const backInScope = m.oktaUserId !== null && provisioned.has(m.oktaUserId);
    const why = backInScope ? `${name} is back in scope` : m.oktaUserId !== null && reported.has(m.oktaUserId) ? (reported.get(m.oktaUserId) ?? '') : `${name} is no longer to be deleted (no longer managed or gone from HubSpot)`;
    released.push({ ...m, from, backInScope, why });
  };
  holds.pending?.members.forEach((m) => consider(m, 'pending'));
  holds.rejected.forEach((m) => consider(m, 'rejected'));
  // An approval is for one leaving: a user back in scope before the deletion was carried out needs a new one to be deleted later.
  for (const hubspotUserId of ctx.input.approvedDeletions ?? []) {
    const entry = ctx.ledgerByHubspot.get(hubspotUserId);
    if (entry && provisioned.has(entry.oktaUserId)) {
      consider({ hubspotUserId, oktaUserId: entry.oktaUserId, email: entry.email }, 'approved');
    }
  }
  return { released, holdAllLifted: full && holds.holdAll !== null && guardedIds.length === 0 };
}

/**
 * Shares out seats among the provision decisions that go ahead; each one that holds, inherits or
 * wants a seat gets `seatRequest` set to its place in the allocation.
 */
function shareSeats(decisions: Decision[], decided: ReadonlySet<string>, ctx: PlanContext): SeatAllocation {
  const catalog = ctx.desired.seats;
  const requests: SeatRequest[] = [];
  const released: Array<readonly string[]> = [];
  const covered = new Set<string>();
  // Seats move over from the old user of an email change only when its deletion goes ahead in
  // this plan; while it waits in a hold, the old user keeps them and the new one waits in line.
  const freedPairs = new Set<string>();
  for (const d of decisions) {
    if (d.type === 'delete' && !d.held && d.action.pairId !== undefined) {
      freedPairs.add(d.action.pairId);
    }
  }
  for (const d of decisions) {
    if (d.type === 'provision' && !d.held) {
      const holds = d.actual ? catalog.heldBy(d.actual) : [];
      if (d.actual) {
        covered.add(d.actual.id);
      }
      if (d.inherits.length > 0 && !(d.pairId !== undefined && freedPairs.has(d.pairId))) {
        d.inherits = NO_SEATS;
      }
      if (holds.length > 0 || d.inherits.length > 0 || d.draft.wants.length > 0) {
        d.seatRequest = requests.length;
        requests.push({ oktaUserId: d.oktaUserId, email: d.draft.desired.email, since: d.since, holds, inherits: d.inherits, wants: d.draft.wants });
      }
    } else if (d.type === 'delete' && !d.held) {
      released.push(catalog.heldBy(d.actual));
      covered.add(d.actual.id);
    }
  }
  const fixed: Array<readonly string[]> = [];
  const counts = ctx.input.mode === 'users' ? ctx.input.ledgerSeatCounts : undefined;
  const decidedKinds: Array<readonly string[]> = [];
  for (const entry of ctx.ledgerByOkta.values()) {
    const actual = ctx.hubspotById.get(entry.hubspotUserId);
    const isCovered = actual !== undefined && covered.has(actual.id);
    if (counts) {
      // Ledger-wide counts include the users this plan updates or deletes: they are counted above instead.
      if (isCovered && entry.lastApplied) {
        decidedKinds.push(catalog.heldByApplied(entry.lastApplied));
      }
      continue;
    }
    // The old user of an email change whose deletion waits (in a hold) still holds its seats.
    const old = entry.replaces ? ctx.hubspotById.get(entry.replaces.hubspotUserId) : undefined;
    if (old && old !== actual && !covered.has(old.id)) {
      fixed.push(catalog.heldBy(old));
    }
    if (actual) {
      if (!isCovered) {
        fixed.push(catalog.heldBy(actual));
      }
    } else if (ctx.input.mode === 'users' && !decided.has(entry.oktaUserId) && entry.lastApplied) {
      fixed.push(catalog.heldByApplied(entry.lastApplied));
    }
  }
  const fixedCounts = new Map<string, number>();
  if (counts) {
    const minus = new Map<string, number>();
    decidedKinds.forEach((kinds) => kinds.forEach((k) => minus.set(k, (minus.get(k) ?? 0) + 1)));
    for (const kind of new Set([...catalog.reportedKinds(), ...requests.flatMap((r) => [...r.wants, ...r.holds])])) {
      fixedCounts.set(kind, Math.max(0, catalog.countIn(counts, kind) - (minus.get(kind) ?? 0)));
    }
  }
  // Users mode without ledger-wide counts cannot check a budget: nobody new gets a budgeted seat.
  const blind = ctx.input.mode === 'users' && counts === undefined;
  return allocateSeats({
    frozen: blind ? (kind) => catalog.budgetOf(kind) !== null : undefined,
    requests,
    released,
    fixed,
    fixedCounts,
    budgetOf: catalog.budgetOf,
    remainingOf: catalog.remainingOf,
    label: catalog.label,
    reportedKinds: catalog.reportedKinds(),
  });
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
  const { verdict, holdChanges } = guardDeletions(decisions, decided, ctx);
  const allocation = shareSeats(decisions, decided, ctx);
  return buildPlan({ decisions, verdict, holdChanges, allocation, ctx });
}

/**
 * {@link planSync} with the actions handed out one at a time (see {@link PlanStream}): the same
 * actions in the same order, for callers that store a large plan without holding all of it.
 */
export function planSyncStream(input: PlanInput): PlanStream {
  const ctx = createPlanContext(input);
  const { decisions, decided } = decideAll(ctx);
  const { verdict, holdChanges } = guardDeletions(decisions, decided, ctx);
  const allocation = shareSeats(decisions, decided, ctx);
  return streamPlan({ decisions, verdict, holdChanges, allocation, ctx });
}

export type { PlanInput, PlanStream };
