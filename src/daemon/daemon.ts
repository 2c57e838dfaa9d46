import type { Job, Worker } from 'bullmq';
import type { Config } from '../../config/load';
import { createHubSpotClient } from '../hubspot/hubspot-client';
import type { HubSpotClientApi } from '../hubspot/hubspot-types';
import { errorMessage } from '../lib/errors';
import { createLogger, type Logger } from '../lib/logger';
import { createRedactor } from '../lib/redact';
import { isConnectionError } from '../lib/redis-failure';
import { createOktaClient } from '../okta/okta-client';
import { oktaConnection } from '../okta/okta-connection';
import { OKTA_EVENT_FILTER } from '../okta/okta-events';
import { withHookDeliveryFailures } from '../okta/hook-events';
import type { OktaClientApi } from '../okta/okta-types';
import { createHubSpotBudget } from '../queue/hubspot-budget';
import { createJobClient } from '../queue/job-client';
import { createEventIntake } from '../queue/event-intake';
import { createOutageBreaker } from '../queue/outage-breaker';
import { slotStart } from '../queue/job-ids';
import { createProducers } from '../queue/producers';
import { createQueues } from '../queue/queues';
import { createReconcileFlow } from '../queue/reconcile-flow';
import { createScheduler } from '../queue/scheduler';
import { createSharedMetricFacts } from '../server/metric-facts';
import { createMetrics } from '../server/metrics';
import { createOpsActions, releaseApprovedDeletions } from '../server/ops-actions';
import { createHookMetrics, type HookRequestOutcome } from '../server/hook-metrics';
import { createHookServer, type HookServer } from '../server/hook-server';
import { createOktaHookRouter } from '../server/okta-hook-endpoint';
import type { ListeningAddress } from '../server/listener';
import { createOpsServer, opsHttpSettings } from '../server/ops-server';
import { createQueueView } from '../server/queue-view';
import { createUserLookup } from '../server/user-lookup';
import { createStatusSource } from '../server/status-source';
import type { PlanOutcome } from '../state/plan-store';
import { createState } from '../state/state';
import { planSync, planSyncStream } from '../sync/planner';
import { createLedgerGate } from '../ledger/ledger-gate';
import { createPollProcessor, createPollWorker } from '../../workers/okta-poll.worker';
import { createReconciler, createReconcileWorker } from '../../workers/reconcile.worker';
import { createSummaryProcessor, createSummaryWorker } from '../../workers/reconcile-summary.worker';
import { createSyncUserProcessor, createSyncUserWorker } from '../../workers/sync-user.worker';
import { createReconcileCommands, createUserCommands } from './command-facades';
import { createRedisConnections } from './redis-connections';
import { createRulesWatch } from './rules-watch';
import { createRuleGroupReader } from '../okta/rule-groups';

/** Which parts of the pipeline this process runs. */
export interface DaemonRoles {
  /** node-cron System Log poll ticks (one poll per slot across replicas). */
  poller: boolean;
  /** node-cron reconciliation ticks, plus one reconciliation at start. */
  scheduler: boolean;
  /** BullMQ workers for every queue (sync-user, reconcile, reconcile-summary, okta-poll). */
  workers: boolean;
  /** The ops HTTP server (health, readiness, metrics, status page, dashboard). */
  server: boolean;
}

/** How the daemon is built; everything but `roles` has a default. */
export interface DaemonOptions {
  roles: Partial<DaemonRoles>;
  /** The root logger (default: built from LOG_LEVEL/LOG_FORMAT with secret redaction). */
  logger?: Logger;
  /** The HubSpot client refuses every mutating call (`reconcile --dry-run`). */
  dryRun?: boolean;
  /** Replace the API clients (benchmarks counting calls); default: the SDK clients from config. */
  clients?: { okta?: OktaClientApi; hubspot?: HubSpotClientApi };
  /**
   * The caller knows SYNC_QUEUE_PREFIX was never used (the demo's fresh prefix): the missing
   * ledger sentinel and System Log cursor are reported as a first start, not as a possible loss
   * of Redis data (which the daemon alone cannot tell apart).
   */
  firstStart?: boolean;
  /** A command that runs once and exits: `daemon started` and `daemon stopped` are debug lines, not news. */
  oneShot?: boolean;
}

