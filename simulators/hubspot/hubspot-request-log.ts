/**
 * What the simulated API was asked: every API request (not admin calls) with its answer, counters
 * per route and method that stay exact however long the log grows, and a per-user log of
 * mutating requests so a test can prove a user was never written to.
 */

export interface SimRequestRecord {
  at: number;
  method: string;
  /** Path as sent, without the query string. */
  path: string;
  /** Route template, e.g. `/settings/v3/users/{userId}`; `null` for an unknown path. */
  route: string | null;
  status: number;
  durationMs: number;
}

export interface SimWriteRecord {
  at: number;
  method: 'POST' | 'PUT' | 'DELETE';
  route: string;
  status: number;
  /** The user written to (resolved from an email when the request used one); null if none matched. */
  userId: string | null;
  /** The email the request named or created, when known. */
  email: string | null;
}

export interface SimCounts {
  total: number;
  /** POST, PUT and DELETE requests (whatever their answer). */
  mutating: number;
  /** Keyed `METHOD /route/template`. */
  byRoute: Record<string, number>;
  /** Keyed by status code. */
  byStatus: Record<string, number>;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Keeps at most `limit` request records (oldest dropped); counters are never dropped. */
export function createRequestLog(limit = 100_000) {
  let records: SimRequestRecord[] = [];
  let writes: SimWriteRecord[] = [];
  let counts: SimCounts = { total: 0, mutating: 0, byRoute: {}, byStatus: {} };

  return {
    record(r: SimRequestRecord): void {
      records.push(r);
      if (records.length > limit) {
        records = records.slice(records.length - Math.floor(limit / 2));
      }
      counts.total++;
      if (MUTATING.has(r.method)) {
        counts.mutating++;
      }
      const key = `${r.method} ${r.route ?? '(unknown)'}`;
      counts.byRoute[key] = (counts.byRoute[key] ?? 0) + 1;
      counts.byStatus[String(r.status)] = (counts.byStatus[String(r.status)] ?? 0) + 1;
    },
    recordWrite(w: SimWriteRecord): void {
      writes.push(w);
    },
    requests: (): readonly SimRequestRecord[] => records,
    counts: (): SimCounts => ({ ...counts, byRoute: { ...counts.byRoute }, byStatus: { ...counts.byStatus } }),
    /** Mutating requests that targeted this user id or email (case-insensitive), in order. */
    writesTo(userIdOrEmail: string): SimWriteRecord[] {
      const key = userIdOrEmail.toLowerCase();
      return writes.filter((w) => w.userId === userIdOrEmail || (w.email !== null && w.email.toLowerCase() === key));
    },
    allWrites: (): readonly SimWriteRecord[] => writes,
    clear(): void {
      records = [];
      writes = [];
      counts = { total: 0, mutating: 0, byRoute: {}, byStatus: {} };
    },
  };
}

export type RequestLog = ReturnType<typeof createRequestLog>;
