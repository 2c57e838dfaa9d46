/**
 * Fault injection for the simulated Okta: random 5xx and latency (reproducible from a seed), and
 * one-shot failures queued for the next matching requests: a 429, any status with any body, or a
 * "bad answer" (malformed JSON, HTML with 200, a truncated body, a next link that loops, a
 * dropped connection, a body of the wrong shape, list items without their `_embedded`
 * resources, a first user without its profile, a first user whose fields have the
 * wrong types, every item with fields Okta never sent). Faults can be limited to routes.
 *
 * An outage lasts a time instead of a number of requests: for `forMs`, every API request (the
 * token endpoint too) answers 503 E0000009, 401 E0000011 (a revoked token), or nothing at all
 * (`timeout`: held until the outage ends, then the connection is dropped).
 */

/** What every API request gets during an outage. */
export type OutageAnswer = 'unavailable' | 'unauthenticated' | 'timeout';

/**
 * Which requests a fault applies to: a route template (`/api/v1/logs`,
 * `/api/v1/apps/{appId}/users`), optionally prefixed with a method (`GET /api/v1/logs`), or a
 * RegExp tested against the request path (with its query).
 */
export type RoutePattern = string | RegExp;

export type BadAnswerKind =
  | 'malformed-json'
  | 'html-200'
  | 'truncated'
  | 'loop-link'
  | 'drop-connection'
  | 'wrong-shape'
  | 'empty-200'
  | 'strip-embedded'
  | 'missing-fields'
  | 'wrong-types'
  | 'unknown-fields';

export const BAD_ANSWER_KINDS: readonly BadAnswerKind[] = [
  'malformed-json',
  'html-200',
  'truncated',
  'loop-link',
  'drop-connection',
  'wrong-shape',
  'empty-200',
  'strip-embedded',
  'missing-fields',
  'wrong-types',
  'unknown-fields',
];

/** A failure queued for the next matching request. */
export type FaultAction =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: '429'; resetInSeconds: number }
  | { kind: 'bad'; bad: BadAnswerKind };

/** The settings accepted by `faults.set` (and `PUT /__admin/faults`). */
export interface OktaFaultSettings {
  /** Probability (0..1) that a request answers 500 E0000009. */
  errorRate5xx?: number;
  /** Added latency in ms: a fixed value or a [min, max] range. */
  latencyMs?: number | [number, number];
  /** The next n matching requests answer 429 E0000047. */
  fail429Next?: number;
  /** Seconds from now the injected 429s say the window resets (default 1). */
  resetInSeconds?: number;
  /** The next matching requests answer these statuses (in order). */
  failNext?: Array<{ status: number; body?: unknown }>;
  /** The next matching requests get these bad answers (in order). */
  badAnswerNext?: BadAnswerKind[];
  /** The next n matching requests answer `status5xx` (default 503) with Okta's E0000009 body. */
  fail5xxNext?: number;
  status5xx?: number;
  /** From now for `forMs`, every API request gets `answer` (default unavailable); not limited by `route`. */
  outage?: { forMs: number; answer?: OutageAnswer };
  /** Limits all of the above to matching requests (default: every API request). */
  route?: RoutePattern;
}

interface QueuedFault {
  route: RoutePattern | undefined;
  action: FaultAction;
}

interface RandomRule {
  route: RoutePattern | undefined;
  errorRate5xx: number;
  latencyMs: [number, number] | null;
}

/** What to do with one request. */
export interface FaultDecision {
  latencyMs: number;
  action: FaultAction | null;
}

/** Whether a request (method, route template, path with query) matches a pattern. */
export function routeMatches(pattern: RoutePattern | undefined, method: string, template: string, path: string): boolean {
  if (pattern === undefined) {
    return true;
  }
  if (pattern instanceof RegExp) {
    return pattern.test(path);
  }
  const m = /^([A-Z]+)\s+(.*)$/.exec(pattern.trim());
  if (m) {
    return m[1] === method.toUpperCase() && m[2] === template;
  }
  return pattern === template;
}

