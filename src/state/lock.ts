import { randomUUID } from 'node:crypto';
import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/** A held lock: release it, or extend it while the work goes on. */
export interface HeldLock {
  readonly token: string;
  release(): Promise<void>;
  extend(ttlMs: number): Promise<boolean>;
}

/**
 * Named locks in Redis (SET NX PX with a token; release and extend only by the holder). They keep
 * one reconciliation, one ledger rebuild and one job per user running at a time across replicas.
 * A lock always expires, so a killed process never blocks the others for longer than its TTL.
 */
export function createLocks(redis: RedisClient, prefix: string) {
  const keys = stateKeys(prefix);

  function held(key: string, token: string): HeldLock {
    return {
      token,
      async release() {
        await redis.eval(RELEASE, 1, key, token);
      },
      async extend(ttlMs: number) {
        return (await redis.eval(EXTEND, 1, key, token, String(ttlMs))) === 1;
      },
    };
  }

  /** Takes the lock or returns null when someone else holds it. */
  async function tryAcquire(name: string, ttlMs: number, token: string = randomUUID()): Promise<HeldLock | null> {
    const key = keys.lock(name);
    const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? held(key, token) : null;
  }

  /** Who holds the lock (its token), if anyone. */
  async function holder(name: string): Promise<string | null> {
    return redis.get(keys.lock(name));
  }

  /** Re-attaches to a lock taken earlier (e.g. by the job that started a reconciliation). */
  function attach(name: string, token: string): HeldLock {
    return held(keys.lock(name), token);
  }

  return { tryAcquire, holder, attach };
}

/** The lock API. */
export type Locks = ReturnType<typeof createLocks>;
