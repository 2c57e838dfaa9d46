import type { RateLimitPolicy } from './hubspot-sim-errors';

/**
 * HubSpot's two request budgets, as the simulator enforces them: a rolling 10-second window per
 * app (token) and a daily count per account that resets at local midnight. A refused request
 * (429) does not consume budget. Pure apart from the injected clock.
 */

export interface RateLimitOptions {
  /** Requests per rolling window (HubSpot: 100 Free/Starter, 190 Pro/Enterprise, 250 with the pack). */
  perTenSeconds?: number;
  /** Requests per day for the account (HubSpot: 250k, 625k, 1M). */
  daily?: number;
  /** Window length; HubSpot's is 10 s. */
  intervalMs?: number;
}

export const DEFAULT_PER_TEN_SECONDS = 190;
export const DEFAULT_DAILY = 1_000_000;
export const TEN_SECONDS = 10_000;

/** A rolling window of request timestamps: at most `limit` within any `intervalMs`. */
export function createRollingWindow(limit: number, intervalMs: number) {
  const stamps: number[] = [];
  let head = 0;

  function prune(now: number): void {
    while (head < stamps.length && (stamps[head] ?? 0) <= now - intervalMs) {
      head++;
    }
    if (head > 1024 && head * 2 > stamps.length) {
      stamps.splice(0, head);
      head = 0;
    }
  }

  return {
    limit,
    intervalMs,
    used(now: number): number {
      prune(now);
      return stamps.length - head;
    },
    /** Counts a request if the window has room; false when it is full. */
    tryTake(now: number): boolean {
      prune(now);
      if (stamps.length - head >= limit) {
        return false;
      }
      stamps.push(now);
      return true;
    },
    /** Milliseconds until one more request fits (0 when it fits now). */
    msUntilRoom(now: number): number {
      prune(now);
      if (stamps.length - head < limit) {
        return 0;
      }
      return (stamps[head] ?? now) + intervalMs - now;
    },
  };
}

export type RollingWindow = ReturnType<typeof createRollingWindow>;

/** The local calendar day of a timestamp, the key of the daily budget. */
export function localDayKey(now: number): string {
  const d = new Date(now);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** A per-day counter that starts again at local midnight. */
export function createDailyCounter(limit: number) {
  let day = '';
  let used = 0;
  function roll(now: number): void {
    const key = localDayKey(now);
    if (key !== day) {
      day = key;
      used = 0;
    }
  }
  return {
    limit,
    used(now: number): number {
      roll(now);
      return used;
    },
    tryTake(now: number): boolean {
      roll(now);
      if (used >= limit) {
        return false;
      }
      used++;
      return true;
    },
    reset(): void {
      used = 0;
    },
  };
}

export type RateDecision = { ok: true; headers: Record<string, string> } | { ok: false; policy: RateLimitPolicy; headers: Record<string, string> };

/** Both budgets together, with the `X-HubSpot-RateLimit-*` headers every answer carries. */
export function createRateLimiter(opts: RateLimitOptions, now: () => number) {
  const perWindow = opts.perTenSeconds ?? DEFAULT_PER_TEN_SECONDS;
  const intervalMs = opts.intervalMs ?? TEN_SECONDS;
  const daily = createDailyCounter(opts.daily ?? DEFAULT_DAILY);
  const windows = new Map<string, RollingWindow>();

  function windowOf(app: string): RollingWindow {
    let w = windows.get(app);
    if (!w) {
      w = createRollingWindow(perWindow, intervalMs);
      windows.set(app, w);
    }
    return w;
  }

  function headers(app: string, t: number): Record<string, string> {
    const w = windowOf(app);
    return {
      'X-HubSpot-RateLimit-Max': String(perWindow),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, perWindow - w.used(t))),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(intervalMs),
      'X-HubSpot-RateLimit-Daily': String(daily.limit),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, daily.limit - daily.used(t))),
    };
  }

  return {
    /** Admits one request of `app` (a token) or says which budget is spent. */
    admit(app: string): RateDecision {
      const t = now();
      if (daily.used(t) >= daily.limit) {
        return { ok: false, policy: 'DAILY', headers: headers(app, t) };
      }
      if (!windowOf(app).tryTake(t)) {
        return { ok: false, policy: 'TEN_SECONDLY_ROLLING', headers: headers(app, t) };
      }
      daily.tryTake(t);
      return { ok: true, headers: headers(app, t) };
    },
    /** The headers for an answer that did not go through `admit` (e.g. 401, injected faults). */
    headers: (app: string): Record<string, string> => headers(app, now()),
    /** Forgets every window and the day's count. */
    reset(): void {
      windows.clear();
      daily.reset();
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
