import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { errorMessage, OutageError, type ApiName, type OutageKind } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { assertHashTagged } from '../state/keys';
import type { RedisClient } from '../state/redis-client';

/** One API's outage as every replica sees it (stored in Redis). */
export interface OutageState {
  api: ApiName;
  kind: OutageKind;
  /** When the first job met it (ISO time). */
  since: string;
  /** The first error's message (names the call; never a token). */
  reason: string;
}

/** The APIs in the order they are probed. */
export const API_NAMES: readonly ApiName[] = ['hubspot', 'okta'];

const TITLE: Record<ApiName, string> = { hubspot: 'HubSpot', okta: 'Okta' };
/** How long a confirming probe may take (the API clients' own timeouts are shorter), and how long others wait for its verdict. */
const CONFIRM_WAIT_MS = 15_000;
/** How long a confirmed normal answer counts for errors that follow it. */
const UP_REMEMBERED_MS = 1_000;
/** Where an operator fixes a rejected token. */
const TOKEN_HINT: Record<ApiName, string> = {
  hubspot: 'check HUBSPOT_ACCESS_TOKEN (a private app access token with the settings.users scopes that has not been revoked or rotated)',
  okta: 'check OKTA_API_TOKEN, or OKTA_CLIENT_ID and OKTA_PRIVATE_KEY (not revoked, deactivated or expired, and its admin still has the needed role)',
};

/** The status an operator reads for an outage (log line, `/readyz`, status page). */
export function describeOutage(o: Pick<OutageState, 'api' | 'kind' | 'reason'>): string {
  const name = TITLE[o.api];
  if (o.kind === 'token-rejected') {
    return `${name} rejected the token (HTTP 401): ${TOKEN_HINT[o.api]}; work is paused until it is accepted again`;
  }
  return `${name} is unavailable (${o.reason}): work is paused until it answers normally again`;
}

/**
 * Sets the outage (first error wins, or a rejected token over an unavailable API) and returns
 * what was there before; refreshes the expiry either way.
 */
const OPEN = `
local cur = redis.call('GET', KEYS[1])
if cur and not (ARGV[3] == 'token-rejected' and not string.find(cur, '"kind":"token-rejected"', 1, true)) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return cur
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return cur or ''
`;

/**
 * The outage breaker of each API (HubSpot, Okta), shared by every worker and replica through
 * Redis. A job that meets an outage-shaped error (5xx, timeout, network error, 401) reports it;
 * unless it is a rejected token, one probe first checks that the API is really out (a stray 5xx
 * is retried as usual). Then the breaker opens, the queues whose jobs call the APIs are paused (BullMQ's queue rate limit,
 * so the job goes back without using an attempt and no worker takes another), and one probe (a
 * cheap read) runs every `probeIntervalMs` across replicas. When the probe gets an answer the
 * breaker closes and work resumes at once. The outage is logged once when it opens and once when
 * it ends, never per job. The state expires on its own (`stateTtlMs`) when no process is left to
 * probe, so a killed daemon never leaves work paused.
 */
