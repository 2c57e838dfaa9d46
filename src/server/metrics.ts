import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Plan } from '../sync/types';
import type { ReconciliationOutcome } from './ops-types';
import { withTimeout } from '../lib/async';

/** Prefix of every metric the daemon defines (process and Node.js metrics keep their standard names). */
export const METRIC_PREFIX = 'okta_hubspot_sync_';

/** The queue operations metrics need; a BullMQ `Queue` has them. */
export type CountableQueue = Pick<Queue, 'name' | 'getJobCounts'>;

/**
 * One HTTP call to Okta or HubSpot, as the clients' afterResponse hooks report it. `route` must be
 * a template without ids (e.g. `oktaRouteTemplate()`): labels carry no user ids or emails.
 */
export interface ApiCallInfo {
  api: 'okta' | 'hubspot';
  method: string;
  route: string;
  /** HTTP status; null when no answer came (network error, timeout). */
  status: number | null;
  durationMs?: number;
  /** Requests left in the current rate window, from the answer's headers, when it said. */
  rateLimitRemaining?: number | null;
}

/** One System Log poll. */
export interface PollInfo {
  /** `published` of the newest event read so far (ISO or Date); null when none was ever read. */
  newestEventAt: string | Date | null;
  /** Events this poll returned. */
  events?: number;
  /** When the poll finished (default: now). */
  at?: Date;
}

/** One finished BullMQ job. */
export interface JobInfo {
  queue: string;
  state: 'completed' | 'failed';
  /** `finishedOn - processedOn`. */
  durationMs?: number;
}

/**
 * Facts every replica can read from Redis (see `createSharedMetricFacts`). Without them a
 * replica only knows what it did itself: the poll, reconciliation or approval may have happened
 * in another process.
 */
export interface SharedMetricFacts {
  /** ISO times, null when unknown. */
  lastPollAt: string | null;
  newestEventAt: string | null;
  lastReconciledAt: string | null;
  /** Approvals waiting for an operator. */
  pendingApprovals: number;
  /** Deletions those approvals hold. */
  deletionsAwaitingApproval: number;
  /** Names in the rules file that HubSpot lacks, by kind (role, seat), from the latest check; null before one. */
  rulesUnknownNames?: Readonly<Record<string, number>> | null;
}

export interface MetricsOptions {
  /** Queues whose job counts are exported. */
  queues?: Readonly<Record<string, CountableQueue>>;
  /** Read at scrape time (at most once per scrape); freshness gauges take the newer of it and what this process saw. */
  sharedFacts?: () => Promise<SharedMetricFacts>;
  /** Also export Node.js process metrics (default true). */
  defaultMetrics?: boolean;
  /** Clock for ages (tests pass a fixed one). */
  now?: () => number;
  /** How long a scrape waits for queue counts and shared facts before leaving them out (default 2 s). */
  queueCountTimeoutMs?: number;
  /** The APIs out now (the outage breaker's `current`), read at scrape time. */
  outages?: () => Promise<ReadonlyArray<{ api: string; kind: string }>>;
}

const LABEL_SAFE = /^[A-Za-z0-9/{}_.:-]{1,120}$/;

/**
 * A label value that can carry no personal data: characters of a route template only, never an
 * `@`, and no long digit or id-like runs (a raw path that slipped through becomes `other`).
 */
export function safeRouteLabel(route: string): string {
  if (!LABEL_SAFE.test(route) || /\d{6,}|(^|\/)0[0-9a-z]{2}[A-Za-z0-9]{14,}/.test(route)) {
    return 'other';
  }
  return route;
}

function seconds(ms: number): number {
  return ms / 1000;
}

