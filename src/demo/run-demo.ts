import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { bundledConfigPath, loadConfig } from '../../config/load';
import { createDaemon, type Daemon } from '../daemon/daemon';
import { createLogger } from '../lib/logger';
import { ensureRedis } from '../lib/redis-locator';
import { deleteKeysWithPrefix } from '../lib/redis-keys';
import { createHubSpotSimulator } from '../simulators/hubspot';
import { createOktaSimulator } from '../simulators/okta';
import { demoCompany } from '../simulators/seeds/demo-company';
import { demoSteps, hireStep, type DemoStep } from './demo-scenario';

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
  /** Redis key prefix (default: a fresh one per run, removed at exit). */
  queuePrefix?: string | undefined;
  logFormat: 'json' | 'pretty' | 'auto';
  logLevel: string;
  /** Where the demo's own lines go. */
  print: (line: string) => void;
}

export interface RunningDemo {
  daemon: Daemon;
  statusUrl: string;
  adminToken: string;
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
  await Promise.all([okta.start(), hubspot.start()]);
  const adminToken = opts.adminToken ?? randomBytes(16).toString('hex');
  const prefix = opts.queuePrefix ?? `{ohs-demo-${randomBytes(4).toString('hex')}}`;
  const config = loadConfig({
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: okta.token,
    OKTA_APP_ID: okta.appId,
    HUBSPOT_BASE_URL: hubspot.url,
    HUBSPOT_ACCESS_TOKEN: hubspot.token,
    REDIS_URL: redis.url,
    SYNC_QUEUE_PREFIX: prefix,
    SYNC_POLL_INTERVAL_SECONDS: '2',
    SYNC_RECONCILE_CRON: '* * * * *',
    SYNC_CONFIG: bundledConfigPath('demo.yaml'),
    PORT: String(opts.port),
    HOST: opts.host ?? '127.0.0.1',
    SYNC_ADMIN_TOKEN: adminToken,
    LOG_LEVEL: opts.logLevel,
    LOG_FORMAT: opts.logFormat,
  });
  const logger = createLogger({ level: opts.logLevel, format: opts.logFormat, secrets: config.secrets });
  const daemon = createDaemon(config, { roles: { poller: true, scheduler: true, workers: true, server: true }, logger });
  await daemon.start();
  const address = daemon.opsAddress();
  const statusUrl = address ? `http://127.0.0.1:${address.port}` : 'http://127.0.0.1';

  const story = demoSteps();
  let stepIndex = 0;
  const nextStep = (): DemoStep => {
    const step = story[stepIndex] ?? hireStep(stepIndex - story.length + 1);
    stepIndex += 1;
    step.run(okta, hubspot);
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
    daemon,
    statusUrl,
    adminToken,
    nextStep,
    stop() {
      stopped ??= (async () => {
        if (timer) {
          clearInterval(timer);
        }
        await daemon.stop();
        await Promise.all([okta.stop(), hubspot.stop()]);
        const cleanup = new Redis(redis.url, { maxRetriesPerRequest: 1 });
        try {
          await deleteKeysWithPrefix(cleanup, prefix);
        } finally {
          cleanup.disconnect();
        }
        stopChild(redis.child);
      })();
      return stopped;
    },
  };
}

function stopChild(child: ChildProcess | null): void {
  if (child && child.exitCode === null) {
    child.kill();
  }
}
