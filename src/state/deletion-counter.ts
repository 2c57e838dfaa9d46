import { randomBytes } from 'node:crypto';
import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

const HOUR_MS = 3600_000;

/**
 * Event-driven deletions of the rolling hour, shared by every worker and replica: the deletion
 * guard counts them so that many small deletions cannot add up to an unnoticed mass deletion.
 */
export function createDeletionCounter(redis: RedisClient, prefix: string, opts: { windowMs?: number } = {}) {
  const key = stateKeys(prefix).deletions;
  const windowMs = opts.windowMs ?? HOUR_MS;

  async function record(hubspotUserId: string, at: number = Date.now()): Promise<void> {
    await redis
      .multi()
      .zadd(key, at, `${hubspotUserId}-${at}-${randomBytes(2).toString('hex')}`)
      .zremrangebyscore(key, '-inf', at - windowMs)
      .pexpire(key, windowMs * 2)
      .exec();
  }

  /**
   * Deletions made within the window ending at `now`, plus deletions expected from System Log
   * events not yet decided (see `expect`), so a batch of unassignments is judged as a whole:
   * `exceptOktaUserId` leaves out that user's own expectation (their plan counts it).
   */
  async function count(now: number = Date.now(), exceptOktaUserId?: string): Promise<number> {
    const [total, own] = await Promise.all([
      redis.zcount(key, now - windowMs + 1, '+inf'),
      exceptOktaUserId === undefined ? Promise.resolve(null) : redis.zscore(key, expectationOf(exceptOktaUserId)),
    ]);
    return own !== null && Number(own) > now - windowMs ? total - 1 : total;
  }

  /**
   * The guard's figures apart: deletions made within the window ending at `now`, and users known
   * to be leaving whose job has not decided yet (`exceptOktaUserId`'s own expectation left out).
   */
  async function figures(now: number = Date.now(), exceptOktaUserId?: string): Promise<{ made: number; expected: number }> {
    const members = await redis.zrangebyscore(key, now - windowMs + 1, '+inf');
    const own = exceptOktaUserId === undefined ? null : expectationOf(exceptOktaUserId);
    let expected = 0;
    for (const m of members) {
      if (m.startsWith(EXPECTED) && m !== own) {
        expected++;
      }
    }
    return { made: members.filter((m) => !m.startsWith(EXPECTED)).length, expected };
  }

  /**
   * Records that System Log events say these managed users are leaving (unassigned, deactivated,
   * deleted): until each user's job has decided, their deletion counts towards the guard, so the
   * first jobs of a mass unassignment cannot delete before the guard sees the whole batch.
   */
  async function expect(oktaUserIds: readonly string[], at: number = Date.now()): Promise<void> {
    if (oktaUserIds.length === 0) {
      return;
    }
    const args = oktaUserIds.flatMap((id) => [at, expectationOf(id)] as const);
    await redis.multi().zadd(key, ...args).pexpire(key, windowMs * 2).exec();
  }

  /** The user's job has decided (deleted, or nothing to delete): their expectation no longer counts. A held deletion keeps it. */
  async function settle(oktaUserId: string): Promise<void> {
    await redis.zrem(key, expectationOf(oktaUserId));
  }

  return { record, count, figures, expect, settle };
}

const EXPECTED = 'expected-';

function expectationOf(oktaUserId: string): string {
  return `${EXPECTED}${oktaUserId}`;
}

/** The deletion counter's API. */
export type DeletionCounter = ReturnType<typeof createDeletionCounter>;
