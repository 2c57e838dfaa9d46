import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { bundledConfigPath, loadConfig } from '../../config/load';
import { createDaemon, type Daemon } from '../../src/daemon/daemon';
import { errorMessage } from '../../src/lib/errors';
import { createLogger } from '../../src/lib/logger';
import { ensureRedis } from '../../src/lib/redis-locator';
import { deleteKeysWithPrefix } from '../../src/lib/redis-keys';
import { createHubSpotSimulator, type HubSpotSimulator } from '../hubspot';
import { createOktaEventHookClient } from '../../src/okta/okta-event-hooks';
import { OKTA_HOOK_PATH } from '../../src/server/okta-hook-endpoint';
import { createOktaSimulator, type OktaSimulator } from '../okta';
import { demoCompany } from '../seeds/demo-company';
import { demoSteps, hireStep, type DemoControls, type DemoStep } from './demo-scenario';

export interface DemoOptions {
  /** Ops server port (0: any free port). */
  port: number;
  /** Time between two simulated Okta changes; 0 makes none. */
  changeEveryMs: number;
  /** REDIS_URL from the environment, if any. */
  redisUrl?: string | undefined;
  /** Ops server address (default 127.0.0.1; a container sets 0.0.0.0 and then needs an admin token). */
  host?: string | undefined;
  /** Admin token (default: a random one, printed). */
  adminToken?: string | undefined;
  /** Redis key prefix (default, or when blank: a fresh one per run). Its keys are removed at exit. */
  queuePrefix?: string | undefined;
  logFormat: 'json' | 'pretty' | 'auto';
  logLevel: string;
  /** Where the demo's own lines go. */
  print: (line: string) => void;
  /** Okta pushes changes through an event hook (default true); false: the System Log poll alone, every 2 s. */
  hooks?: boolean;
}

export interface RunningDemo {
  daemon: Daemon;
  statusUrl: string;
  adminToken: string;
  /**
   * The environment that points the CLI (`status`, `audit`, `reconcile --dry-run`, `sync-user`,
   * `doctor`) at this demo: its Redis and prefix, its simulators' URLs and throwaway tokens, and
   * its rules file. The tokens are the simulators' own, made up for this run: no real account's.
   */
  cliEnv: Record<string, string>;
  /** The demo's simulated Okta and HubSpot, for tests that act as an Okta admin would. */
  simulators: { okta: OktaSimulator; hubspot: HubSpotSimulator };
  /** Runs the next scripted change now (the timer also calls it). */
  nextStep(): DemoStep;
  stop(): Promise<void>;
}

/**
 * The bundled demo: simulated Okta and HubSpot with the demo company, a Redis (REDIS_URL,
 * 127.0.0.1:6379, or a private redis-server), the daemon with its ops server, and a change in Okta
 * every few seconds so the terminal and the status page show the sync following.
 */
