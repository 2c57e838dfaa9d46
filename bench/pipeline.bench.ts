import { createDaemon, type Daemon } from '../src/daemon/daemon';
import { silentLogger } from '../src/lib/logger';
import { generatedSeed } from '../simulators/seeds/generated';
import { appliedValuesFrom } from '../src/sync/desired-user';
import type { BenchResult } from './bench-types';
import { runInChild } from './child-process';
import { percentile, startBenchRig, type BenchRig } from './pipeline-rig';

/** Sizes, overridable for a quick run: BENCH_INSYNC_USERS, BENCH_PROVISION_USERS, BENCH_RATE, BENCH_MEMORY_USERS. */
const INSYNC_USERS = Number(process.env.BENCH_INSYNC_USERS ?? 10_000);
const PROVISION_USERS = Number(process.env.BENCH_PROVISION_USERS ?? 2_000);
const RATE = Number(process.env.BENCH_RATE ?? 190);
const LATENCY_CHANGES = 50;
const LATENCY_POLL_SECONDS = 5;
const MEMORY_USERS = Number(process.env.BENCH_MEMORY_USERS ?? 100_000);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function daemonFor(rig: BenchRig, roles: Parameters<typeof createDaemon>[1]['roles']): Daemon {
  return createDaemon(rig.config(), { roles, logger: silentLogger() });
}

/**
 * Puts HubSpot and the ledger in line with Okta without going through HubSpot's API: every
 * person exists with the role the rules give, and the ledger links them with what was applied.
 */
async function prefillInSync(rig: BenchRig, daemon: Daemon, people: ReturnType<typeof generatedSeed>['people']): Promise<void> {
  const roleNames = new Set(rig.hubspot.admin.roles().map((r) => r.name));
  for (const p of people) {
    rig.hubspot.admin.createUser({ email: p.email, firstName: p.firstName, lastName: p.lastName, ...(p.title && roleNames.has(p.title) ? { roleName: p.title } : {}) });
  }
  await daemon.state.ledger.markComplete({ id: 'bench', since: new Date().toISOString(), how: 'fresh' });
  const plan = await daemon.reconciler.planFull();
  const now = new Date().toISOString();
  for (const a of plan.actions) {
    if (a.kind === 'adopt' && a.desired && a.hubspotUserId && a.oktaUserId) {
      await daemon.state.ledger.upsert({ hubspotUserId: a.hubspotUserId, oktaUserId: a.oktaUserId, email: a.desired.email, how: 'adopted', managedSince: now, lastApplied: appliedValuesFrom(a.desired) });
    }
  }
}

function oktaRequests(rig: BenchRig): number {
  return Object.values(rig.okta.requestCounts()).reduce((n, c) => n + c, 0);
}

async function inSyncReconciliation(): Promise<BenchResult> {
  const seed = generatedSeed(INSYNC_USERS);
  const rig = await startBenchRig(seed);
  try {
    const daemon = daemonFor(rig, { workers: true });
    await prefillInSync(rig, daemon, seed.people);
    await daemon.start();
    rig.okta.clearRequests();
    rig.hubspot.clearLog();
    const started = Date.now();
    const record = await daemon.jobs.reconcileNow('manual');
    const wallMs = Date.now() - started;
    await daemon.stop();
    const okta = oktaRequests(rig);
    const hubspot = rig.hubspot.counts();
    const floor = Math.ceil(INSYNC_USERS / 500) + Math.ceil(INSYNC_USERS / 100);
    return {
      name: `reconcile ${INSYNC_USERS.toLocaleString('en-US')} in-sync users`,
      figures: [
        { label: 'wall time', value: wallMs, unit: 'ms' },
        { label: 'Okta requests', value: okta, unit: 'req', target: Math.ceil(INSYNC_USERS / 500) + 5 },
        { label: 'HubSpot requests', value: hubspot.total, unit: 'req', target: Math.ceil(INSYNC_USERS / 100) + 5 },
        { label: 'API requests vs floor ceil(N/500)+ceil(N/100)', value: (okta + hubspot.total) / floor, unit: '×' },
        { label: 'HubSpot writes', value: hubspot.mutating, unit: 'req', target: 1 },
      ],
      notes: [
        `plan: ${record.summary.inSync} in sync, ${record.summary.create + record.summary.update + record.summary.delete + record.summary.adopt} changes; HubSpot requests by route: ${JSON.stringify(hubspot.byRoute)}`,
        `Okta requests by route: ${JSON.stringify(rig.okta.requestCounts())}`,
      ],
    };
  } finally {
    await rig.stop();
  }
}

