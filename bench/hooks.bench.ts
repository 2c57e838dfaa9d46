import { createDaemon, type Daemon } from '../src/daemon/daemon';
import { silentLogger } from '../src/lib/logger';
import { createOktaEventHookClient } from '../src/okta/okta-event-hooks';
import { generatedSeed } from '../simulators/seeds/generated';
import type { BenchResult } from './bench-types';
import { percentile, startBenchRig, type BenchRig } from './pipeline-rig';

/**
 * Okta change → HubSpot write with the Okta event hook vs the System Log poll alone at its default
 * interval (side by side, one run), and the Okta requests an idle daemon makes per hour in each
 * mode. Run alone with `npm run bench -- hooks`. Sizes: BENCH_HOOK_CHANGES (50), BENCH_IDLE_SECONDS (240).
 */

const CHANGES = Number(process.env.BENCH_HOOK_CHANGES ?? 50);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 240);
const CHANGE_EVERY_MS = 250;
const SECRET = `Bearer bench-${'0123456789abcdef'.repeat(3)}`;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Mode {
  name: string;
  hooks: boolean;
}

async function startMode(mode: Mode): Promise<{ rig: BenchRig; daemon: Daemon; seed: ReturnType<typeof generatedSeed> }> {
  const seed = generatedSeed(200);
  // No SYNC_POLL_INTERVAL_SECONDS: each mode polls at its default (15 s, or 60 s with the hook).
  const rig = await startBenchRig(seed, { env: mode.hooks ? { OKTA_EVENT_HOOK_SECRET: SECRET } : {} });
  const daemon = createDaemon(rig.config(), { roles: { poller: true, workers: true, server: true }, logger: silentLogger() });
  await daemon.state.ledger.markComplete({ id: 'bench', since: new Date().toISOString(), how: 'fresh' });
  await daemon.start();
  const record = await daemon.jobs.reconcileNow('manual');
  if (record.status !== 'done') {
    throw new Error(`${mode.name}: the first reconciliation ended ${record.status}`);
  }
  // The first poll finds no cursor, reads from now on and queues a reconciliation.
  await daemon.producers.poll(1);
  for (let i = 0; i < 200 && !(await daemon.state.cursor.get()); i++) {
    await sleep(50);
  }
  for (let i = 0; i < 300 && (await daemon.state.plans.latest())?.status !== 'done'; i++) {
    await sleep(100);
  }
  if (mode.hooks) {
    const url = `${daemon.hookAddress()!.url}/hooks/okta`;
    await createOktaEventHookClient({ orgUrl: rig.env.OKTA_ORG_URL ?? '', token: rig.okta.token }).install({ url, secret: SECRET });
  }
  return { rig, daemon, seed };
}

async function latency(ctx: Awaited<ReturnType<typeof startMode>>): Promise<{ latencies: number[] }> {
  const { rig, seed } = ctx;
  const roleId = new Map(rig.hubspot.admin.roles().map((r) => [r.name, r.id]));
  const pending = new Map<string, { since: number; role: string }>();
  const latencies: number[] = [];
  const watcher = (async () => {
    while (latencies.length < CHANGES) {
      for (const [email, p] of pending) {
        if (rig.hubspot.admin.user(email)?.roleIds[0] === p.role) {
          latencies.push(Date.now() - p.since);
          pending.delete(email);
        }
      }
      await sleep(10);
    }
  })();
  const people = seed.people.filter((p) => p.title !== 'Sales Manager').slice(0, CHANGES);
  for (const p of people) {
    rig.okta.admin.updateProfile(p.login, { title: 'Sales Manager' });
    pending.set(p.email, { since: Date.now(), role: roleId.get('Sales Manager') ?? '' });
    await sleep(CHANGE_EVERY_MS);
  }
  await Promise.race([watcher, sleep(120_000)]);
  return { latencies };
}

function oktaRequests(rig: BenchRig): number {
  return Object.values(rig.okta.requestCounts()).reduce((n, c) => n + c, 0);
}

export async function run(): Promise<BenchResult[]> {
  const modes: Mode[] = [
    { name: 'hooks on', hooks: true },
    { name: 'polling only', hooks: false },
  ];
  const started = await Promise.all(modes.map((m) => startMode(m)));
  try {
    const results: BenchResult[] = [];
    // One mode at a time for latency (they would share the CPU), then both idle together.
    const measured: Array<{ latencies: number[] }> = [];
    for (const s of started) {
      measured.push(await latency(s));
    }
    await sleep(2_000);
    started.forEach((s) => s.rig.okta.clearRequests());
    await sleep(IDLE_SECONDS * 1000);
    const idle = started.map((s) => oktaRequests(s.rig));
    for (const [i, mode] of modes.entries()) {
      const { latencies } = measured[i]!;
      const ctx = started[i]!;
      const interval = ctx.daemon.config.env.SYNC_POLL_INTERVAL_SECONDS;
      results.push({
        name: `${mode.name}: Okta change → HubSpot write, ${CHANGES} changes`,
        figures: [
          { label: 'p50', value: percentile(latencies, 50) / 1000, unit: 's' },
          { label: 'p95', value: percentile(latencies, 95) / 1000, unit: 's', ...(mode.hooks ? { target: 1 } : {}) },
          { label: 'changes seen', value: latencies.length, unit: '' },
          { label: 'Okta requests per hour, idle', value: Math.round(((idle[i] ?? 0) * 3600) / IDLE_SECONDS), unit: 'req/h' },
        ],
        notes: [
          `poll every ${interval} s (the default ${mode.hooks ? 'with a hook' : 'without one'}), debounce ${mode.hooks ? `${ctx.daemon.config.daemon.hooks.debounceMs} ms (hook)` : `${ctx.daemon.config.daemon.jobs.debounceMs} ms`}; one change every ${CHANGE_EVERY_MS} ms; idle requests counted over ${IDLE_SECONDS} s`,
          ...(mode.hooks ? [`hook deliveries ${(await ctx.daemon.state.hookStatus.get()).deliveries}, events the poll found that the hook missed ${(await ctx.daemon.state.hookStatus.get()).missedByHook}`] : []),
        ],
      });
    }
    return results;
  } finally {
    for (const s of started) {
      await s.daemon.stop();
      await s.rig.stop();
    }
  }
}