export async function runDemo(opts: DemoOptions): Promise<RunningDemo> {
  const redis = await ensureRedis({ REDIS_URL: opts.redisUrl });
  const okta = createOktaSimulator({ seed: demoCompany });
  const hubspot = createHubSpotSimulator({ seed: demoCompany });
  const adminToken = nonBlank(opts.adminToken) ?? randomBytes(16).toString('hex');
  const hooks = opts.hooks !== false;
  // The demo's own hook secret: the simulated Okta sends it, the daemon checks it.
  const hookSecret = `Bearer ${randomBytes(24).toString('hex')}`;
  // A blank SYNC_QUEUE_PREFIX must not become the daemon's default prefix: the demo removes its keys at exit.
  const requestedPrefix = nonBlank(opts.queuePrefix);
  const wantedPrefix = requestedPrefix ?? `{ohs-demo-${randomBytes(4).toString('hex')}}`;
  /** The prefix in use once the configuration is read (nothing is written before). */
  let prefix: string | null = null;
  let daemon: Daemon | null = null;
  let cliEnv: Record<string, string> = {};

  /** Stops whatever was started, removes the demo's keys and the private redis-server. Never throws. */
  async function teardown(): Promise<void> {
    await daemon?.stop().catch(() => undefined);
    await Promise.all([okta.stop().catch(() => undefined), hubspot.stop().catch(() => undefined)]);
    if (prefix !== null) {
      const cleanup = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      cleanup.on('error', () => undefined);
      try {
        await deleteKeysWithPrefix(cleanup, prefix);
      } catch {
        // A private redis-server goes away below; a shared one that stopped answering keeps the keys.
      } finally {
        cleanup.disconnect();
      }
    }
    stopChild(redis.child);
  }

  try {
    await Promise.all([okta.start(), hubspot.start()]);
    cliEnv = {
      REDIS_URL: redis.url,
      SYNC_QUEUE_PREFIX: wantedPrefix,
      SYNC_CONFIG: bundledConfigPath('demo.yaml'),
      OKTA_ORG_URL: okta.url,
      OKTA_API_TOKEN: okta.token,
      OKTA_APP_ID: okta.appId,
      HUBSPOT_BASE_URL: hubspot.url,
      HUBSPOT_ACCESS_TOKEN: hubspot.token,
      ...(hooks ? { OKTA_EVENT_HOOK_SECRET: hookSecret } : {}),
    };
    const config = loadConfig({
      ...cliEnv,
      // With the hook, the poll is only the backstop.
      SYNC_POLL_INTERVAL_SECONDS: hooks ? '30' : '2',
      SYNC_RECONCILE_CRON: '* * * * *',
      PORT: String(opts.port),
      HOST: opts.host ?? '127.0.0.1',
      SYNC_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: opts.logLevel,
      LOG_FORMAT: opts.logFormat,
    });
    prefix = config.env.SYNC_QUEUE_PREFIX;
    const logger = createLogger({ level: opts.logLevel, format: opts.logFormat, secrets: config.secrets });
    for (const notice of config.notices) {
      logger[notice.level](notice.message);
    }
    // A prefix made up for this run was never used: its empty state is a first start, not a loss of data.
    daemon = createDaemon(config, { roles: { poller: true, scheduler: true, workers: true, server: true }, logger, firstStart: requestedPrefix === undefined });
    await daemon.start();
    if (hooks) {
      // The simulated Okta registers the hook, verifies the endpoint and pushes every change to it.
      const url = `http://127.0.0.1:${daemon.hookAddress()?.port ?? opts.port}${OKTA_HOOK_PATH}`;
      await createOktaEventHookClient({ orgUrl: okta.url, token: okta.token }).install({ url, secret: hookSecret });
      opts.print(`demo ▸ Okta event hook installed and verified: Okta pushes each change to ${url} (the System Log poll, every 30 s, is the backstop)`);
    }
  } catch (err) {
    await teardown();
    throw portInUse(err) ? new Error(`port ${opts.port} is already in use (${errorMessage(err)}). ${OTHER_PORT_HELP}`) : err;
  }
  const running = daemon;
  const address = running.opsAddress();
  const statusUrl = address ? `http://127.0.0.1:${address.port}` : 'http://127.0.0.1';

  const controls: DemoControls = {
    retryFailedSyncs(email) {
      void (async () => {
        const failed = await running.queues.queue('sync-user').getFailed(0, 100);
        const mine = failed.filter((job) => job?.failedReason?.includes(email));
        await Promise.all(mine.map((job) => job.retry('failed')));
        if (mine.length === 0) {
          opts.print(`demo ▸ no failed job names ${email} (a reconciliation may have synced the user already)`);
        }
      })().catch((err: unknown) => opts.print(`demo ▸ could not retry the failed jobs of ${email}: ${errorMessage(err)}`));
    },
  };
  const story = demoSteps();
  let stepIndex = 0;
  const nextStep = (): DemoStep => {
    const step = story[stepIndex] ?? hireStep(stepIndex - story.length + 1);
    stepIndex += 1;
    step.run(okta, hubspot, controls);
    opts.print(`demo ▸ ${step.say}\n       expect: ${step.expect}`);
    return step;
  };
  const timer = opts.changeEveryMs > 0 ? setInterval(() => {
    try {
      nextStep();
    } catch (err) {
      opts.print(`demo ▸ could not make the next change: ${err instanceof Error ? err.message : String(err)}`);
    }
  }, opts.changeEveryMs) : null;

  let stopped: Promise<void> | null = null;
  return {
    daemon: running,
    statusUrl,
    adminToken,
    cliEnv,
    simulators: { okta, hubspot },
    nextStep,
    stop() {
      stopped ??= (async () => {
        if (timer) {
          clearInterval(timer);
        }
        try {
          await running.stop();
        } finally {
          await teardown();
        }
      })();
      return stopped;
    },
  };
}

/** How to run the demo on another port, for the message when its port is taken. */
export const OTHER_PORT_HELP = 'Pick another one: npm run demo -- --port 3001 (or PORT=3001 npm run demo).';

function portInUse(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EADDRINUSE';
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function stopChild(child: ChildProcess | null): void {
  if (child && child.exitCode === null) {
    child.kill();
  }
}
