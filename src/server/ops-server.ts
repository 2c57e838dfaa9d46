import type { Server } from 'node:http';
import type { Queue } from 'bullmq';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { ConfigError, type Config } from '../../config/load';
import type { Logger } from '../lib/logger';
import type { Redactor } from '../lib/redact';
import { createAdminAuth } from './admin-auth';
import { createCsrfGuard } from './csrf-guard';
import { createDashboardRouter, DASHBOARD_PATH } from './dashboard';
import { boundAddress, closeServer, type ListeningAddress } from './listener';
import { isLoopbackHost } from './loopback';
import type { OpsActions, StatusSource, UserLookup } from './ops-types';
import { createOpsRoutes } from './ops-routes';
import type { QueueView } from './queue-view';
import type { OutageState } from '../queue/outage-breaker';
import { OKTA_HOOK_PATH } from './okta-hook-endpoint';
import { outageReadiness } from './outage-readiness';
import { securityHeaders } from './security-headers';
import { createWhatIfRoutes, isReadOnlyPost, whatIfBodyParser, type RunWhatIf } from './rules-what-if';

/** Where the ops server listens and who may use it. */
export interface OpsHttpSettings {
  /** HOST: a non-loopback address needs `adminToken`. */
  host: string;
  /** PORT (0 picks a free port). */
  port: number;
  /** SYNC_ADMIN_TOKEN: required for the status page and API beyond loopback. */
  adminToken: string | undefined;
  /** daemon.allowWrites: approve, reject, retry and dashboard actions. */
  allowWrites: boolean;
}

/** The ops server's settings, taken from the configuration. */
export function opsHttpSettings(config: Pick<Config, 'env' | 'daemon'>): OpsHttpSettings {
  return { host: config.env.HOST, port: config.env.PORT, adminToken: config.env.SYNC_ADMIN_TOKEN, allowWrites: config.daemon.allowWrites };
}

/** What the ops server needs; the daemon's composition root builds these. */
export interface OpsServerDeps {
  http: OpsHttpSettings;
  logger: Logger;
  /** Takes secrets out of reasons and job data shown to operators. */
  redactor: Redactor;
  /** Queue counts for the status page and API. */
  queueView: Pick<QueueView, 'counts'>;
  /** Pinged by `/readyz`. */
  redis: Pick<Redis, 'ping'>;
  /** BullMQ queues by name, for the dashboard and the queue counts. */
  queues: Readonly<Record<string, Queue>>;
  /** Ms left of the pause an API's 429 asked for on a queue (the dashboard's "rate limited"); 0 when none. */
  rateLimitedMs?: (queue: string) => Promise<number>;
  status: StatusSource;
  actions: OpsActions;
  /** Asks Okta and HubSpot about one user for the user page (`/users/<email>`). */
  lookupUser?: (email: string) => Promise<UserLookup>;
  /** Plans a proposed rules file beside the current one (`/rules/what-if`, `POST /api/rules/what-if`); writes nothing. */
  whatIf?: RunWhatIf;
  /** The registry `/metrics` serves (`createMetrics().registry`, or the whole `createMetrics()` result). */
  metrics: { registry: Registry };
  /** False while the daemon is starting or stopping; `/readyz` answers 503 then. */
  isReady: () => boolean;
  /** The APIs out now (the outage breaker's `current`): `/readyz` answers 503 with the reason. */
  apiOutages?: () => Promise<readonly OutageState[]>;
  /** Why Redis cannot be used now ("Redis unreachable: …"), or null; `/readyz` answers 503 with it. */
  redisProblem?: () => string | null;
  /** The Okta event hook endpoint (its own auth), when served on this port; otherwise `/hooks/okta` answers 404. */
  hookRouter?: express.Router;
}

const READY_PING_TIMEOUT_MS = 1_000;

/**
 * Refuses a configuration that would expose the ops server without authentication: a HOST other
 * than a loopback address needs SYNC_ADMIN_TOKEN.
 */
export function assertSafeBinding(http: Pick<OpsHttpSettings, 'host' | 'adminToken'>): void {
  if (!isLoopbackHost(http.host) && !http.adminToken) {
    throw new ConfigError([
      `environment HOST: the ops server would listen on ${http.host} without authentication; set SYNC_ADMIN_TOKEN or use HOST=127.0.0.1`,
    ]);
  }
}

