import { OKTA_WORKFORCE_RATE_LIMITS, type OktaRateLimitCategory } from '../../src/okta/okta-routes';

/**
 * Okta's per-minute rate limits: each category has a budget per calendar minute; every answer
 * carries `X-Rate-Limit-Limit/-Remaining/-Reset` (reset in epoch seconds, the start of the next
 * minute), and a request over budget gets 429 E0000047.
 */

/** `false` turns limits off; an object overrides some categories' per-minute limits. */
export type RateLimitSettings = false | Partial<Record<OktaRateLimitCategory, number>>;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets. */
  reset: number;
}

const UNLIMITED = 1_000_000;

export function createRateLimiter(settings: RateLimitSettings | undefined, now: () => number) {
  let limits: Record<OktaRateLimitCategory, number> = { ...OKTA_WORKFORCE_RATE_LIMITS };
  let enabled = true;
  const used = new Map<OktaRateLimitCategory, { window: number; count: number }>();

  function configure(s: RateLimitSettings | undefined): void {
    enabled = s !== false;
    limits = { ...OKTA_WORKFORCE_RATE_LIMITS, ...(s || {}) };
    used.clear();
  }
  configure(settings);

  /** Counts one request in `category` and says whether it is within the limit. */
  function take(category: OktaRateLimitCategory): RateLimitDecision {
    const nowMs = now();
    const window = Math.floor(nowMs / 60_000);
    const reset = (window + 1) * 60;
    if (!enabled) {
      return { allowed: true, limit: UNLIMITED, remaining: UNLIMITED, reset };
    }
    const limit = limits[category];
    let slot = used.get(category);
    if (!slot || slot.window !== window) {
      slot = { window, count: 0 };
      used.set(category, slot);
    }
    if (slot.count >= limit) {
      return { allowed: false, limit, remaining: 0, reset };
    }
    slot.count++;
    return { allowed: true, limit, remaining: limit - slot.count, reset };
  }

  return { take, configure };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
