import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { stringify } from 'yaml';
import { loadConfig, type Config } from '../config/load';
import { createHubSpotSimulator, type HubSpotSimulator, type HubSpotSimulatorOptions } from '../simulators/hubspot';
import { createOktaSimulator, type OktaSimulator } from '../simulators/okta';
import type { Seed } from '../simulators/seeds/seed-types';

/** Both simulators, a Redis prefix of its own and the environment a daemon needs to use them. */
export interface BenchRig {
  okta: OktaSimulator;
  hubspot: HubSpotSimulator;
  env: Record<string, string>;
  config(): Config;
  stop(): Promise<void>;
}

/** Starts the simulators for `seed` and writes a rules/daemon file with `daemon` settings. */
export async function startBenchRig(seed: Seed, opts: { daemon?: Record<string, unknown>; hubspot?: HubSpotSimulatorOptions; env?: Record<string, string> } = {}): Promise<BenchRig> {
  const okta = createOktaSimulator({ seed, rateLimits: false });
  const hubspot = createHubSpotSimulator({ seed, rateLimit: false, ...opts.hubspot });
  const [oktaUrl, hubspotUrl] = await Promise.all([okta.start(), hubspot.start()]);
  const prefix = `{bench-${randomUUID().slice(0, 8)}}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ohs-bench-'));
  const configPath = path.join(dir, 'sync.yaml');
  writeFileSync(configPath, stringify({ rules: {}, daemon: opts.daemon ?? {} }));
  const env: Record<string, string> = {
    OKTA_ORG_URL: oktaUrl,
    OKTA_API_TOKEN: okta.token,
    OKTA_APP_ID: okta.appId,
    HUBSPOT_BASE_URL: hubspotUrl,
    HUBSPOT_ACCESS_TOKEN: hubspot.token,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    SYNC_QUEUE_PREFIX: prefix,
    SYNC_RECONCILE_CRON: '0 0 1 1 *',
    SYNC_CONFIG: configPath,
    PORT: '0',
    LOG_LEVEL: 'error',
    ...opts.env,
  };
  return {
    okta,
    hubspot,
    env,
    config: () => loadConfig(env),
    async stop() {
      await removePrefix(env.REDIS_URL ?? '', prefix);
      await Promise.all([okta.stop(), hubspot.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deletes every key under `prefix` (SCAN + DEL; never a flush). */
export async function removePrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/([*?[\]\\])/g, '\\$1')}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The p-th percentile (0–100) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}