/** A small seeded PRNG (mulberry32), so random faults repeat for a given seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createFaults(seed = 1, now: () => number = Date.now) {
  let random = prng(seed);
  let outage: { answer: OutageAnswer; until: number } | null = null;
  let queue: QueuedFault[] = [];
  let rules: RandomRule[] = [];

  const api = {
    /** Adds the given settings (random rules and queued failures) on top of the current ones. */
    set(settings: OktaFaultSettings): void {
      const route = settings.route;
      if (settings.errorRate5xx !== undefined || settings.latencyMs !== undefined) {
        const l = settings.latencyMs;
        rules.push({
          route,
          errorRate5xx: Math.min(1, Math.max(0, settings.errorRate5xx ?? 0)),
          latencyMs: l === undefined ? null : typeof l === 'number' ? [l, l] : [l[0], l[1]],
        });
      }
      for (let i = 0; i < (settings.fail429Next ?? 0); i++) {
        queue.push({ route, action: { kind: '429', resetInSeconds: settings.resetInSeconds ?? 1 } });
      }
      for (const f of settings.failNext ?? []) {
        queue.push({ route, action: { kind: 'status', status: f.status, body: f.body } });
      }
      for (const bad of settings.badAnswerNext ?? []) {
        queue.push({ route, action: { kind: 'bad', bad } });
      }
      for (let i = 0; i < (settings.fail5xxNext ?? 0); i++) {
        queue.push({ route, action: { kind: 'status', status: settings.status5xx ?? 503 } });
      }
      if (settings.outage) {
        outage = settings.outage.forMs > 0 ? { answer: settings.outage.answer ?? 'unavailable', until: now() + settings.outage.forMs } : null;
      }
    },
    /** From now for `forMs`, every API request gets `answer` (see the module note). */
    outage(forMs: number, answer: OutageAnswer = 'unavailable'): void {
      api.set({ outage: { forMs, answer } });
    },
    /** The outage in force now, if any. */
    activeOutage(): { answer: OutageAnswer; until: number } | null {
      if (outage && now() >= outage.until) {
        outage = null;
      }
      return outage;
    },
    /** The next `n` matching requests answer 429 with a reset `resetInSeconds` ahead. */
    fail429Next(n = 1, opts: { route?: RoutePattern; resetInSeconds?: number } = {}): void {
      api.set({ fail429Next: n, resetInSeconds: opts.resetInSeconds, route: opts.route });
    },
    /** The next matching request answers `status` (with Okta's error body unless `body` is given). */
    failNext(status: number, opts: { route?: RoutePattern; body?: unknown; times?: number } = {}): void {
      for (let i = 0; i < (opts.times ?? 1); i++) {
        queue.push({ route: opts.route, action: { kind: 'status', status, body: opts.body } });
      }
    },
    /** The next matching request gets a bad answer of the given kind. */
    badAnswerNext(bad: BadAnswerKind, opts: { route?: RoutePattern; times?: number } = {}): void {
      for (let i = 0; i < (opts.times ?? 1); i++) {
        queue.push({ route: opts.route, action: { kind: 'bad', bad } });
      }
    },
    /** Removes every fault and restarts the random sequence. */
    reset(): void {
      queue = [];
      rules = [];
      outage = null;
      random = prng(seed);
    },
    /** Queued failures not yet served. */
    pending(): number {
      return queue.length;
    },
    /** Decides the fault for one request, consuming a queued one when it matches. */
    decide(method: string, template: string, path: string): FaultDecision {
      const out = api.activeOutage();
      if (out) {
        if (out.answer === 'timeout') {
          return { latencyMs: Math.max(0, out.until - now()), action: { kind: 'bad', bad: 'drop-connection' } };
        }
        return { latencyMs: 0, action: { kind: 'status', status: out.answer === 'unauthenticated' ? 401 : 503 } };
      }
      let latencyMs = 0;
      let action: FaultAction | null = null;
      const idx = queue.findIndex((q) => routeMatches(q.route, method, template, path));
      if (idx >= 0) {
        action = queue[idx]?.action ?? null;
        queue.splice(idx, 1);
      }
      for (const r of rules) {
        if (!routeMatches(r.route, method, template, path)) {
          continue;
        }
        if (r.latencyMs) {
          latencyMs += r.latencyMs[0] + Math.round(random() * (r.latencyMs[1] - r.latencyMs[0]));
        }
        if (!action && r.errorRate5xx > 0 && random() < r.errorRate5xx) {
          action = { kind: 'status', status: 500 };
        }
      }
      return { latencyMs, action };
    },
  };
  return api;
}

export type OktaFaults = ReturnType<typeof createFaults>;
