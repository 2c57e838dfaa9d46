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
  budgetOf(kind: string): number | null;
  remainingOf(kind: string): number | null;
  label(kind: string): string;
  /** Kinds to report even when nobody holds or wants them. */
  reportedKinds: readonly string[];
}

export interface SeatAllocation {
  /** Per request (same index): the kinds the user gets. */
  granted: string[][];
  /** Per request: the kinds the user wants but waits for. */
  waiting: string[][];
  usage: SeatUsage[];
}

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
  const granted: string[][] = requests.map(() => []);
  const waiting: string[][] = requests.map(() => []);
  const fixed = count(input.fixed);
  const released = count(input.released);
  const kinds = new Set<string>(input.reportedKinds);
  for (const r of requests) {
    r.wants.forEach((k) => kinds.add(k));
    r.holds.forEach((k) => kinds.add(k));
  }
  fixed.forEach((_, k) => kinds.add(k));

  const order = requests.map((_, i) => i);
  order.sort((a, b) => {
    const ra = requests[a];
    const rb = requests[b];
    if (!ra || !rb) {
      return 0;
    }
    const d = sinceOrder(ra.since) - sinceOrder(rb.since);
    if (d !== 0) {
      return d;
    }
    return ra.oktaUserId < rb.oktaUserId ? -1 : ra.oktaUserId > rb.oktaUserId ? 1 : a - b;
  });

  // Index requests by wanted kind once, in line order.
  const wantersByKind = new Map<string, number[]>();
  const holdersBefore = new Map<string, number>();
  for (const i of order) {
    const r = requests[i];
    if (!r) {
      continue;
    }
    for (const k of r.wants) {
      const list = wantersByKind.get(k);
      if (list) {
        list.push(i);
      } else {
        wantersByKind.set(k, [i]);
      }
    }
    for (const k of r.holds) {
      holdersBefore.set(k, (holdersBefore.get(k) ?? 0) + 1);
    }
  }

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
        granted[i]?.push(kind);
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
      const withinBudget = budget === null || fixedHolders + after < budget;
      const withinHubSpot = remaining === null || after - before < remaining;
      if (withinBudget && withinHubSpot) {
        granted[i]?.push(kind);
        after++;
      } else {
        waiting[i]?.push(kind);
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
  granted.forEach((g) => g.sort());
  waiting.forEach((w) => w.sort());
  return { granted, waiting, usage };
}
