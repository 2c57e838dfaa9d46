import type { UnknownRuleName } from '../sync/rules-check';
import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

/** The latest check of the rules' role and seat names against HubSpot (see `checkRuleNames`). */
export interface RulesCheckRecord {
  checkedAt: string;
  unknown: UnknownRuleName[];
  /** The role and seat names HubSpot had then (seats null when not checked). */
  roles: string[];
  seats: string[] | null;
  /** HubSpot's team names, when the rules map teams. */
  teams?: string[];
  /** The rule groups found in Okta, when a reconciliation read them. */
  groups?: string[];
}

const RULES_CHECK_FIELD = 'rulesCheck';

/** One outage of an API as operators see it afterwards: what, why, when, and for how long. */
export interface OutageRecord {
  api: 'hubspot' | 'okta';
  /** `unavailable` (5xx, timeouts, no answer) or `token-rejected` (401). */
  kind: string;
  /** The first error's message (names the call; never a token). */
  reason: string;
  since: string;
  /** Null while it lasts. */
  endedAt: string | null;
}

const OUTAGES_FIELD = 'apiOutages';
/** How many outages the status page remembers. */
const OUTAGES_KEPT = 20;

/**
 * Facts about the running pipeline that the status page and metrics show (ISO times; null when
 * unknown). `lastReconcileFinishedAt` is written only by reconciliations that did not fail.
 */
export interface PipelineStatus {
  lastPollAt: string | null;
  lastPollEvents: number | null;
  lastPollUsers: number | null;
  /** `published` of the newest System Log event read. */
  newestEventAt: string | null;
  lastReconcileStartedAt: string | null;
  lastReconcileFinishedAt: string | null;
  lastReconcilePlanId: string | null;
  ledgerRebuiltAt: string | null;
  ledgerRebuiltUsers: number | null;
}

const FIELDS: ReadonlyArray<keyof PipelineStatus> = [
  'lastPollAt',
  'lastPollEvents',
  'lastPollUsers',
  'newestEventAt',
  'lastReconcileStartedAt',
  'lastReconcileFinishedAt',
  'lastReconcilePlanId',
  'ledgerRebuiltAt',
  'ledgerRebuiltUsers',
];
const NUMERIC = new Set<keyof PipelineStatus>(['lastPollEvents', 'lastPollUsers', 'ledgerRebuiltUsers']);

/** Shared pipeline facts (one Redis hash), written by workers on any replica. */
export function createStatusStore(redis: RedisClient, prefix: string) {
  const key = stateKeys(prefix).status;

  async function get(): Promise<PipelineStatus> {
    const values = await redis.hmget(key, ...FIELDS);
    const out: Record<string, string | number | null> = {};
    FIELDS.forEach((field, i) => {
      const v = values[i] ?? null;
      out[field] = v === null ? null : NUMERIC.has(field) ? Number(v) : v;
    });
    return out as unknown as PipelineStatus;
  }

  async function set(change: Partial<PipelineStatus>): Promise<void> {
    const flat = Object.entries(change).flatMap(([k, v]) => (v === null || v === undefined ? [] : [k, String(v)]));
    if (flat.length > 0) {
      await redis.hset(key, ...flat);
    }
  }

  /** The latest rules check, or null before the first one (or when unreadable). */
  async function getRulesCheck(): Promise<RulesCheckRecord | null> {
    const raw = await redis.hget(key, RULES_CHECK_FIELD);
    if (raw === null) {
      return null;
    }
    try {
      return JSON.parse(raw) as RulesCheckRecord;
    } catch {
      return null;
    }
  }

  async function setRulesCheck(record: RulesCheckRecord): Promise<void> {
    await redis.hset(key, RULES_CHECK_FIELD, JSON.stringify(record));
  }

  /** Recent outages, newest first (the one going on, if any, first). */
  async function getOutages(): Promise<OutageRecord[]> {
    const raw = await redis.hget(key, OUTAGES_FIELD);
    try {
      return raw === null ? [] : (JSON.parse(raw) as OutageRecord[]);
    } catch {
      return [];
    }
  }

  /** Records that an outage began (`endedAt` null) or ended; an end completes the record it began. */
  async function noteOutage(record: OutageRecord): Promise<void> {
    const list = await getOutages();
    const open = list.findIndex((o) => o.api === record.api && o.since === record.since);
    if (open >= 0) {
      list[open] = record;
    } else {
      list.unshift(record);
    }
    await redis.hset(key, OUTAGES_FIELD, JSON.stringify(list.slice(0, OUTAGES_KEPT)));
  }

  /**
   * Records that an API answered 429 to a job of `queue` and asked for `ms` of pause (never
   * shortens a longer one): the dashboard's "rate limited" reads this, not BullMQ's limiter key,
   * which the worker's own limiter keeps alive whenever jobs run.
   */
  async function noteRateLimited(queue: string, ms: number): Promise<void> {
    const k = stateKeys(prefix).rateLimited(queue);
    const left = await redis.pttl(k);
    if (left < ms) {
      await redis.set(k, new Date().toISOString(), 'PX', Math.max(1, Math.round(ms)));
    }
  }

  /** Ms left of the pause an API's 429 asked for on `queue` (0: not rate limited). */
  async function rateLimitedMs(queue: string): Promise<number> {
    return Math.max(0, await redis.pttl(stateKeys(prefix).rateLimited(queue)));
  }

  return { get, set, getRulesCheck, setRulesCheck, getOutages, noteOutage, noteRateLimited, rateLimitedMs };
}

/** The status store's API. */
export type StatusStore = ReturnType<typeof createStatusStore>;