function toMillis(value: string | Date | null | undefined): number | null {
  if (value === null || value === undefined) {
    return null;
  }
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The daemon's Prometheus registry and the functions that feed it. Labels hold queue names, API
 * route templates, status codes, plan action kinds and seat names only: never emails or ids.
 * Ages (System Log lag, time since the last reconciliation) are computed at scrape time. Gauges
 * without labels read 0 while unknown (prom-client always exports them).
 */
export function createMetrics(opts: MetricsOptions = {}) {
  const now = opts.now ?? Date.now;
  const registry = new Registry();
  if (opts.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
  }
  const queues = new Map<string, CountableQueue>(Object.entries(opts.queues ?? {}));
  const queueTimeout = opts.queueCountTimeoutMs ?? 2_000;
  const startedAt = now();
  let newestEventMs: number | null = null;
  let lastPollMs: number | null = null;
  let lastReconcileMs: number | null = null;
  const sharedFacts = opts.sharedFacts;
  let factsScrape: { at: number; facts: Promise<SharedMetricFacts | null> } | null = null;

  /** The shared facts for this scrape (one Redis read shared by every gauge), or null when unavailable. */
  function shared(): Promise<SharedMetricFacts | null> {
    if (!sharedFacts) {
      return Promise.resolve(null);
    }
    const at = now();
    if (!factsScrape || at - factsScrape.at > 1_000) {
      factsScrape = { at, facts: withTimeout(sharedFacts(), queueTimeout).catch(() => null) };
    }
    return factsScrape.facts;
  }

  function newer(local: number | null, sharedIso: string | null | undefined): number | null {
    const fromShared = toMillis(sharedIso);
    if (local === null) {
      return fromShared;
    }
    return fromShared === null ? local : Math.max(local, fromShared);
  }
  const name = (n: string) => `${METRIC_PREFIX}${n}`;
  const registers = [registry];

  new Gauge({
    name: name('queue_jobs'),
    help: 'Jobs in each BullMQ queue by state (read from Redis at scrape time).',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      await Promise.all(
        [...queues.entries()].map(async ([queueName, queue]) => {
          try {
            const counts = await withTimeout(queue.getJobCounts(), queueTimeout);
            for (const [state, count] of Object.entries(counts)) {
              this.set({ queue: queueName, state }, count);
            }
          } catch {
            // Left out of this scrape: an absent series is visible, a stale count is not.
          }
        }),
      );
    },
  });

  const jobsTotal = new Counter({
    name: name('jobs_total'),
    help: 'Jobs finished by this process, by queue and final state.',
    labelNames: ['queue', 'state'] as const,
    registers,
  });
  const jobDuration = new Histogram({
    name: name('job_duration_seconds'),
    help: 'Processing time of finished jobs (finishedOn - processedOn).',
    labelNames: ['queue', 'state'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers,
  });

  const apiRequests = new Counter({
    name: name('api_requests_total'),
    help: 'HTTP requests to Okta and HubSpot by route template and status ("error" when no answer came).',
    labelNames: ['api', 'method', 'route', 'status'] as const,
    registers,
  });
  const apiDuration = new Histogram({
    name: name('api_request_duration_seconds'),
    help: 'Duration of HTTP requests to Okta and HubSpot.',
    labelNames: ['api', 'route'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers,
  });
  const rateLimited = new Counter({
    name: name('api_rate_limited_total'),
    help: 'Answers with status 429 (rate limited) from Okta and HubSpot.',
    labelNames: ['api', 'route'] as const,
    registers,
  });
  const rateRemaining = new Gauge({
    name: name('rate_limit_remaining'),
    help: 'Requests left in the current rate window, as the last answer from each API said.',
    labelNames: ['api'] as const,
    registers,
  });

  new Gauge({
    name: name('system_log_last_poll_timestamp_seconds'),
    help: 'Unix time of the last successful Okta System Log poll, by any replica when shared facts are set (0 until one).',
    registers,
    async collect() {
      this.reset();
      const at = newer(lastPollMs, (await shared())?.lastPollAt);
      if (at !== null) {
        this.set(seconds(at));
      }
    },
  });
  const logEvents = new Counter({
    name: name('system_log_events_total'),
    help: 'Okta System Log events read.',
    registers,
  });
  new Gauge({
    name: name('system_log_lag_seconds'),
    help: 'Now minus the publication time of the newest System Log event read (0 until one is read).',
    registers,
    async collect() {
      this.reset();
      const newest = newer(newestEventMs, (await shared())?.newestEventAt);
      if (newest !== null) {
        this.set(Math.max(0, seconds(now() - newest)));
      }
    },
  });

  new Gauge({
    name: name('last_reconcile_success_timestamp_seconds'),
    help: 'Unix time the last reconciliation finished without failing (0 until one has).',
    registers,
    async collect() {
      this.reset();
      const at = newer(lastReconcileMs, (await shared())?.lastReconciledAt);
      if (at !== null) {
        this.set(seconds(at));
      }
    },
  });
  new Gauge({
    name: name('seconds_since_last_reconcile'),
    help: 'Seconds since the last reconciliation finished without failing (since process start when none has).',
    registers,
    async collect() {
      const at = newer(lastReconcileMs, (await shared())?.lastReconciledAt);
      this.set(Math.max(0, seconds(now() - (at ?? startedAt))));
    },
  });
  new Gauge({
    name: name('api_outage'),
    help: 'Whether an API is out (1) by kind: unavailable (5xx, timeouts) or token-rejected (401); work is paused meanwhile.',
    labelNames: ['api', 'kind'] as const,
    registers,
    async collect() {
      const out = opts.outages ? await withTimeout(opts.outages(), queueTimeout).catch(() => null) : [];
      this.reset();
      for (const api of ['hubspot', 'okta']) {
        for (const kind of ['unavailable', 'token-rejected']) {
          this.set({ api, kind }, out?.some((o) => o.api === api && o.kind === kind) ? 1 : 0);
        }
      }
    },
  });
  /** A gauge of one fact every replica shares (read from Redis at scrape time; absent without them). */
  const factGauge = (metric: string, help: string, pick: (facts: NonNullable<Awaited<ReturnType<typeof shared>>>) => number) =>
    new Gauge({
      name: name(metric),
      help,
      registers,
      async collect() {
        this.reset();
        const facts = await shared();
        if (facts) {
          this.set(pick(facts));
        }
      },
    });
  factGauge('approvals_pending', 'Approvals waiting for an operator (read from Redis; 0 without shared facts).', (f) => f.pendingApprovals);
  factGauge('deletions_awaiting_approval', 'Deletions held by pending approvals (read from Redis; 0 without shared facts).', (f) => f.deletionsAwaitingApproval);
  new Gauge({
    name: name('rules_unknown_names'),
    help: 'Role or seat names in the rules file that HubSpot lacks (users they name get no role or seat), by kind, from the latest check at start or reconciliation.',
    labelNames: ['kind'] as const,
    registers,
    async collect() {
      this.reset();
      for (const [kind, count] of Object.entries((await shared())?.rulesUnknownNames ?? {})) {
        this.set({ kind }, count);
      }
    },
  });
  const reconciliations = new Counter({
    name: name('reconciliations_total'),
    help: 'Reconciliations finished, by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });

  const planActions = new Gauge({
    name: name('last_plan_actions'),
    help: 'What the latest plan decided, by kind (create, update, delete, adopt, skip, held, drift, unmapped, waitingForSeat, inSync).',
    labelNames: ['kind'] as const,
    registers,
  });
  const deletionsHeld = new Gauge({
    name: name('deletions_held'),
    help: 'Deletions the guard holds in the latest plan until an operator approves.',
    registers,
  });
  const unmappedUsers = new Gauge({
    name: name('unmapped_users'),
    help: 'In-scope users on minimal permissions because their Okta Title matched no HubSpot role.',
    registers,
  });
  const unmappedTitles = new Gauge({
    name: name('unmapped_titles'),
    help: 'Distinct Okta Titles that matched no HubSpot role.',
    registers,
  });
  const seatsUsed = new Gauge({
    name: name('seats_used'),
    help: 'Paid seats in use, by seat.',
    labelNames: ['seat'] as const,
    registers,
  });
  const seatsBudget = new Gauge({
    name: name('seats_budget'),
    help: 'Seat budget from the rules file, by seat (absent when unbounded).',
    labelNames: ['seat'] as const,
    registers,
  });
  const seatsWaiting = new Gauge({
    name: name('seats_waiting'),
    help: 'Users waiting for a seat because the budget is spent, by seat.',
    labelNames: ['seat'] as const,
    registers,
  });

  /** Called from the Okta and HubSpot clients' afterResponse hooks, once per HTTP answer or failure. */
  function recordApiCall(info: ApiCallInfo): void {
    const route = safeRouteLabel(info.route);
    const method = /^[A-Za-z]{1,10}$/.test(info.method) ? info.method.toUpperCase() : 'OTHER';
    const status = info.status === null ? 'error' : String(info.status);
    apiRequests.inc({ api: info.api, method, route, status });
    if (info.durationMs !== undefined && info.durationMs >= 0) {
      apiDuration.observe({ api: info.api, route }, seconds(info.durationMs));
    }
    if (info.status === 429) {
      rateLimited.inc({ api: info.api, route });
    }
    if (typeof info.rateLimitRemaining === 'number' && Number.isFinite(info.rateLimitRemaining)) {
      rateRemaining.set({ api: info.api }, info.rateLimitRemaining);
    }
  }

  /** Called after each successful System Log poll. */
  function recordPoll(info: PollInfo): void {
    lastPollMs = info.at?.getTime() ?? now();
    const newest = toMillis(info.newestEventAt);
    if (newest !== null && (newestEventMs === null || newest > newestEventMs)) {
      newestEventMs = newest;
    }
    if (info.events !== undefined && info.events > 0) {
      logEvents.inc(info.events);
    }
  }

  /** Called with every full plan (dry runs included): last plan counts, held deletions, unmapped titles, seats. */
  function recordPlan(plan: Plan): void {
    planActions.reset();
    for (const [kind, count] of Object.entries(plan.summary)) {
      planActions.set({ kind }, count);
    }
    deletionsHeld.set(plan.held?.actions.length ?? plan.summary.held);
    unmappedTitles.set(plan.unmappedTitles.length);
    unmappedUsers.set(plan.unmappedTitles.reduce((n, t) => n + t.users.length, 0));
    seatsUsed.reset();
    seatsBudget.reset();
    seatsWaiting.reset();
    for (const seat of plan.seats) {
      seatsUsed.set({ seat: seat.seat }, seat.used);
      seatsWaiting.set({ seat: seat.seat }, seat.waiting.length);
      if (seat.budget !== null) {
        seatsBudget.set({ seat: seat.seat }, seat.budget);
      }
    }
  }

  /** Called when a reconciliation finishes; any outcome but `failed` counts as a success for freshness. */
  function recordReconcileDone(at: Date | string, outcome: Exclude<ReconciliationOutcome, 'running'> = 'succeeded'): void {
    reconciliations.inc({ outcome });
    const ms = toMillis(at);
    if (outcome !== 'failed' && ms !== null) {
      lastReconcileMs = Math.max(ms, lastReconcileMs ?? 0);
    }
  }

  /** Called from the workers' completed/failed events. */
  function recordJob(info: JobInfo): void {
    jobsTotal.inc({ queue: info.queue, state: info.state });
    if (info.durationMs !== undefined && info.durationMs >= 0) {
      jobDuration.observe({ queue: info.queue, state: info.state }, seconds(info.durationMs));
    }
  }

  return { registry, recordApiCall, recordPoll, recordPlan, recordReconcileDone, recordJob };
}

/** The metrics registry with its recorders. */
export type Metrics = ReturnType<typeof createMetrics>;
