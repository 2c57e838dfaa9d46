import type { ActionKind, AppliedValues } from '../sync/types';
import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

/** What happened to a change the daemon decided on. */
export type AuditOutcome = 'applied' | 'failed' | 'held' | 'released' | 'refused' | 'reported' | 'approved' | 'rejected';

/**
 * Actions recorded in the trail: plan action kinds, plus operator and bookkeeping events, and
 * `sync` for a per-user job that failed for good (whatever it was doing).
 */
export type AuditAction = ActionKind | 'forget' | 'approve' | 'reject' | 'rebuild' | 'sync';

/** One line of the audit trail: who, what, before → after, and why. */
export interface AuditEntry {
  /** ISO time the entry was written. */
  time: string;
  action: AuditAction;
  email: string | null;
  oktaUserId: string | null;
  hubspotUserId: string | null;
  before: Partial<AppliedValues> | null;
  after: Partial<AppliedValues> | null;
  /** The BullMQ job that made the change, when a job did. */
  jobId: string | null;
  outcome: AuditOutcome;
  /** The reason sentence (from the plan, an error, or an operator). */
  reason: string;
}

/** An audit entry with its stream id (ids order the entries and page the trail). */
export interface StoredAuditEntry extends AuditEntry {
  id: string;
}

/** An entry about the whole account (a rebuild, an operator's decision): it names no user, no values and no job. */
export function accountAuditEntry(action: AuditAction, outcome: AuditOutcome, reason: string): Omit<AuditEntry, 'time'> {
  return { action, email: null, oktaUserId: null, hubspotUserId: null, before: null, after: null, jobId: null, outcome, reason };
}

/**
 * The audit trail: every change the daemon made or refused, in a Redis stream trimmed to about
 * `maxEntries` (approximate trimming keeps XADD cheap).
 */
export function createAuditLog(redis: RedisClient, prefix: string, opts: { maxEntries: number }) {
  const key = stateKeys(prefix).audit;

  async function append(entry: Omit<AuditEntry, 'time'> & { time?: string }): Promise<string> {
    const full: AuditEntry = { ...entry, time: entry.time ?? new Date().toISOString() };
    const id = await redis.xadd(key, 'MAXLEN', '~', String(opts.maxEntries), '*', 'entry', JSON.stringify(full));
    return id ?? '';
  }

  /** Newest first; `before` (a stream id) pages further back. */
  async function recent(count: number, before?: string): Promise<StoredAuditEntry[]> {
    const end = before ? `(${before}` : '+';
    const rows = await redis.xrevrange(key, end, '-', 'COUNT', count);
    return rows.flatMap(([id, fields]) => {
      const idx = fields.indexOf('entry');
      const json = idx >= 0 ? fields[idx + 1] : undefined;
      return json ? [{ id, ...(JSON.parse(json) as AuditEntry) }] : [];
    });
  }

  async function length(): Promise<number> {
    return redis.xlen(key);
  }

  return { append, recent, length };
}

/** The audit trail's API. */
export type AuditLog = ReturnType<typeof createAuditLog>;
