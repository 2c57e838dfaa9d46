import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

/**
 * The System Log events already acted on, by `uuid`, shared by every replica. The event hook and
 * the poll both look events up here before turning them into jobs and mark them once the jobs are
 * queued, so an event that arrives twice (hook and poll, or a hook's duplicate delivery) is acted
 * on once, and a crash between the two leaves the event unmarked (the poll acts on it again)
 * rather than lost. Two arrivals at the same moment may both act; their jobs collapse per user.
 * Each mark is one small key that expires after `ttlMs`, which bounds the memory used; an event
 * seen again after that is acted on again, which is harmless (jobs re-read current state).
 */
export function createSeenEvents(redis: RedisClient, prefix: string, opts: { ttlMs: number }) {
  const keys = stateKeys(prefix);

  /** Who first acted on each event (`hook`, `poll`), or null when none has; one MGET. */
  async function lookup(uuids: readonly string[]): Promise<Map<string, string | null>> {
    const unique = [...new Set(uuids)];
    const out = new Map<string, string | null>();
    if (unique.length === 0) {
      return out;
    }
    const values = await redis.mget(...unique.map((u) => keys.seenEvent(u)));
    unique.forEach((uuid, i) => out.set(uuid, values[i] ?? null));
    return out;
  }

  /** Marks events as acted on by `via` (kept when an earlier mark exists), pipelined. */
  async function mark(uuids: Iterable<string>, via: string): Promise<void> {
    const pipeline = redis.pipeline();
    for (const uuid of new Set(uuids)) {
      pipeline.set(keys.seenEvent(uuid), via, 'PX', opts.ttlMs, 'NX');
    }
    if (pipeline.length > 0) {
      await pipeline.exec();
    }
  }

  return { lookup, mark };
}

/** The seen-events store's API. */
export type SeenEvents = ReturnType<typeof createSeenEvents>;
