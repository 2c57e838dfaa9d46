import type { HubSpotRateState } from './hubspot-types';

/**
 * Reading HubSpot's rate-limit answers: the `X-HubSpot-RateLimit-*` headers every answer
 * carries, which budget a 429 is about, and how long to wait before the next try.
 */

/** Response headers in any of the shapes the SDK and fetch give them. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

export const TEN_SECONDS_MS = 10_000;
/** Added after local midnight so the daily budget has surely been reset when the wait is over. */
export const DAILY_RESET_MARGIN_MS = 60_000;

/** A header's value, looked up without regard to case. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === wanted) {
      return typeof v === 'string' ? v : v?.[0];
    }
  }
  return undefined;
}

function intHeader(headers: HeaderBag, name: string): number | null {
  const v = headerValue(headers, name);
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) {
    return null;
  }
  return Number(v);
}

/** The budget an answer reports; null when it carries no rate headers (e.g. a proxy error page). */
export function parseRateHeaders(headers: HeaderBag, at: number): HubSpotRateState | null {
  const max = intHeader(headers, 'X-HubSpot-RateLimit-Max');
  const remaining = intHeader(headers, 'X-HubSpot-RateLimit-Remaining');
  const intervalMs = intHeader(headers, 'X-HubSpot-RateLimit-Interval-Milliseconds');
  const dailyRemaining = intHeader(headers, 'X-HubSpot-RateLimit-Daily-Remaining');
  if (max === null && remaining === null && intervalMs === null && dailyRemaining === null) {
    return null;
  }
  return { max, remaining, intervalMs, dailyRemaining, at };
}

function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

/**
 * Which budget a 429 is about: the body's `policyName` when present; else "daily" in the message
 * or a spent daily budget in the headers means DAILY; anything else is the 10-second window.
 */
export function rateLimitPolicy(body: unknown, headers: HeaderBag): RateLimitPolicy {
  const policy = field(body, 'policyName');
  if (policy === 'DAILY' || policy === 'TEN_SECONDLY_ROLLING' || policy === 'SECONDLY') {
    return policy;
  }
  const message = field(body, 'message');
  if (typeof message === 'string') {
    if (/daily/i.test(message)) {
      return 'DAILY';
    }
    if (/secondly limit/i.test(message) && !/ten_secondly/i.test(message)) {
      return 'SECONDLY';
    }
  }
  if (intHeader(headers, 'X-HubSpot-RateLimit-Daily-Remaining') === 0) {
    return 'DAILY';
  }
  return 'TEN_SECONDLY_ROLLING';
}

/** Milliseconds from `now` to the next midnight in this machine's time zone. */
export function msUntilNextLocalMidnight(now: Date): number {
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 0, 0, 0, 0);
  return midnight.getTime() - now.getTime();
}

function retryAfterHeaderMs(headers: HeaderBag, now: Date): number | null {
  const v = headerValue(headers, 'Retry-After');
  if (v === undefined) {
    return null;
  }
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) {
    return Math.ceil(Number(v) * 1000);
  }
  const when = Date.parse(v);
  return Number.isNaN(when) ? null : Math.max(0, when - now.getTime());
}

/**
 * How long to wait after a 429. A `Retry-After` header wins when present (HubSpot is not known
 * to send one). DAILY: until local midnight plus a minute (HubSpot resets at midnight in the
 * account's time zone, which the API does not tell; the machine's zone is the best guess).
 * SECONDLY: one second. The 10-second window: the interval the headers name, else 10 s (a
 * rolling window frees its first slot at most one interval later).
 */
export function retryAfterMs(policy: RateLimitPolicy, headers: HeaderBag, now: Date): number {
  const told = retryAfterHeaderMs(headers, now);
  if (told !== null) {
    return told;
  }
  if (policy === 'DAILY') {
    return msUntilNextLocalMidnight(now) + DAILY_RESET_MARGIN_MS;
  }
  if (policy === 'SECONDLY') {
    return 1000;
  }
  return intHeader(headers, 'X-HubSpot-RateLimit-Interval-Milliseconds') ?? TEN_SECONDS_MS;
}
