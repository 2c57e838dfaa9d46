import { logTransactionId, renderLogEvent, type LogRef, type StoredLogEvent } from './log-events';
import { filterPaths, matchesScimFilter, type ScimFilter } from './scim-filter';

/**
 * The simulator's System Log: events in persistence order, and the two query modes of
 * `/api/v1/logs`. Polling (no `until`, ascending) always yields a cursor, even for an empty page,
 * so a reader can come back for newer events; bounded queries (`until`, or descending) end.
 */

/** How long Okta keeps events; older ones are never returned. */
export const LOG_RETENTION_MS = 90 * 24 * 3600 * 1000;
const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;
/** At most this many events are examined per request, so a rare filter cannot stall the server. */
const MAX_SCAN = 200_000;

/** The `after` cursor: `<ms>_<seq>`, where seq is the last event examined. */
export interface LogCursor {
  ms: number;
  seq: number;
}

export function formatLogCursor(c: LogCursor): string {
  return `${c.ms}_${c.seq}`;
}

/** Parses an `after` value; null when it is not one the simulator issued. */
export function parseLogCursor(text: string): LogCursor | null {
  const m = /^(\d{1,15})_(\d{1,12})$/.exec(text);
  return m ? { ms: Number(m[1]), seq: Number(m[2]) } : null;
}

export interface LogQuery {
  sinceMs?: number;
  untilMs?: number;
  after?: LogCursor;
  limit: number;
  descending: boolean;
  filter?: ScimFilter;
  keywords?: string[];
  nowMs: number;
}

export interface LogPage {
  events: StoredLogEvent[];
  /** The cursor for the `next` link; null on the last page of a bounded query. */
  next: LogCursor | null;
  polling: boolean;
}

/** LogEvent properties a filter may name (Okta refuses `published` and unknown attributes). */
const FILTERABLE = new Set([
  'uuid',
  'eventType',
  'version',
  'severity',
  'legacyEventType',
  'displayMessage',
  'actor',
  'client',
  'outcome',
  'target',
  'transaction',
  'debugContext',
  'authenticationContext',
  'securityContext',
  'request',
]);
/** Properties available without rendering the full event (filters on others render it). */
const LIGHT = new Set(['eventType', 'actor', 'target', 'outcome', 'transaction', 'severity']);

/** Why a filter cannot be used on the System Log, or null when it can. */
export function unsupportedLogFilter(filter: ScimFilter): string | null {
  for (const path of filterPaths(filter)) {
    const top = path.split('.')[0] ?? '';
    if (!FILTERABLE.has(top)) {
      return `unsupported attribute "${path}"`;
    }
  }
  return null;
}

export function createSystemLog(nonce: string) {
  const events: StoredLogEvent[] = [];
  /** Persistence time per event, never decreasing (binary-searchable). */
  const persisted: number[] = [];
  const listeners = new Set<(e: StoredLogEvent) => void>();

  function append(e: Omit<StoredLogEvent, 'seq'>): StoredLogEvent {
    const stored: StoredLogEvent = { ...e, seq: events.length + 1 };
    events.push(stored);
    persisted.push(Math.max(stored.publishedMs, persisted[persisted.length - 1] ?? 0));
    for (const listener of listeners) {
      listener(stored);
    }
    return stored;
  }

  /** Calls `listener` with every event persisted from now on (event hooks); returns the unsubscribe. */
  function subscribe(listener: (e: StoredLogEvent) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Index of the first event persisted at or after `ms`. */
  function lowerBound(ms: number): number {
    let lo = 0;
    let hi = persisted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((persisted[mid] ?? 0) < ms) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  function matcher(q: LogQuery): (e: StoredLogEvent) => boolean {
    const { filter, keywords } = q;
    const light = filter ? filterPaths(filter).every((p) => LIGHT.has(p.split('.')[0] ?? '')) : true;
    return (e) => {
      if (!filter && !keywords?.length) {
        return true;
      }
      const view: unknown = light && !keywords?.length ? lightView(e, nonce) : renderLogEvent(e, nonce);
      if (filter && !matchesScimFilter(filter, view)) {
        return false;
      }
      if (keywords?.length) {
        const text = JSON.stringify(view).toLowerCase();
        return keywords.every((k) => text.includes(k.toLowerCase()));
      }
      return true;
    };
  }

  function query(q: LogQuery): LogPage {
    const polling = q.untilMs === undefined && !q.descending;
    const retentionStart = q.nowMs - LOG_RETENTION_MS;
    const matches = matcher(q);
    const out: StoredLogEvent[] = [];
    if (!q.descending) {
      const untilMs = q.untilMs ?? Number.POSITIVE_INFINITY;
      const sinceMs = Math.max(q.sinceMs ?? (polling ? q.nowMs : untilMs) - DEFAULT_WINDOW_MS, retentionStart);
      let i = q.after ? q.after.seq : lowerBound(sinceMs);
      let scanned = 0;
      while (i < events.length && out.length < q.limit && scanned < MAX_SCAN) {
        const e = events[i] as StoredLogEvent;
        if (!polling && (persisted[i] ?? 0) >= untilMs) {
          break;
        }
        scanned++;
        i++;
        if (e.publishedMs >= retentionStart && e.publishedMs < untilMs && matches(e)) {
          out.push(e);
        }
      }
      const last = events[i - 1];
      const cursor: LogCursor = { ms: last?.publishedMs ?? sinceMs, seq: i };
      const more = i < events.length && (persisted[i] ?? 0) < untilMs;
      return { events: out, next: polling || more ? cursor : null, polling };
    }
    const untilMs = q.untilMs ?? q.nowMs;
    const sinceMs = Math.max(q.after ? q.after.ms : (q.sinceMs ?? untilMs - DEFAULT_WINDOW_MS), retentionStart);
    let i = q.after ? q.after.seq - 2 : lowerBound(untilMs) - 1;
    let scanned = 0;
    while (i >= 0 && out.length < q.limit && scanned < MAX_SCAN) {
      const e = events[i] as StoredLogEvent;
      if ((persisted[i] ?? 0) < sinceMs) {
        i = -1;
        break;
      }
      scanned++;
      i--;
      if (e.publishedMs >= sinceMs && e.publishedMs < untilMs && matches(e)) {
        out.push(e);
      }
    }
    const more = i >= 0 && (persisted[i] ?? 0) >= sinceMs;
    return { events: out, next: more ? { ms: sinceMs, seq: i + 2 } : null, polling: false };
  }

  return {
    append,
    subscribe,
    query,
    /** Stored events by `seq` (1-based persistence order); unknown ones are left out. */
    bySeq: (seqs: readonly number[]) => seqs.flatMap((n) => events[n - 1] ?? []),
    /** Number of events persisted so far. */
    size: () => events.length,
    /** All events, rendered (oldest first); for tests and the admin API. */
    all: () => events.map((e) => renderLogEvent(e, nonce)),
    render: (e: StoredLogEvent) => renderLogEvent(e, nonce),
  };
}

export type SystemLog = ReturnType<typeof createSystemLog>;

function lightView(e: StoredLogEvent, nonce: string): Record<string, unknown> {
  const ref = (r: LogRef) => ({ id: r.id, type: r.type, alternateId: r.alternateId, displayName: r.displayName });
  return {
    eventType: e.eventType,
    severity: 'INFO',
    actor: ref(e.actor),
    target: e.targets.map(ref),
    outcome: { result: e.outcome },
    transaction: { type: 'WEB', id: logTransactionId(e.tx, nonce) },
  };
}
