import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

/**
 * What the Okta event hook has done, as operators see it on the status page and in `hooks status`
 * (counts since the Redis data began, ISO times; null or 0 when nothing happened yet). Every
 * replica adds to the same hash.
 */
export interface HookStatus {
  /** The last delivery (POST) accepted. */
  lastDeliveryAt: string | null;
  deliveries: number;
  /** Events in accepted deliveries, duplicates included. */
  eventsReceived: number;
  /** Events that had already arrived (by the hook or the poll) and were skipped. */
  duplicates: number;
  /** Requests refused: wrong or missing auth, bad JSON, unknown shapes, too large. */
  rejected: number;
  lastRejectedAt: string | null;
  /** Why the last request was refused (`unauthorized`, `bad-json`, …; never a header value). */
  lastRejectedReason: string | null;
  /** Received minus published of the newest event of the last delivery, in ms. */
  lastLagMs: number | null;
  /** Events the poll found first, published longer ago than the grace: the hook missed (or delayed) them. */
  missedByHook: number;
  lastMissedAt: string | null;
  /** `event_hook.delivery` events in the System Log: Okta says a delivery failed. */
  deliveryFailures: number;
  lastDeliveryFailureAt: string | null;
  /** The last verification challenge answered. */
  lastVerifiedAt: string | null;
}

const COUNTS = ['deliveries', 'eventsReceived', 'duplicates', 'rejected', 'missedByHook', 'deliveryFailures'] as const;
const TIMES = ['lastDeliveryAt', 'lastRejectedAt', 'lastRejectedReason', 'lastMissedAt', 'lastDeliveryFailureAt', 'lastVerifiedAt'] as const;
type Count = (typeof COUNTS)[number];
type Time = (typeof TIMES)[number];

/** The event hook's facts (one Redis hash). */
export function createHookStatusStore(redis: RedisClient, prefix: string) {
  const key = stateKeys(prefix).hookStatus;

  async function get(): Promise<HookStatus> {
    const fields = [...COUNTS, ...TIMES, 'lastLagMs'];
    const values = await redis.hmget(key, ...fields);
    const at = (name: string) => values[fields.indexOf(name)] ?? null;
    const status: Record<string, string | number | null> = {};
    for (const c of COUNTS) {
      status[c] = Number(at(c) ?? 0);
    }
    for (const t of TIMES) {
      status[t] = at(t);
    }
    const lag = at('lastLagMs');
    status.lastLagMs = lag === null ? null : Number(lag);
    return status as unknown as HookStatus;
  }

  /** Adds to counters and sets facts in one round trip. */
  async function note(change: { add?: Partial<Record<Count, number>>; set?: Partial<Record<Time, string>>; lagMs?: number }): Promise<void> {
    const pipeline = redis.pipeline();
    for (const [field, n] of Object.entries(change.add ?? {})) {
      if (n !== undefined && n !== 0) {
        pipeline.hincrby(key, field, n);
      }
    }
    const set = Object.entries(change.set ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
    if (change.lagMs !== undefined) {
      set.push('lastLagMs', String(Math.max(0, Math.round(change.lagMs))));
    }
    if (set.length > 0) {
      pipeline.hset(key, ...set);
    }
    if (pipeline.length > 0) {
      await pipeline.exec();
    }
  }

  return { get, note };
}

/** The hook status store's API. */
export type HookStatusStore = ReturnType<typeof createHookStatusStore>;
