import type { SeatUsage } from './types';

/** One in-scope user the plan provisions, as the seat budget sees them. */
export interface SeatRequest {
  oktaUserId: string;
  email: string;
  /** assignedAt: earlier first in the waiting line. */
  since: string | null;
  /** Kinds this HubSpot user holds now (none for a create). */
  holds: readonly string[];
  /** Kinds held by the user this one replaces in the same plan (email change): they move over. */
  inherits: readonly string[];
  /** Kinds the rules give this user. */
  wants: readonly string[];
}

/** What the allocation needs besides the requests. */
export interface SeatAllocationInput {
  requests: readonly SeatRequest[];
  /** Kinds held now by each user the plan deletes (deletions that go ahead only): they come free. */
  released: ReadonlyArray<readonly string[]>;
  /** Kinds held by each managed user the plan leaves as they are: they count against the budget. */
  fixed: ReadonlyArray<readonly string[]>;
  /** More such holders, already counted per kind (from ledger-wide counts). */
  fixedCounts?: ReadonlyMap<string, number>;
  budgetOf(kind: string): number | null;
  remainingOf(kind: string): number | null;
  label(kind: string): string;
  /** Kinds to report even when nobody holds or wants them. */
  reportedKinds: readonly string[];
  /** Kinds nobody new may get in this plan (their budget cannot be checked); holders keep theirs. */
  frozen?: (kind: string) => boolean;
}

export interface SeatAllocation {
  /** Per request (same index): the kinds the user gets (read-only). */
  granted: ReadonlyArray<readonly string[]>;
  /** Per request: the kinds the user wants but waits for (read-only). */
  waiting: ReadonlyArray<readonly string[]>;
  usage: SeatUsage[];
}

/** Shared empty list for the many users who get (or wait for) nothing; never mutated. */
const NONE: string[] = [];

function sinceOrder(since: string | null): number {
  if (since === null) {
    return Number.POSITIVE_INFINITY;
  }
  const t = Date.parse(since);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

function count(lists: ReadonlyArray<readonly string[]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const list of lists) {
    for (const kind of list) {
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Shares out paid seats, kind by kind. A user who holds a seat (or inherits it) and should have
 * it keeps it, whatever the budget. The others wait in line (earliest `since` first, then Okta
 * id) and get one while both limits allow: the rules file's budget, counted over every managed
 * user after the plan, and HubSpot's free seats, where the plan's net new seats (seats given
 * minus seats given up by users it updates or deletes) may not exceed `remainingSeats`.
 * Because freed seats go to the next in line in the same plan, applying the plan and planning
 * again gives the same shares.
 */
export function allocateSeats(input: SeatAllocationInput): SeatAllocation {
  const { requests } = input;
  const granted: string[][] = requests.map(() => NONE);
  const waiting: string[][] = requests.map(() => NONE);
  const give = (lists: string[][], i: number, kind: string) => {
    const list = lists[i];
    lists[i] = list === undefined || list === NONE ? [kind] : [...list, kind];
  };
  const fixed = count(input.fixed);
  input.fixedCounts?.forEach((n, k) => fixed.set(k, (fixed.get(k) ?? 0) + n));
  const released = count(input.released);
  const kinds = new Set<string>(input.reportedKinds);
  for (const r of requests) {
    r.wants.forEach((k) => kinds.add(k));
    r.holds.forEach((k) => kinds.add(k));
  }
  fixed.forEach((_, k) => kinds.add(k));

  // Only users who want a seat queue; their place in line is computed once.
  const order: number[] = [];
  const sinceKey: number[] = [];
  requests.forEach((r, i) => {
    if (r.wants.length > 0) {
      order.push(i);
    }
    sinceKey.push(r.wants.length > 0 ? sinceOrder(r.since) : 0);
  });
  order.sort((a, b) => {
    const d = (sinceKey[a] ?? 0) - (sinceKey[b] ?? 0);
    if (d !== 0) {
      return d;
    }
    const ida = requests[a]?.oktaUserId ?? '';
    const idb = requests[b]?.oktaUserId ?? '';
    return ida < idb ? -1 : ida > idb ? 1 : a - b;
  });

  // Index requests by wanted kind once, in line order.
  const wantersByKind = new Map<string, number[]>();
  for (const i of order) {
    for (const k of requests[i]?.wants ?? []) {
      const list = wantersByKind.get(k);
      if (list) {
        list.push(i);
      } else {
        wantersByKind.set(k, [i]);
      }
    }
  }
  const holdersBefore = count(requests.map((r) => r.holds));

  const usage: SeatUsage[] = [];
  for (const kind of [...kinds].sort((a, b) => input.label(a).localeCompare(input.label(b)))) {
    const wanters = wantersByKind.get(kind) ?? [];
    const budget = input.budgetOf(kind);
    const remaining = input.remainingOf(kind);
    const before = (holdersBefore.get(kind) ?? 0) + (released.get(kind) ?? 0);
    const fixedHolders = fixed.get(kind) ?? 0;
    let after = 0;
    const line: number[] = [];
    for (const i of wanters) {
      const r = requests[i];
      if (r && (r.holds.includes(kind) || r.inherits.includes(kind))) {
        give(granted, i, kind);
        after++;
      } else {
        line.push(i);
      }
    }
    const usageWaiting: SeatUsage['waiting'] = [];
    for (const i of line) {
      const r = requests[i];
      if (!r) {
        continue;
      }
      const withinBudget = budget === null || (fixedHolders + after < budget && input.frozen?.(kind) !== true);
      const withinHubSpot = remaining === null || after - before < remaining;
      if (withinBudget && withinHubSpot) {
        give(granted, i, kind);
        after++;
      } else {
        give(waiting, i, kind);
        usageWaiting.push({ oktaUserId: r.oktaUserId, email: r.email, since: r.since });
      }
    }
    usage.push({
      seat: input.label(kind),
      used: fixedHolders + after,
      budget,
      remaining: remaining === null ? null : remaining - (after - before),
      waiting: usageWaiting,
    });
  }
  granted.forEach((g) => g.length > 1 && g.sort());
  waiting.forEach((w) => w.length > 1 && w.sort());
  return { granted, waiting, usage };
}