async function provisioning(): Promise<BenchResult> {
  const seed = generatedSeed(PROVISION_USERS);
  const rig = await startBenchRig(seed, {
    hubspot: { rateLimit: { perTenSeconds: RATE } },
    daemon: { hubspot: { requestsPerWindow: RATE, windowMs: 10_000 } },
  });
  try {
    const daemon = daemonFor(rig, { workers: true });
    await daemon.state.ledger.markComplete({ id: 'bench', since: new Date().toISOString(), how: 'fresh' });
    await daemon.start();
    const started = Date.now();
    const record = await daemon.jobs.reconcileNow('manual');
    const wallMs = Date.now() - started;
    await daemon.stop();
    const counts = rig.hubspot.counts();
    const floorS = PROVISION_USERS / (RATE / 10);
    return {
      name: `provision ${PROVISION_USERS.toLocaleString('en-US')} new users at ${RATE} req/10 s`,
      figures: [
        { label: 'wall time', value: wallMs / 1000, unit: 's' },
        { label: `floor N/(R/10)`, value: floorS, unit: 's' },
        { label: 'time vs floor', value: wallMs / 1000 / floorS, unit: '×' },
        { label: '429 answers', value: counts.byStatus['429'] ?? 0, unit: 'req', target: 1 },
        { label: 'HubSpot requests per user', value: counts.total / PROVISION_USERS, unit: 'req' },
      ],
      notes: [
        `created ${record.outcome?.applied.create ?? 0}, failures ${record.outcome?.failures.length ?? 0}; HubSpot requests by route: ${JSON.stringify(counts.byRoute)}`,
        'a user the ledger does not know is created without an email lookup (a 409 re-plans with the lookup, so a retried create adopts instead of duplicating): 1 request per new user',
      ],
    };
  } finally {
    await rig.stop();
  }
}

async function changeLatency(): Promise<BenchResult> {
  const seed = generatedSeed(200);
  const rig = await startBenchRig(seed, { env: { SYNC_POLL_INTERVAL_SECONDS: String(LATENCY_POLL_SECONDS) } });
  try {
    const daemon = daemonFor(rig, { poller: true, workers: true });
    await prefillInSync(rig, daemon, seed.people);
    await daemon.start();
    // The first poll starts from now and queues a reconciliation; wait for both.
    for (let i = 0; i < 200 && !(await daemon.state.cursor.get()); i++) {
      await sleep(100);
    }
    for (let i = 0; i < 300 && (await daemon.state.plans.latest())?.status !== 'done'; i++) {
      await sleep(100);
    }
    const roleId = new Map(rig.hubspot.admin.roles().map((r) => [r.name, r.id]));
    const pending = new Map<string, { since: number; role: string }>();
    const latencies: number[] = [];
    const watcher = (async () => {
      while (latencies.length < LATENCY_CHANGES) {
        for (const [email, p] of pending) {
          if (rig.hubspot.admin.user(email)?.roleIds[0] === p.role) {
            latencies.push(Date.now() - p.since);
            pending.delete(email);
          }
        }
        await sleep(20);
      }
    })();
    const people = seed.people.filter((p) => p.title !== 'Sales Manager').slice(0, LATENCY_CHANGES);
    for (const p of people) {
      rig.okta.admin.updateProfile(p.login, { title: 'Sales Manager' });
      pending.set(p.email, { since: Date.now(), role: roleId.get('Sales Manager') ?? '' });
      await sleep(250);
    }
    await Promise.race([watcher, sleep(120_000)]);
    await daemon.stop();
    return {
      name: `Okta change → HubSpot write, ${LATENCY_CHANGES} changes`,
      figures: [
        { label: 'p50', value: percentile(latencies, 50) / 1000, unit: 's' },
        { label: 'p95', value: percentile(latencies, 95) / 1000, unit: 's' },
        { label: 'changes seen', value: latencies.length, unit: '' },
      ],
      notes: [`System Log polled every ${LATENCY_POLL_SECONDS} s (SYNC_POLL_INTERVAL_SECONDS), debounce ${daemon.config.daemon.jobs.debounceMs} ms; one change every 250 ms`],
    };
  } finally {
    await rig.stop();
  }
}

async function memory(): Promise<BenchResult> {
  const rig = await startBenchRig(generatedSeed(MEMORY_USERS));
  try {
    const saved = { ...process.env };
    Object.assign(process.env, rig.env);
    let m: { durationMs: number; baselineRssMb: number; peakRssMb: number; maxRssMb: number; actions: number };
    try {
      m = (await runInChild(__filename, 'pipeline-measure', [])) as typeof m;
    } finally {
      for (const key of Object.keys(rig.env)) {
        if (saved[key] === undefined) {
          delete process.env[key];
        } else {
          process.env[key] = saved[key];
        }
      }
    }
    return {
      name: `reconciliation of ${MEMORY_USERS.toLocaleString('en-US')} assignments (plan, dry run)`,
      figures: [
        { label: 'peak RSS of the daemon process', value: m.peakRssMb, unit: 'MB' },
        { label: 'RSS growth while reconciling', value: m.peakRssMb - m.baselineRssMb, unit: 'MB' },
        { label: 'list + plan + store', value: m.durationMs / 1000, unit: 's' },
      ],
      notes: [`${m.actions} actions planned (all creates: HubSpot starts empty), stored in chunks as they are planned; simulators run in the parent process`],
    };
  } finally {
    await rig.stop();
  }
}

/**
 * The pipeline's speed targets, against both simulators and a real Redis: a reconciliation of
 * in-sync users (request counts against the paging floor), provisioning under a HubSpot rate
 * budget (time against the budget's floor, 429s), Okta-change-to-HubSpot latency, and the
 * memory peak of a 100,000-assignment reconciliation.
 */
export async function run(): Promise<BenchResult[]> {
  const only = (process.env.BENCH_PIPELINE_CASES ?? 'insync,provision,latency,memory').split(',');
  const cases: Array<[string, () => Promise<BenchResult>]> = [
    ['insync', inSyncReconciliation],
    ['provision', provisioning],
    ['latency', changeLatency],
    ['memory', memory],
  ];
  const results: BenchResult[] = [];
  for (const [name, fn] of cases) {
    if (only.includes(name)) {
      results.push(await fn());
    }
  }
  return results;
}
