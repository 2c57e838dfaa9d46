import { assertHashTagged } from './keys';
import type { RedisClient } from './redis-client';

/**
 * Where one user stood after their latest sync job: the facts the status page's seats, waiting
 * list and unmapped titles need, so those sections are current between two full
 * reconciliations (which may be an hour apart) instead of showing only the last full plan.
 */
export interface UserStanding {
  oktaUserId: string;
  email: string | null;
  /** ISO time the job decided. */
  at: string;
  /** Their Title when it matched no role (minimal permissions), else null. */
  unmappedTitle: string | null;
  /** Seats (as the status page names them) the user waits for, with when they started waiting. */
  waitingFor: Array<{ seat: string; since: string | null }>;
}

/** One seat's use as the latest job that looked at it counted it (ledger-wide). */
export interface SeatCount {
  seat: string;
  used: number;
  budget: number | null;
  /** ISO time of the count. */
  at: string;
}

/** How long a standing is kept: past it, a full reconciliation has long since seen the user. */
const KEPT_MS = 7 * 24 * 3600_000;
/** Old standings removed per write, so trimming never costs much at once. */
const TRIM_BATCH = 100;

/**
 * The latest standing of each user synced by a job, ordered by time, and the latest seat
 * counts. Each sync-user job writes its user's; the status page reads those newer than the last
 * full plan and lays them over it.
 */
export function createUserStandingStore(redis: RedisClient, prefix: string) {
  assertHashTagged(prefix);
  const byUser = `${prefix}:user-standing`;
  const times = `${prefix}:user-standing-times`;
  const seats = `${prefix}:seat-counts`;
  /** Per seat, the users waiting for it, scored by when they started waiting (line order). */
  const waitersOf = (seat: string) => `${prefix}:seat-waiters:${seat}`;

  /**
   * Records a user's standing and the seat counts their job's plan made (ledger-wide). The user
   * leaves the waiting line of every counted seat they no longer wait for.
   */
  async function note(standing: UserStanding, counts: readonly Omit<SeatCount, 'at'>[]): Promise<void> {
    const at = Date.parse(standing.at);
    const multi = redis.multi();
    multi.hset(byUser, standing.oktaUserId, JSON.stringify(standing));
    multi.zadd(times, at, standing.oktaUserId);
    const waits = new Map(standing.waitingFor.map((w) => [w.seat, w.since]));
    for (const c of counts) {
      multi.hset(seats, c.seat, JSON.stringify({ ...c, at: standing.at }));
      if (!waits.has(c.seat)) {
        multi.zrem(waitersOf(c.seat), standing.oktaUserId);
      }
    }
    for (const [seat, since] of waits) {
      const t = since === null ? Number.NaN : Date.parse(since);
      // Unknown start times wait last, as the plan's line has them.
      multi.zadd(waitersOf(seat), Number.isNaN(t) ? Number.MAX_SAFE_INTEGER : t, standing.oktaUserId);
    }
    await multi.exec();
    const old = await redis.zrangebyscore(times, '-inf', at - KEPT_MS, 'LIMIT', 0, TRIM_BATCH);
    if (old.length > 0) {
      await redis.multi().zrem(times, ...old).hdel(byUser, ...old).exec();
    }
  }

  /** Standings written after `sinceMs` (epoch ms), oldest first. */
  async function since(sinceMs: number): Promise<UserStanding[]> {
    const ids = await redis.zrangebyscore(times, `(${sinceMs}`, '+inf');
    if (ids.length === 0) {
      return [];
    }
    const raw = await redis.hmget(byUser, ...ids);
    return raw.flatMap((r) => {
      try {
        return r === null ? [] : [JSON.parse(r) as UserStanding];
      } catch {
        return [];
      }
    });
  }

  /** One user's latest standing, or null. */
  async function get(oktaUserId: string): Promise<UserStanding | null> {
    const raw = await redis.hget(byUser, oktaUserId);
    try {
      return raw === null ? null : (JSON.parse(raw) as UserStanding);
    } catch {
      return null;
    }
  }

  /** The latest count of every seat a job has counted. */
  async function seatCounts(): Promise<SeatCount[]> {
    const all = await redis.hgetall(seats);
    return Object.values(all).flatMap((r) => {
      try {
        return [JSON.parse(r) as SeatCount];
      } catch {
        return [];
      }
    });
  }

  /** The first `limit` users in line for a seat (as the status page names it), first first. */
  async function waiters(seat: string, limit: number): Promise<string[]> {
    return limit <= 0 ? [] : redis.zrange(waitersOf(seat), 0, limit - 1);
  }

  return { note, since, get, seatCounts, waiters };
}

/** The user standing store's API. */
export type UserStandingStore = ReturnType<typeof createUserStandingStore>;
