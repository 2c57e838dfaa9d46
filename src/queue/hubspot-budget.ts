import { randomBytes } from 'node:crypto';
import { RateLimitedError } from '../lib/errors';
import { stateKeys } from '../state/keys';
import type { RedisClient } from '../state/redis-client';
import { sleep } from '../lib/async';

/**
 * Sliding-window log in Redis, on Redis' own clock so replicas agree: returns 0 and records the
 * request when the window has room, else how many ms until it will (or until a pause ends).
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, now .. '-' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

/** Pauses every replica's HubSpot requests for at least `ms` (never shortens a longer pause). */
const PAUSE = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
`;

/** What a HubSpot answer said about the rate budget. */
export interface RateObservation {
  status: number | null;
  /** X-HubSpot-RateLimit-Remaining, when present. */
  remaining: number | null;
  /** X-HubSpot-RateLimit-Interval-Milliseconds, when present. */
  intervalMs?: number | null;
}


/**
 * HubSpot's request budget, shared by every worker and replica through Redis: at most
 * `requestsPerWindow` requests per `windowMs` (plus a small margin). Called before every HubSpot request (the client's
 * `beforeRequest` hook); answers (`afterResponse`) pause everyone when HubSpot says the account's
 * budget is spent, which also covers other apps using the same account.
 */
export function createHubSpotBudget(
  redis: RedisClient,
  prefix: string,
  opts: {
    requestsPerWindow: number;
    windowMs: number;
    /** Longest wait for room before giving the job back (default: one window). */
    maxWaitMs?: number;
    /**
     * Pause everyone when HubSpot says this few requests are left (default 2% of the budget, at
     * least 3). Kept small: at full use of the budget HubSpot's own count leaves only about the
     * margin's share free, and pausing then would throttle below the budget.
     */
    reserve?: number;
    /**
     * Added to the window (default 3%, at least 250 ms). Requests reach HubSpot a variable time
     * after they were counted here; without the margin two requests counted just over a window
     * apart can arrive within one of HubSpot's windows and earn a 429, which pauses everyone.
     * Every 1% of margin costs about 1% of throughput.
     */
    marginMs?: number;
  },
) {
  const keys = stateKeys(prefix);
  const maxWaitMs = opts.maxWaitMs ?? opts.windowMs;
  const reserve = opts.reserve ?? Math.max(3, Math.ceil(opts.requestsPerWindow * 0.02));
  const countedWindowMs = opts.windowMs + (opts.marginMs ?? Math.max(250, Math.ceil(opts.windowMs * 0.03)));

  async function tryTake(): Promise<number> {
    const wait = await redis.eval(TAKE, 2, keys.hubspotBudget, keys.hubspotPause, String(opts.requestsPerWindow), String(countedWindowMs), randomBytes(4).toString('hex'));
    return Number(wait);
  }

  /**
   * Waits for room in the budget. Throws RateLimitedError when the wait would exceed `maxWaitMs`,
   * so the job goes back to the queue (not counted as an attempt) instead of holding a worker.
   */
  async function acquire(): Promise<void> {
    let waited = 0;
    for (;;) {
      const wait = await tryTake();
      if (wait <= 0) {
        return;
      }
      if (waited + wait > maxWaitMs) {
        throw new RateLimitedError(`HubSpot request budget of ${opts.requestsPerWindow} per ${opts.windowMs} ms is spent`, {
          code: 'HUBSPOT_BUDGET',
          retryAfterMs: wait,
        });
      }
      const step = Math.min(wait, 1000);
      await sleep(step);
      waited += step;
    }
  }

  /** Stops every replica's HubSpot requests for `ms` (after a 429). */
  async function pause(ms: number): Promise<void> {
    await redis.eval(PAUSE, 1, keys.hubspotPause, String(Math.max(1, Math.ceil(ms))));
  }

  /**
   * Reads an answer's rate headers. HubSpot counts requests when they arrive, which is a little
   * later than this budget counted them, and several are in flight at once: so when HubSpot says
   * only a few requests are left (`reserve`), everyone waits a moment instead of earning a 429.
   */
  async function observe(o: RateObservation): Promise<void> {
    if (o.status === 429) {
      await pause(opts.windowMs / 10);
    } else if (o.remaining !== null && o.remaining <= reserve) {
      // Long enough for HubSpot's rolling window to free about `reserve` requests at this budget's pace.
      await pause(Math.max(100, ((o.intervalMs ?? opts.windowMs) * (reserve + 1)) / opts.requestsPerWindow));
    }
  }

  /** Requests recorded in the current window (for metrics). */
  async function used(): Promise<number> {
    return redis.zcard(keys.hubspotBudget);
  }

  return { acquire, pause, observe, used };
}

/** The shared HubSpot budget's API. */
export type HubSpotBudget = ReturnType<typeof createHubSpotBudget>;
