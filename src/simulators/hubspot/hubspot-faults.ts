import type { RateLimitPolicy } from './hubspot-sim-errors';

/**
 * Fault injection for tests and fuzzing: queued answers (a status with any body, 429s), random
 * 5xx, added latency, and bad answers a flaky proxy or a changed API could give (malformed JSON,
 * an HTML page with 200, a body cut off mid-way, missing fields, wrong types, very slow answers).
 * A queued fault may be limited to one method and/or route template.
 *
 * Whether the request still takes effect: queued answers, 429s, random 5xx, `html-200` and
 * `malformed-json` answer in place of HubSpot (nothing changes); `truncated`, `missing-fields`,
 * `wrong-types`, `unknown-fields`, `loop-paging` and `slow` damage or delay the answer of a
 * request that was carried out (the nastier case: a create that happened but whose answer was
 * lost). `loop-paging` makes a list answer's next cursor the one the request used (so a first
 * page, which used none, keeps its real next cursor: queue two to loop).
 */

export type BadAnswerKind = 'malformed-json' | 'html-200' | 'truncated' | 'missing-fields' | 'wrong-types' | 'unknown-fields' | 'loop-paging' | 'slow';

/** Which requests a queued fault applies to; empty matches every API request. */
export interface FaultMatch {
  method?: string;
  /** A route template, e.g. `/settings/v3/users/{userId}`. */
  route?: string;
}

export interface InjectedAnswer {
  status: number;
  /** JSON-serialisable body; a string is sent as is (text/html when it starts with `<`). */
  body?: unknown;
  headers?: Record<string, string>;
}

export type QueuedFault =
  | { kind: 'answer'; answer: InjectedAnswer }
  | { kind: 'rate-limit'; policy: RateLimitPolicy }
  | { kind: 'bad'; bad: BadAnswerKind };

interface Entry {
  fault: QueuedFault;
  match: FaultMatch;
}

export interface HubSpotFaults {
  /** Probability (0–1) that an API request answers a 5xx instead of being served. */
  errorRate: number;
  /** Every API answer is delayed by a random time in [min, max] ms; null: no delay. */
  latencyMs: readonly [number, number] | null;
  /** How long a `slow` bad answer waits before answering normally. */
  slowMs: number;
  /** The next `n` matching requests answer 429 (TEN_SECONDLY_ROLLING unless told). */
  fail429Next(n: number, policy?: RateLimitPolicy, match?: FaultMatch): void;
  /** The next matching requests answer these, in order, one each. */
  failNext(answers: InjectedAnswer | readonly InjectedAnswer[], match?: FaultMatch): void;
  /** The next `n` matching requests get this kind of bad answer. */
  badAnswerNext(kind: BadAnswerKind, n?: number, match?: FaultMatch): void;
  /** Queued faults not yet used. */
  pending(): number;
  /** Clears the queue, the error rate and the latency. */
  reset(): void;
}

export const DEFAULT_SLOW_MS = 30_000;

/** Creates the fault switchboard; `take` is used by the server for each API request. */
export function createFaults(random: () => number = Math.random) {
  const queue: Entry[] = [];

  function push(fault: QueuedFault, n: number, match: FaultMatch = {}): void {
    for (let i = 0; i < n; i++) {
      queue.push({ fault, match });
    }
  }

  const faults: HubSpotFaults = {
    errorRate: 0,
    latencyMs: null,
    slowMs: DEFAULT_SLOW_MS,
    fail429Next(n, policy = 'TEN_SECONDLY_ROLLING', match) {
      push({ kind: 'rate-limit', policy }, n, match);
    },
    failNext(answers, match) {
      const list: readonly InjectedAnswer[] = Array.isArray(answers) ? answers : [answers as InjectedAnswer];
      for (const answer of list) {
        push({ kind: 'answer', answer }, 1, match);
      }
    },
    badAnswerNext(kind, n = 1, match) {
      push({ kind: 'bad', bad: kind }, n, match);
    },
    pending: () => queue.length,
    reset() {
      queue.length = 0;
      faults.errorRate = 0;
      faults.latencyMs = null;
      faults.slowMs = DEFAULT_SLOW_MS;
    },
  };

  return {
    faults,
    /** The queued fault for this request, removed from the queue; null when none matches. */
    take(method: string, route: string): QueuedFault | null {
      const i = queue.findIndex((e) => (e.match.method === undefined || e.match.method === method) && (e.match.route === undefined || e.match.route === route));
      if (i < 0) {
        return null;
      }
      const [entry] = queue.splice(i, 1);
      return entry?.fault ?? null;
    },
    /** Whether this request should fail with a random 5xx. */
    randomServerError(): boolean {
      return faults.errorRate > 0 && random() < faults.errorRate;
    },
    /** The delay to add to this answer. */
    latency(): number {
      const range = faults.latencyMs;
      if (!range) {
        return 0;
      }
      const [min, max] = range;
      return Math.round(min + random() * Math.max(0, max - min));
    },
    random,
  };
}

export type FaultControl = ReturnType<typeof createFaults>;
