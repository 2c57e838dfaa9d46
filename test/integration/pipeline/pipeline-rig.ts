import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, type Config } from '../../../config/load';
import { createDaemon, type Daemon, type DaemonOptions } from '../../../src/daemon/daemon';
import { createLogger, silentLogger } from '../../../src/lib/logger';
import type { Seed } from '../../../simulators/seeds/seed-types';
import { startHubSpotRig, type HubSpotTestRig } from '../../helpers/hubspot-sim';
import { startOktaRig, type OktaTestRig } from '../../helpers/okta-sim';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';
import type { HubSpotSimulatorOptions } from '../../../simulators/hubspot';

export { eventually } from '../../helpers/async';

/** Settings the pipeline tests run with: fast polls, short debounce and backoff. */
export const FAST_DAEMON = {
  hubspot: { requestsPerWindow: 1000, windowMs: 10_000 },
  jobs: { attempts: 6, backoffMs: 100, concurrency: 8, debounceMs: 100, maxRateLimitedStarts: 200 },
  shutdownGraceMs: 5_000,
  okta: { historyDays: 30 },
};

export interface RigOptions {
  seed?: Seed;
  hubspot?: HubSpotSimulatorOptions;
  /** `rules:` of the YAML file. */
  rules?: Record<string, unknown>;
  /** `daemon:` of the YAML file, merged over FAST_DAEMON at the top level. */
  daemon?: Record<string, unknown>;
  /** Extra environment (e.g. SYNC_RECONCILE_CRON). */
  env?: Record<string, string>;
}

/**
 * Both simulators, a unique Redis prefix and a way to build daemons against them. Daemons built
 * here are stopped by `stop()`, which also removes the prefix's keys.
 */
export interface PipelineRig {
  okta: OktaTestRig;
  hubspot: HubSpotTestRig;
  prefix: string;
  env: Record<string, string>;
  config(): Config;
  daemon(opts: Omit<DaemonOptions, 'logger'>): Daemon;
  stop(): Promise<void>;
}

export async function startPipelineRig(opts: RigOptions = {}): Promise<PipelineRig> {
  const seedOpt = opts.seed ? { seed: opts.seed } : {};
  const okta = await startOktaRig(seedOpt);
  const hubspot = await startHubSpotRig({ rateLimit: false, ...seedOpt, ...opts.hubspot });
  const prefix = uniquePrefix('pipeline');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ohs-pipeline-'));
  const configPath = path.join(dir, 'sync.yaml');
  writeFileSync(configPath, stringify({ rules: opts.rules ?? {}, daemon: { ...FAST_DAEMON, ...opts.daemon } }));
  const env: Record<string, string> = {
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: okta.sim.token,
    OKTA_APP_ID: okta.sim.appId,
    HUBSPOT_BASE_URL: hubspot.url,
    HUBSPOT_ACCESS_TOKEN: hubspot.sim.token,
    REDIS_URL: testRedisUrl(),
    SYNC_QUEUE_PREFIX: prefix,
    SYNC_POLL_INTERVAL_SECONDS: '1',
    // Far away: tests trigger reconciliations themselves unless they set a cron.
    SYNC_RECONCILE_CRON: '0 0 1 1 *',
    SYNC_CONFIG: configPath,
    PORT: '0',
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  const daemons: Daemon[] = [];
  const logger = () => (process.env.PIPELINE_TEST_LOGS ? createLogger({ level: 'debug', format: 'pretty', isTTY: false, stream: process.stderr }) : silentLogger());
  return {
    okta,
    hubspot,
    prefix,
    env,
    config: () => loadConfig(env),
    daemon(o) {
      const d = createDaemon(loadConfig(env), { ...o, logger: logger() });
      daemons.push(d);
      return d;
    },
    async stop() {
      await Promise.all(daemons.map((d) => d.stop()));
      await removeKeys(prefix);
      await okta.stop();
      await hubspot.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
