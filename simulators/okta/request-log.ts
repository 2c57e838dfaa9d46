/**
 * What the simulator was asked, for tests and benchmarks: the last requests (method, path,
 * route template, status) and per-route counters that are never trimmed.
 */

export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  /** Route template, e.g. `/api/v1/apps/{appId}/users`. */
  route: string;
  /** HTTP status; 0 when the connection was dropped. */
  status: number;
  /** Epoch ms (simulator clock) when the request arrived. */
  at: number;
  durationMs: number;
}

export function createRequestLog(limit: number) {
  let entries: RecordedRequest[] = [];
  let counters = new Map<string, number>();

  return {
    record(r: RecordedRequest): void {
      entries.push(r);
      if (entries.length > limit) {
        entries = entries.slice(entries.length - Math.floor(limit / 2));
      }
      const key = `${r.method} ${r.route}`;
      counters.set(key, (counters.get(key) ?? 0) + 1);
    },
    /** The recorded requests, oldest first (at most the configured limit). */
    list(): RecordedRequest[] {
      return [...entries];
    },
    /** Requests per `METHOD /route/template` since the last clear. */
    counts(): Record<string, number> {
      return Object.fromEntries(counters);
    },
    clear(): void {
      entries = [];
      counters = new Map();
    },
  };
}

export type RequestLog = ReturnType<typeof createRequestLog>;
