import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureRedis } from '../../src/lib/redis-locator';
import { redisServerInstalled, startPrivateRedis, type PrivateRedis } from './private-redis';
import { formatFigures, runSoak } from './soak-run';
import { builtCliExists, type WorkerCommand } from './worker-processes';

/**
 * `npm run soak`: the long chaos soak. Defaults: 1,000 Okta users, changes for 3 minutes at 4 a
 * second, two `worker` processes of the built CLI (one killed with SIGKILL every 20 s), a private
 * redis-server restarted once mid-run (all data lost), two in-process replicas, a 60 s HubSpot
 * outage (503s) and 20 s of 401s, and a quarter of the managed users unassigned at once while
 * 1,500 people are hired, held until the operator bot approves after a reconciliation. Prints the
 * figures; exits 1 on any breach. Options override the defaults (`npm run soak -- --help`).
 */

const HELP = `npm run soak -- [options]
  --users N            Okta users at start (default 1000)
  --minutes M          how long changes and faults go on (default 3)
  --rate R             Okta changes per second (default 4)
  --workers N          worker child processes (default 2)
  --kill-every S       seconds between SIGKILLs of a worker (default 20, 0: never)
  --kills N            at most N SIGKILLs (default: as many as fit)
  --data-loss-at S     seconds into the changes when Redis loses its data (default: half way)
  --redis MODE         private: restart a private redis-server (default when installed);
                       shared: delete the run's keys on REDIS_URL / 127.0.0.1:6379
  --command MODE       dist (default, needs npm run build) or source
  --outage S           seconds of HubSpot answering 503, from 20 s in (default 60, 0: none)
  --unauthorized S     seconds of HubSpot answering 401, after the data loss (default 20, 0: none)
  --mass-at S          seconds into the changes when a quarter of the managed users are
                       unassigned at once (default: 40 s before the end, 0: none)
  --growth N           people hired right after the mass unassignment (default 1500)
  --seed N             seed of the changes and faults (default 1)
  --json FILE          also write the report (figures, breaches) as JSON to FILE
  --logs FILE          also write every log line of the run to FILE`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '1000' },
      minutes: { type: 'string', default: '3' },
      rate: { type: 'string', default: '4' },
      workers: { type: 'string', default: '2' },
      'kill-every': { type: 'string', default: '20' },
      kills: { type: 'string' },
      'data-loss-at': { type: 'string' },
      redis: { type: 'string' },
      command: { type: 'string', default: 'dist' },
      seed: { type: 'string', default: '1' },
      outage: { type: 'string', default: '60' },
      unauthorized: { type: 'string', default: '20' },
      'mass-at': { type: 'string' },
      growth: { type: 'string', default: '1500' },
      json: { type: 'string' },
      logs: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const num = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      throw new Error(`--${name} must be a number ≥ 0, not ${v}`);
    }
    return n;
  };
  const command: WorkerCommand = values.command === 'source' ? 'source' : 'dist';
  if (command === 'dist' && !builtCliExists()) {
    throw new Error('dist/src/cli/main.js is missing: run npm run build first (npm run soak does)');
  }
  const changeMs = num('minutes', values.minutes) * 60_000;
  const redisMode = values.redis ?? (redisServerInstalled() ? 'private' : 'shared');
  let privateRedis: PrivateRedis | null = null;
  if (redisMode === 'private') {
    privateRedis = await startPrivateRedis();
    process.env.REDIS_URL = privateRedis.url;
  } else {
    process.env.REDIS_URL = (await ensureRedis(process.env)).url;
  }
  const dataLossAtMs = values['data-loss-at'] === undefined ? changeMs / 2 : num('data-loss-at', values['data-loss-at']) * 1000;
  const outageMs = num('outage', values.outage) * 1000;
  const unauthorizedMs = num('unauthorized', values.unauthorized) * 1000;
  const massAtMs = values['mass-at'] === undefined ? Math.max(0, changeMs - 40_000) : num('mass-at', values['mass-at']) * 1000;
  const started = Date.now();
  const log = (line: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  const restart = privateRedis;
  try {
    const report = await runSoak({
      users: num('users', values.users),
      changeMs,
      changesPerSecond: num('rate', values.rate),
      workerProcesses: num('workers', values.workers),
      workerCommand: command,
      killEveryMs: num('kill-every', values['kill-every']) * 1000,
      ...(values.kills === undefined ? {} : { maxKills: num('kills', values.kills) }),
      dataLossAtMs,
      hubspotOutages: [
        ...(outageMs > 0 ? [{ atMs: 20_000, forMs: outageMs, answer: 'unavailable' as const }] : []),
        ...(unauthorizedMs > 0 ? [{ atMs: dataLossAtMs + 10_000, forMs: unauthorizedMs, answer: 'unauthenticated' as const }] : []),
      ],
      ...(massAtMs > 0 ? { massUnassignment: { atMs: massAtMs, share: 0.25, growth: num('growth', values.growth), growthMs: 15_000 } } : {}),
      ...(restart ? { loseRedisData: () => restart.restart() } : {}),
      seed: num('seed', values.seed),
      convergeTimeoutMs: 15 * 60_000,
      progress: log,
    });
    process.stdout.write(`\n${formatFigures(report.figures).join('\n')}\n\n`);
    if (values.json) {
      writeFileSync(values.json, `${JSON.stringify({ figures: report.figures, breaches: report.breaches, redis: redisMode, command }, null, 2)}\n`);
    }
    if (values.logs) {
      writeFileSync(values.logs, `${report.logs.join('\n')}\n`);
    }
    if (report.breaches.length > 0) {
      process.stdout.write(`FAILED: ${report.breaches.length} breach(es)\n${report.breaches.map((b) => `  - ${b}`).join('\n')}\n`);
      return 1;
    }
    process.stdout.write('PASSED: HubSpot equals what Okta calls for; no breach, no secret in any output\n');
    return 0;
  } finally {
    await privateRedis?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
