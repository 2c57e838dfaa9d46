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
 *
 * An outage lasts a time instead of a number of requests: for `forMs`, every API request answers
 * 503 (HubSpot's error body), 401 (the answer to a revoked token) or no answer at all (`timeout`:
 * held until the outage ends, then the connection is dropped). The token-info endpoint is left alone.
 * A rate-limit window (`rateLimitFor`) is time-based too, as HubSpot's are: for `forMs`, every API
 * request answers 429 with the policy's body and `X-HubSpot-RateLimit-Remaining: 0`, however few
 * requests arrive (a queued `fail429Next` burst instead lasts a number of requests).
 */

/** What every API request gets during an outage. */
export type OutageAnswer = 'unavailable' | 'unauthenticated' | 'timeout';

/** A time-based outage in force. */
export interface ActiveOutage {
  answer: OutageAnswer;
  /** Epoch ms when it ends. */
  until: number;
}

export type BadAnswerKind = 'malformed-json' | 'html-200' | 'truncated' | 'missing-fields' | 'wrong-types' | 'unknown-fields' | 'loop-paging' | 'slow';

/** Which requests a queued fault applies to; empty matches every API request. */
export interface FaultMatch {
  method?: string;
  /** A route template, e.g. `/settings/v3/users/{userId}`. */
  route?: string;
  /** Only a request whose JSON body's `email` is this one (any case): a create or update of one user. */
  email?: string;
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
  /** From now for `forMs`, every API request answers 429 (TEN_SECONDLY_ROLLING unless told); 0 ends it. */
  rateLimitFor(forMs: number, policy?: RateLimitPolicy): void;
  /** The rate-limit window in force now, if any. */
  activeRateLimit(): { policy: RateLimitPolicy; until: number } | null;
  /** The next matching requests answer these, in order, one each. */
  failNext(answers: InjectedAnswer | readonly InjectedAnswer[], match?: FaultMatch): void;
  /** The next `n` matching requests get this kind of bad answer. */
  badAnswerNext(kind: BadAnswerKind, n?: number, match?: FaultMatch): void;
  /** The next `n` matching requests answer `status` (5xx, default 503) with HubSpot's error body. */
  fail5xxNext(n: number, status?: number, match?: FaultMatch): void;
  /** From now for `forMs`, every API request gets `answer` (see the module note). */
  outage(forMs: number, answer?: OutageAnswer): void;
  /** The outage in force now, if any. */
  activeOutage(): ActiveOutage | null;
  /** Queued faults not yet used. */
  pending(): number;
  /** Clears the queue, the error rate and the latency. */
  reset(): void;
}

export const DEFAULT_SLOW_MS = 30_000;

/** Creates the fault switchboard; `take` is used by the server for each API request. */
export function createFaults(random: () => number = Math.random, now: () => number = Date.now) {
  const queue: Entry[] = [];
  let outage: ActiveOutage | null = null;
  let limited: { policy: RateLimitPolicy; until: number } | null = null;

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
    rateLimitFor(forMs, policy = 'TEN_SECONDLY_ROLLING') {
      limited = forMs > 0 ? { policy, until: now() + forMs } : null;
    },
    activeRateLimit() {
      if (limited && now() >= limited.until) {
        limited = null;
      }
      return limited;
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
    fail5xxNext(n, status = 503, match) {
      for (let i = 0; i < n; i++) {
        push({ kind: 'answer', answer: { status, body: { status: 'error', message: status === 503 ? 'Service Unavailable' : 'An internal error occurred. Please try again.', category: 'INTERNAL_ERROR' } } }, 1, match);
      }
    },
    outage(forMs, answer = 'unavailable') {
      outage = forMs > 0 ? { answer, until: now() + forMs } : null;
    },
    activeOutage() {
      if (outage && now() >= outage.until) {
        outage = null;
      }
      return outage;
    },
    pending: () => queue.length,
    reset() {
      queue.length = 0;
      outage = null;
      limited = null;
      faults.errorRate = 0;
      faults.latencyMs = null;
      faults.slowMs = DEFAULT_SLOW_MS;
    },
  };

  return {
    faults,
    /** The queued fault for this request, removed from the queue; null when none matches. */
    take(method: string, route: string, body?: unknown): QueuedFault | null {
      const email = typeof body === 'object' && body !== null && typeof (body as { email?: unknown }).email === 'string' ? (body as { email: string }).email.toLowerCase() : null;
      const i = queue.findIndex(
        (e) =>
          (e.match.method === undefined || e.match.method === method) &&
          (e.match.route === undefined || e.match.route === route) &&
          (e.match.email === undefined || e.match.email.toLowerCase() === email),
      );
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
