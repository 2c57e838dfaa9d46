import { performance } from 'node:perf_hooks';
import { planSync } from '../src/sync/planner';
import { renderPlanTable } from '../src/sync/plan-render';
import { LARGE, buildPopulation, buildSourcesPopulation } from './plan-population';

/**
 * Child-process entry for plan.bench: builds the population, collects garbage, then plans it once
 * cold (wall and CPU time, peak RSS growth over the RSS just before, heap still held by the plan
 * after a collection) and five times warm. Prints one JSON line.
 */

const MB = 1024 * 1024;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

function main(): void {
  const scenario = process.argv[2] === 'named' ? 'named' : process.argv[2] === 'sources' ? 'sources' : 'role';
  const input = scenario === 'sources' ? buildSourcesPopulation(LARGE) : buildPopulation(LARGE, scenario);
  collect();
  const before = process.memoryUsage();
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const plan = planSync(input);
  const coldMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  collect();
  const after = process.memoryUsage();
  const json = JSON.stringify(plan);
  const r0 = performance.now();
  renderPlanTable(plan);
  const renderMs = performance.now() - r0;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    collect();
    const s = performance.now();
    planSync(input);
    warm.push(performance.now() - s);
  }
  warm.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      scenario,
      sizes: { okta: input.candidates.length, hubspot: input.hubspotUsers.length, ledger: input.ledger.length },
      coldMs,
      coldCpuMs: (cpu.user + cpu.system) / 1000,
      warmMedianMs: warm[2] ?? coldMs,
      warmBestMs: warm[0] ?? coldMs,
      rssBeforeMb: before.rss / MB,
      maxRssBeforeMb: maxRssBefore / MB,
      peakRssDeltaMb: (maxRssAfter - before.rss) / MB,
      heapRetainedMb: (after.heapUsed - before.heapUsed) / MB,
      jsonMb: Buffer.byteLength(json) / MB,
      renderMs,
      summary: plan.summary,
    }),
  );
}

main();