function pingWithin(redis: Pick<Redis, 'ping'>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    redis.ping().then(
      (answer) => {
        clearTimeout(timer);
        resolve(answer === 'PONG');
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}

/**
 * The operator's HTTP surface: `/healthz`, `/readyz` and `/metrics` (open, for probes and
 * Prometheus), and behind the admin token the status page `/`, its JSON API under `/api/`, and
 * the bull-board dashboard under `/admin/queues`. Writes (approve, reject, retry, dashboard
 * actions) need `daemon.allowWrites`; they and the what-if (a POST that changes nothing, allowed
 * while read-only) pass a cross-site check. Throws ConfigError for a
 * non-loopback HOST without SYNC_ADMIN_TOKEN.
 */
export function createOpsServer(deps: OpsServerDeps) {
  assertSafeBinding(deps.http);
  const log = deps.logger.child({ component: 'ops-server' });
  const redactor = deps.redactor;
  const writesEnabled = deps.http.allowWrites;
  const adminAuth = createAdminAuth({ token: deps.http.adminToken, logger: log });
  const csrf = createCsrfGuard({ key: deps.http.adminToken, logger: log });
  let shuttingDown = false;
  let server: Server | null = null;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders({ dashboardPath: DASHBOARD_PATH }));

  app.get('/healthz', (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });

  // Redis first: it is known in memory, and every later step would wait on Redis.
  app.get('/readyz', (_req: Request, res: Response, next: NextFunction) => {
    const redisProblem = deps.redisProblem?.() ?? null;
    if (redisProblem === null) {
      next();
      return;
    }
    res.status(503).json({ status: 'not ready', shuttingDown, redis: 'unreachable', reason: redisProblem });
  });
  app.get('/readyz', outageReadiness(deps.apiOutages));
  app.get('/readyz', async (_req: Request, res: Response) => {
    const daemonReady = !shuttingDown && deps.isReady();
    const redisOk = daemonReady ? await pingWithin(deps.redis, READY_PING_TIMEOUT_MS) : false;
    const ready = daemonReady && redisOk && !shuttingDown;
    const reason = shuttingDown ? 'shutting down' : !daemonReady ? 'starting' : redisOk ? undefined : `Redis unreachable: no answer to PING within ${READY_PING_TIMEOUT_MS} ms`;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      shuttingDown,
      redis: daemonReady ? (redisOk ? 'ok' : 'unreachable') : 'not checked',
      ...(reason === undefined ? {} : { reason }),
    });
  });

  app.get('/metrics', async (_req: Request, res: Response) => {
    const body = await deps.metrics.registry.metrics();
    res.type(deps.metrics.registry.contentType).send(body);
  });

  if (deps.hookRouter) {
    app.use(deps.hookRouter);
  } else {
    // Not served here: 404 (a middleware, not a route: it opens nothing), whatever the admin token.
    app.use(OKTA_HOOK_PATH, (_req: Request, res: Response) => {
      res.status(404).json({ error: 'not found' });
    });
  }

  app.use(adminAuth);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (writesEnabled || req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || isReadOnlyPost(req)) {
      next();
      return;
    }
    res.status(403).json({ error: 'read-only: writes from the ops server are off (set daemon.allowWrites: true to allow them)' });
  });
  // A proposed rules file may be larger than any other body: its parser comes first.
  app.use(whatIfBodyParser(), express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb' }));
  app.use(csrf.middleware);

  app.use(DASHBOARD_PATH, createDashboardRouter({ queues: deps.queues, allowWrites: writesEnabled, redactor, ...(deps.rateLimitedMs ? { rateLimitedMs: deps.rateLimitedMs } : {}) }));
  app.use(
    createOpsRoutes({
      status: deps.status,
      actions: deps.actions,
      queueCounts: deps.queueView.counts,
      writesEnabled,
      redactor,
      formToken: csrf.formToken,
      dashboardPath: DASHBOARD_PATH,
      ...(deps.lookupUser ? { lookupUser: deps.lookupUser } : {}),
    }),
  );
  app.use(createWhatIfRoutes({ redactor, logger: log, formToken: csrf.formToken, ...(deps.whatIf ? { whatIf: deps.whatIf } : {}) }));

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found' });
  });

  // Express recognises an error handler by its four parameters.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    const message = redactor.redactString(err instanceof Error ? err.message : String(err));
    if (status >= 500) {
      log.error('ops request failed', { method: req.method, path: req.path, err });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json({ error: status >= 500 ? `internal error: ${message}` : message });
  });

  /** Starts listening on HOST:PORT (PORT 0 picks a free port). */
  function listen(): Promise<ListeningAddress> {
    return new Promise((resolve, reject) => {
      const s = app.listen(deps.http.port, deps.http.host, (err?: Error) => {
        if (err) {
          reject(err);
          return;
        }
        const bound = boundAddress(s);
        log.info('ops server listening', { host: bound.host, port: bound.port, writesEnabled, auth: deps.http.adminToken ? 'token' : 'loopback only' });
        resolve(bound);
      });
      server = s;
    });
  }

  /** From now on `/readyz` answers 503, so load balancers stop sending work; requests are still served. */
  function beginShutdown(): void {
    shuttingDown = true;
  }

  /** Stops accepting connections and closes idle ones; open requests get `graceMs` to finish. */
  async function close(graceMs = 5_000): Promise<void> {
    shuttingDown = true;
    const s = server;
    server = null;
    await closeServer(s, graceMs);
  }

  return { app, listen, beginShutdown, close };
}

/** The ops server's API. */
export type OpsServer = ReturnType<typeof createOpsServer>;