/**
 * The composition root: reads nothing but `config`, builds the logger, Redis connections, API
 * clients (HubSpot's behind the shared Redis budget), state stores, queues, workers, cron ticks
 * and the ops server, and tears them down in order. `start`/`worker`/`reconcile`/`sync-user`
 * commands each build one with the roles they need.
 *
 * The ops server gets its read side from `state` (see `src/state/state.ts`) and its write side
 * from `producers` (approve → reconcile with trigger `approve`).
 */
export function createDaemon(config: Config, opts: DaemonOptions) {
  const roles: DaemonRoles = { poller: false, scheduler: false, workers: false, server: false, ...opts.roles };
  const logger =
    opts.logger ?? createLogger({ level: config.env.LOG_LEVEL, format: config.env.LOG_FORMAT, secrets: config.secrets });
  const log = logger.child({ component: 'daemon' });
  const prefix = config.env.SYNC_QUEUE_PREFIX;
  const settings = config.daemon;
  const redis = createRedisConnections(config.env.REDIS_URL, logger);
  const state = createState(redis.commands, prefix, settings);
  const queues = createQueues({ connection: redis.commands, prefix, jobs: settings.jobs });
  for (const q of Object.values(queues.queues)) {
    q.on('error', (err: Error) => redis.health.noteError(err, `queue ${q.name}`));
  }
  queues.flow.on('error', (err: Error) => redis.health.noteError(err, 'flow producer'));
  const producers = createProducers(queues, settings.jobs);
  const flow = createReconcileFlow(queues);
  const metrics = createMetrics({ queues: queues.queues, sharedFacts: createSharedMetricFacts(state), outages: () => outages.current() });
  redis.health.registerMetric(metrics.registry);
  const budget = createHubSpotBudget(redis.commands, prefix, { requestsPerWindow: settings.hubspot.requestsPerWindow, windowMs: settings.hubspot.windowMs });

  const okta: OktaClientApi =
    opts.clients?.okta ??
    createOktaClient({
      ...oktaConnection(config),
      logger,
      timeoutMs: settings.okta.timeoutMs,
      pageSize: settings.okta.pageSize,
      logPageSize: settings.okta.logPageSize,
      hooks: { afterResponse: (info) => metrics.recordApiCall({ ...info, status: info.status === 0 ? null : info.status }) },
    });
  const hubspot: HubSpotClientApi =
    opts.clients?.hubspot ??
    createHubSpotClient({
      baseUrl: config.env.HUBSPOT_BASE_URL,
      token: config.env.HUBSPOT_ACCESS_TOKEN,
      logger,
      dryRun: opts.dryRun === true,
      timeoutMs: settings.hubspot.timeoutMs,
      pageSize: settings.hubspot.pageSize,
      seatsMode: config.rules.seats.mode,
      hooks: {
        beforeRequest: () => budget.acquire(),
        afterResponse: (info) => {
          metrics.recordApiCall({ ...info, status: info.status === 0 ? null : info.status, rateLimitRemaining: info.rate?.remaining ?? null });
          budget.observe({ status: info.status, remaining: info.rate?.remaining ?? null, intervalMs: info.rate?.intervalMs ?? null }).catch((err: unknown) => {
            log.debug('could not record HubSpot rate headers', { error: errorMessage(err) });
          });
        },
      },
    });

  // One breaker per API, shared through Redis: an outage pauses the API-calling queues and probes.
  const outages = createOutageBreaker({
    redis: redis.commands,
    prefix,
    logger,
    queues: [queues.queue('sync-user'), queues.queue('reconcile')],
    probes: { hubspot: () => hubspot.listRoles(), okta: () => okta.getApp() },
    // Kept for the status page: what was out, why, and for how long.
    onChange: (_api, outage, ended) => {
      state.status.noteOutage({ ...outage, endedAt: ended ? ended.toISOString() : null }).catch((err: unknown) => logger.debug('could not record an outage for the status page', { error: errorMessage(err) }));
    },
  });
  const appId = config.env.OKTA_APP_ID;
  /** A reconciliation finished (with nothing to fan out, or by its summary). */
  const recordFinished = (outcome: PlanOutcome) => metrics.recordReconcileDone(outcome.finishedAt, outcome.failures.length > 0 ? 'partial' : outcome.held > 0 ? 'held' : 'succeeded');
  const firstStart = opts.firstStart === true ? { firstStart: true } : {};
  const ledgerGate = createLedgerGate({ okta, hubspot, state, appId, historyDays: settings.okta.historyDays, rules: config.rules, logger, ...firstStart });
  // One reader of the rule groups: reconciliations refresh the resolution the per-user syncs use.
  const ruleGroups = createRuleGroupReader({ okta, logger });
  const wake = async (ids: readonly string[]) => {
    await Promise.all(ids.map((id) => producers.userChanged(id, ['seat freed'])));
  };
  const syncUser = createSyncUserProcessor({ okta, hubspot, state, rules: config.rules, plan: planSync, ledgerGate, logger, ruleGroups, wake });
  const rulesWatch = createRulesWatch({ rules: config.rules, hubspot, status: state.status, logger });
  const reconciler = createReconciler({
    okta,
    hubspot,
    state,
    rules: config.rules,
    plan: planSync,
    planStream: planSyncStream,
    ledgerGate,
    flow,
    logger,
    onPlanned: (plan) => metrics.recordPlan(plan),
    onCatalog: (catalog) => rulesWatch.observe(catalog),
    onFinished: recordFinished,
    ruleGroups,
  });
  const summary = createSummaryProcessor({
    state,
    flow,
    logger,
    onFinished: recordFinished,
  });
  // Okta event hook: its events take the poll's path (one intake); the poll stays as the backstop.
  const hookSecret = config.env.OKTA_EVENT_HOOK_SECRET;
  const hookMetrics = createHookMetrics(metrics.registry);
  const intake = createEventIntake({
    state,
    producers,
    appId,
    logger,
    hook: { enabled: hookSecret !== undefined, debounceMs: settings.hooks.debounceMs, missedGraceMs: settings.hooks.missedGraceSeconds * 1000 },
    groupMembers: (groupId) => okta.listGroupMemberIds(groupId),
    onTaken: (result) => hookMetrics.recordIntake(result),
  });
  const poll = createPollProcessor({
    okta,
    state,
    producers,
    intake,
    filter: hookSecret === undefined ? OKTA_EVENT_FILTER : withHookDeliveryFailures(OKTA_EVENT_FILTER),
    logger,
    onPolled: (report) => metrics.recordPoll({ newestEventAt: report.newestEventAt, events: report.events }),
    ...firstStart,
  });
  const scheduler = createScheduler({
    pollIntervalSeconds: config.env.SYNC_POLL_INTERVAL_SECONDS,
    reconcileCron: config.env.SYNC_RECONCILE_CRON,
    poll: roles.poller,
    reconcile: roles.scheduler,
    logger,
    handlers: { poll: (slot) => producers.poll(slot), reconcile: (slot) => producers.reconcile({ trigger: 'cron', slot, waitIfBusy: false }) },
  });

  const jobs = createJobClient({ queues, producers, plans: state.plans, flow, outages });

  const workers: Worker[] = [];
  let opsServer: ReturnType<typeof createOpsServer> | null = null;
  let address: ListeningAddress | null = null;
  let hookServer: HookServer | null = null;
  let hookAddress: ListeningAddress | null = null;

  /** A hook request's outcome: a metric, and for the status page the refusals and verifications. */
  function noteHookRequest(outcome: HookRequestOutcome): void {
    hookMetrics.recordRequest(outcome);
    const at = new Date().toISOString();
    const change =
      outcome === 'verification'
        ? { set: { lastVerifiedAt: at } }
        : outcome === 'accepted'
          ? null
          : { add: { rejected: 1 }, set: { lastRejectedAt: at, lastRejectedReason: outcome } };
    if (change) {
      state.hookStatus.note(change).catch((err: unknown) => log.debug('could not record an event hook request', { error: errorMessage(err) }));
    }
  }

  function hookRouter() {
    return hookSecret === undefined
      ? undefined
      : createOktaHookRouter({
          secret: hookSecret,
          maxBodyBytes: settings.hooks.maxBodyBytes,
          logger,
          onEvents: (events, receivedAt) => intake.take(events, 'hook', receivedAt),
          onRequest: noteHookRequest,
          overloaded: () => intake.queued() > MAX_QUEUED_HOOK_EVENTS,
        });
  }
  let ready = false;
  let stopping: Promise<void> | null = null;

  function track(worker: Worker): void {
    // Connection errors go to the one voice for Redis (said once, then quiet); others to the worker's own listener.
    const own = worker.listeners('error') as ((err: Error) => void)[];
    worker.removeAllListeners('error');
    worker.on('error', (err: Error) => {
      if (!redis.health.reachable() || isConnectionError(err)) {
        redis.health.noteError(err, `${worker.name} worker`);
      } else {
        own.forEach((listener) => listener(err));
      }
    });
    worker.on('completed', (job: Job) => metrics.recordJob({ queue: worker.name, state: 'completed', ...durationOf(job) }));
    worker.on('failed', (job: Job | undefined) => {
      if (job) {
        metrics.recordJob({ queue: worker.name, state: 'failed', ...durationOf(job) });
      }
    });
    workers.push(worker);
  }

  function startWorkers(): void {
    const connection = redis.workers;
    // A 429 pauses the shared HubSpot budget and is remembered for the dashboard's "rate limited".
    const onRateLimited = (queue: string) => async (ms: number) => {
      await Promise.all([budget.pause(ms), state.status.noteRateLimited(queue, ms)]);
    };
    track(createSyncUserWorker({ connection, prefix, queue: queues.queue('sync-user'), processor: syncUser, settings, logger, onRateLimited: onRateLimited('sync-user'), outages }));
    track(createReconcileWorker({ connection, prefix, queue: queues.queue('reconcile'), reconciler, logger, settings, onRateLimited: onRateLimited('reconcile'), outages }));
    track(createSummaryWorker({ connection, prefix, processor: summary, logger }));
    track(createPollWorker({ connection, prefix, processor: poll, logger, outages }));
    outages.start();
  }

  async function startServer(): Promise<void> {
    const redactor = createRedactor(config.secrets);
    const queueView = createQueueView(queues.queues, redactor, state.ledger);
    opsServer = createOpsServer({
      http: opsHttpSettings(config),
      logger,
      redactor,
      queueView,
      redis: redis.commands,
      queues: queues.queues,
      rateLimitedMs: (queue) => state.status.rateLimitedMs(queue),
      status: createStatusSource({ state, queueView }),
      lookupUser: createUserLookup({ okta, hubspot }),
      whatIf: reconciler.whatIf,
      actions: createOpsActions({ state, queueView, logger, onApproved: releaseApprovedDeletions(producers) }),
      metrics,
      isReady: () => ready,
      apiOutages: () => outages.current(),
      redisProblem: () => redis.health.problem(),
      ...(hookSecret !== undefined && config.env.HOOK_PORT === undefined ? { hookRouter: hookRouter() } : {}),
    });
    address = await opsServer.listen();
    const router = config.env.HOOK_PORT === undefined ? undefined : hookRouter();
    if (router && config.env.HOOK_PORT !== undefined) {
      hookServer = createHookServer({ host: config.env.HOOK_HOST, port: config.env.HOOK_PORT, router, logger });
      hookAddress = await hookServer.listen();
    }
  }

  /**
   * Starts the roles asked for; resolves once workers run and the server listens. The ops server
   * comes first (`/healthz` answers, `/readyz` says why not ready); the rest waits for Redis for
   * as long as it takes, which `redis.health` reports once and then quietly. Resolves without
   * starting anything when `stop` is called meanwhile.
   */
  async function start(): Promise<void> {
    if (roles.server) {
      await startServer();
    }
    if (!(await redis.health.untilReachable()) || stopping) {
      return;
    }
    await redis.checkEvictionPolicy();
    await queues.applyGlobalLimits();
    if (roles.workers) {
      startWorkers();
    }
    scheduler.start();
    if (roles.scheduler) {
      void rulesWatch.checkNow(); // the rules' role and seat names against HubSpot's, without delaying the start
      await producers.reconcile({ trigger: 'start', slot: slotStart(Date.now(), 60_000), waitIfBusy: false });
    }
    ready = true;
    log.log(opts.oneShot ? 'debug' : 'info', 'daemon started', { roles, prefix, dryRun: opts.dryRun === true });
  }

  async function closeWorkers(): Promise<void> {
    const graceful = Promise.all(workers.map((w) => w.close()));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), settings.shutdownGraceMs);
    });
    const inTime = await Promise.race([graceful.then(() => true), deadline]);
    clearTimeout(timer);
    if (!inTime) {
      log.warn('jobs still running after the shutdown grace period; handing them back to the queue');
      await Promise.all(workers.map((w) => w.close(true)));
    }
  }

  /**
   * Stops in order: readiness false and no new ticks, workers finish (up to
   * daemon.shutdownGraceMs, then their jobs go back to the queue), then the server, queues and
   * Redis close. Safe to call twice.
   */
  function stop(): Promise<void> {
    stopping ??= (async () => {
      ready = false;
      opsServer?.beginShutdown();
      await scheduler.stop();
      outages.stop();
      await closeWorkers();
      await opsServer?.close();
      await hookServer?.close();
      await queues.close();
      await redis.close();
      log.log(opts.oneShot ? 'debug' : 'info', 'daemon stopped');
    })();
    return stopping;
  }

  return {
    config,
    logger,
    roles,
    redis,
    state,
    queues,
    producers,
    outages,
    okta,
    hubspot,
    ledgerGate,
    /** Reads the groups the rules name (reconciliations, per-user syncs; `doctor` and what-if runs may read with other rules). */
    ruleGroups,
    syncUser,
    reconciler,
    metrics,
    start,
    stop,
    /** Work run through the queue and waited for (one-shot commands, tests). */
    jobs,
    /** What the `sync-user` command uses. */
    userCommands: createUserCommands({ okta, ledger: state.ledger, syncUser, jobs }),
    /** What the `reconcile` command uses. */
    reconcileCommands: createReconcileCommands({ reconciler, state, producers, jobs, logger }),
    /** True between a finished `start` and the beginning of `stop`. */
    isReady: () => ready,
    /** Where the ops server listens (null without the server role or before start). */
    opsAddress: () => address,
    /** Where `/hooks/okta` is served: its own listener (HOOK_PORT), else the ops server; null when the hook is off. */
    hookAddress: () => (hookSecret === undefined ? null : (hookAddress ?? (config.env.HOOK_PORT === undefined ? address : null))),
    /** The one path of System Log events to jobs (hook and poll). */
    intake,
  };
}

/** A built daemon. */
export type Daemon = ReturnType<typeof createDaemon>;

/** Events waiting in one process beyond which hook deliveries get 503 (the poll reads them later). */
const MAX_QUEUED_HOOK_EVENTS = 50_000;

function durationOf(job: Job): { durationMs?: number } {
  return job.finishedOn && job.processedOn ? { durationMs: job.finishedOn - job.processedOn } : {};
}
