import { assertHashTagged } from './keys';
import type { RedisClient } from './redis-client';

/**
 * When the System Log last named each Okta user (an assignment, lifecycle or profile event).
 * A reconciliation's per-user job may trust the assignment its plan listed, instead of asking
 * Okta's rate-limited apps endpoint again, only while no event about the user came after the
 * listing.
 */
export function createUserEventTimes(redis: RedisClient, prefix: string) {
  assertHashTagged(prefix);
  const key = `${prefix}:user-event-times`;

  /** Records that events named these users at `at` (epoch ms); keeps the latest time per user. */
  async function touch(oktaUserIds: readonly string[], at: number): Promise<void> {
    if (oktaUserIds.length === 0) {
      return;
    }
    const fields = oktaUserIds.flatMap((id) => [id, String(at)]);
    await redis.hset(key, ...fields);
  }

  /** The last event time of the user (epoch ms), or null when none was seen. */
  async function last(oktaUserId: string): Promise<number | null> {
    const v = await redis.hget(key, oktaUserId);
    return v === null ? null : Number(v);
  }

  return { touch, last };
}

/** The user event times' API. */
export type UserEventTimes = ReturnType<typeof createUserEventTimes>;