export function createOutageBreaker(deps: {
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  /** A cheap read per API; resolving (or any answer but an outage) ends the outage. */
  probes: Record<ApiName, () => Promise<unknown>>;
  /** The queues whose jobs call the APIs. */
  queues: ReadonlyArray<Pick<Queue, 'rateLimit' | 'removeRateLimitKey'>>;
  /** How often the probe runs while an API is out (default 1 s). */
  probeIntervalMs?: number;
  /** How long an outage is remembered without a failed probe refreshing it (default 30 s). */
  stateTtlMs?: number;
  /** Told when an API's outage opens (`ended` null) or ends, by the one process that saw it happen. */
  onChange?: (api: ApiName, state: OutageState, ended: Date | null) => void;
  now?: () => Date;
}) {
  assertHashTagged(deps.prefix);
  const log = deps.logger.child({ component: 'outage-breaker' });
  const now = () => (deps.now ? deps.now() : new Date());
  const probeIntervalMs = deps.probeIntervalMs ?? 1_000;
  const stateTtlMs = deps.stateTtlMs ?? Math.max(30_000, probeIntervalMs * 10);
  /** Queues stay paused this long per report or failed probe: a little over one probe interval. */
  const pauseMs = probeIntervalMs + 1_000;
  const key = (api: ApiName) => `${deps.prefix}:api-outage-${api}`;
  const probeKey = (api: ApiName) => `${deps.prefix}:lock-outage-probe-${api}`;
  const confirmKey = (api: ApiName) => `${deps.prefix}:lock-outage-confirm-${api}`;
  const upKey = (api: ApiName) => `${deps.prefix}:api-answered-${api}`;
  const probing = new Set<ApiName>();
  /** When this process last saw each API's outage end: an outage back within a minute is the same one (e.g. only writes fail). */
  const closedAt = new Map<ApiName, number>();
  const FLAP_MS = 60_000;
  const quiet = new Set<ApiName>();
  let timer: NodeJS.Timeout | null = null;

  function parse(raw: string | null | undefined): OutageState | null {
    if (!raw) {
      return null;
    }
    try {
      return JSON.parse(raw) as OutageState;
    } catch {
      return null;
    }
  }

  async function pauseQueues(): Promise<void> {
    await Promise.all(deps.queues.map((q) => q.rateLimit(pauseMs)));
  }

  /** Opens (or keeps open) the API's breaker for `err` and pauses the queues; logs only when this call opened it. */
  async function open(err: OutageError): Promise<void> {
    const state: OutageState = { api: err.api, kind: err.kind, since: now().toISOString(), reason: err.message };
    const before = await deps.redis.eval(OPEN, 1, key(err.api), JSON.stringify(state), String(stateTtlMs), err.kind);
    const previous = parse(typeof before === 'string' ? before : null);
    if (previous === null || previous.kind !== state.kind) {
      const line = describeOutage(state);
      const again = previous === null && now().getTime() - (closedAt.get(state.api) ?? -Infinity) < FLAP_MS;
      if (again) {
        quiet.add(state.api);
        log.debug(`${line} (again within a minute of the last outage)`, { api: state.api });
      } else if (state.kind === 'token-rejected') {
        log.error(line, { api: state.api });
      } else {
        log.warn(line, { api: state.api });
      }
      deps.onChange?.(state.api, state, null);
    }
    await pauseQueues();
  }

  /**
   * Whether `err` is an outage or a one-off: one probe (at most one per API across replicas at a
   * time; the others wait for its verdict) asks the API again. A normal answer means a one-off
   * (a stray 5xx, one slow answer), remembered for a second so a burst of them costs one probe.
   * A failed probe opens the breaker before its verdict is known to the others.
   */
  async function confirm(err: OutageError): Promise<'up' | 'down'> {
    const api = err.api;
    const deadline = now().getTime() + CONFIRM_WAIT_MS;
    for (;;) {
      const [up, out] = await Promise.all([deps.redis.get(upKey(api)), deps.redis.get(key(api))]);
      if (out !== null) {
        return 'down';
      }
      if (up !== null) {
        return 'up';
      }
      if ((await deps.redis.set(confirmKey(api), randomUUID(), 'PX', CONFIRM_WAIT_MS, 'NX')) === 'OK') {
        try {
          await deps.probes[api]();
          await deps.redis.set(upKey(api), '1', 'PX', UP_REMEMBERED_MS);
          return 'up';
        } catch (probeErr) {
          if (probeErr instanceof OutageError && probeErr.api === api) {
            await open(err);
            return 'down';
          }
          // Any other answer (a missing scope, a bad page) means the API is up; jobs report their own errors.
          await deps.redis.set(upKey(api), '1', 'PX', UP_REMEMBERED_MS);
          return 'up';
        } finally {
          await deps.redis.del(confirmKey(api));
        }
      }
      if (now().getTime() > deadline) {
        return 'up';
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * A job met `err`. A rejected token opens the API's breaker at once; any other outage-shaped
   * error opens it only when a probe confirms the API is out (see {@link confirm}), so a stray 5xx
   * never pauses all work. Returns whether the breaker is open (the queues are paused for
   * `pauseMs`; the job goes back without using an attempt) or not (the job retries as usual).
   */
  async function report(err: OutageError): Promise<{ open: boolean; pauseMs: number }> {
    if (err.kind === 'token-rejected' || (await deps.redis.get(key(err.api))) !== null) {
      await open(err);
      return { open: true, pauseMs };
    }
    return (await confirm(err)) === 'down' ? { open: true, pauseMs } : { open: false, pauseMs: 0 };
  }

  /** The APIs out now, as every replica sees them. */
  async function current(): Promise<OutageState[]> {
    const raw = await Promise.all(API_NAMES.map((api) => deps.redis.get(key(api))));
    return raw.map(parse).filter((s): s is OutageState => s !== null);
  }

  /** How long a job about to start should wait (0: no API is out). */
  async function waitMs(): Promise<number> {
    return (await current()).length > 0 ? pauseMs : 0;
  }

  async function close(api: ApiName, state: OutageState): Promise<void> {
    await deps.redis.del(key(api));
    closedAt.set(api, now().getTime());
    const seconds = Math.round((now().getTime() - Date.parse(state.since)) / 1000);
    const line = state.kind === 'token-rejected' ? `${TITLE[api]} accepts the token again after ${seconds} s: work resumes` : `${TITLE[api]} answers again after ${seconds} s of outage: work resumes`;
    if (quiet.delete(api)) {
      log.debug(line, { api });
    } else {
      log.info(line, { api });
    }
    deps.onChange?.(api, state, now());
    if ((await current()).length === 0) {
      await Promise.all(deps.queues.map((q) => q.removeRateLimitKey()));
    }
  }

  /** Probes every API that is out, at most one probe per API across replicas per interval. */
  async function probeAll(): Promise<void> {
    await Promise.all(
      API_NAMES.map(async (api) => {
        const state = parse(await deps.redis.get(key(api)));
        if (state) {
          // Every tick, whoever probes: the queues stay paused while a slow probe (a timeout) runs, so
          // no job is taken and put back meanwhile (each start counts towards a job's starts), and
          // the outage is remembered while a live process probes.
          await Promise.all([pauseQueues(), deps.redis.pexpire(key(api), stateTtlMs)]);
        }
        // The probe lock lapses a little before the next tick, so the tick that follows may probe.
        if (!state || probing.has(api) || (await deps.redis.set(probeKey(api), randomUUID(), 'PX', Math.max(50, probeIntervalMs - 200), 'NX')) !== 'OK') {
          return;
        }
        probing.add(api);
        try {
          await deps.probes[api]();
          await close(api, state);
        } catch (err) {
          if (err instanceof OutageError && err.api === api) {
            await pauseQueues();
            log.debug('outage probe failed; work stays paused', { api, error: errorMessage(err) });
          } else {
            // An answer that is not an outage (a missing scope, a bad page): the API is up; jobs report their own errors.
            await close(api, state);
          }
        } finally {
          probing.delete(api);
        }
      }),
    );
  }

  /** Starts probing (in processes that run workers). */
  function start(): void {
    // A probe that cannot run (Redis away, say) is said once until probes run again: the Redis
    // watcher already speaks for Redis itself.
    let failing = false;
    timer ??= setInterval(() => {
      probeAll().then(
        () => {
          failing = false;
        },
        (err: unknown) => {
          if (failing) {
            log.debug('outage probe could not run', { error: errorMessage(err) });
          } else {
            log.warn('outage probe could not run (said once until probes run again)', { error: errorMessage(err) });
          }
          failing = true;
        },
      );
    }, probeIntervalMs);
    timer.unref();
  }

  function stop(): void {
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
  }

  return { report, current, waitMs, probeAll, start, stop, pauseMs };
}

/** The outage breaker's API. */
export type OutageBreaker = ReturnType<typeof createOutageBreaker>;
