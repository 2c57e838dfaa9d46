import { loadConfig } from '../config/load';
import { createDaemon } from '../src/daemon/daemon';
import { silentLogger } from '../src/lib/logger';

/**
 * Child process of `pipeline.bench.ts`: plans one full reconciliation (dry run) against the
 * simulators named in the environment and prints its peak memory as JSON. Runs alone in its
 * process so the peak is the daemon's, not the simulators'.
 */
async function main(): Promise<void> {
  const daemon = createDaemon(loadConfig(process.env), { roles: {}, dryRun: true, logger: silentLogger() });
  await daemon.state.ledger.markComplete({ id: 'bench', since: new Date().toISOString(), how: 'fresh' });
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = Date.now();
  const record = await daemon.reconciler.dryRun({ actions: false });
  const durationMs = Date.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = (n: number) => n / (1024 * 1024);
  const result = {
    durationMs,
    baselineRssMb: mb(baseline),
    peakRssMb: mb(peak),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    actions: record.summary.create + record.summary.update + record.summary.delete + record.summary.adopt + record.summary.skip,
    summary: record.summary,
  };
  await daemon.stop();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
