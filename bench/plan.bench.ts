import type { BenchResult } from './bench-types';
import { runInChild } from './child-process';
import { LARGE } from './plan-population';

interface Measured {
  scenario: string;
  sizes: { okta: number; hubspot: number; ledger: number };
  coldMs: number;
  coldCpuMs: number;
  warmMedianMs: number;
  warmBestMs: number;
  rssBeforeMb: number;
  maxRssBeforeMb: number;
  peakRssDeltaMb: number;
  heapRetainedMb: number;
  jsonMb: number;
  renderMs: number;
  summary: Record<string, number>;
}

const CASE = { role: 'role seats (Title only)', named: 'named seats (Title only)', sources: 'role seats, role and teams from group and attribute sources' } as const;
type Scenario = keyof typeof CASE;

/** Fresh processes per case: a first run is one sample, and these machines are shared and noisy. */
const PROCESSES = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The median of each figure over the processes of one case (the summary and sizes are the same in each). */
function medianOf(runs: readonly Measured[]): Measured {
  const first = runs[0] as Measured;
  const m = (pick: (r: Measured) => number) => median(runs.map(pick));
  return {
    ...first,
    coldMs: m((r) => r.coldMs),
    coldCpuMs: m((r) => r.coldCpuMs),
    warmMedianMs: m((r) => r.warmMedianMs),
    warmBestMs: m((r) => r.warmBestMs),
    rssBeforeMb: m((r) => r.rssBeforeMb),
    maxRssBeforeMb: m((r) => r.maxRssBeforeMb),
    peakRssDeltaMb: m((r) => r.peakRssDeltaMb),
    heapRetainedMb: m((r) => r.heapRetainedMb),
    renderMs: m((r) => r.renderMs),
  };
}

function range(runs: readonly Measured[], pick: (r: Measured) => number): string {
  const values = runs.map(pick);
  return `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
}

/**
 * Plans 100,000 Okta users against 10,000 HubSpot users and a ledger of 10,000, once per pricing
 * model with the role from the Title, and once with the rules reading group and attribute
 * sources (app attribute, 20 groups, a profile attribute, then the Title; teams from groups).
 * Each case runs in three fresh processes, taken in turn (role, sources, named, role, …) so
 * that the cases share the machine's moods, and each figure is the median over them; the
 * memory peak of a process belongs to the planner. Targets: under 1 s and under 200 MB.
 */
export async function run(): Promise<BenchResult[]> {
  const order: Scenario[] = ['role', 'sources', 'named'];
  const runs = new Map<Scenario, Measured[]>(order.map((s) => [s, []]));
  for (let i = 0; i < PROCESSES; i++) {
    for (const scenario of order) {
      runs.get(scenario)?.push((await runInChild(__filename, 'plan-measure', [scenario])) as Measured);
    }
  }
  const measured = new Map(order.map((s) => [s, medianOf(runs.get(s) ?? [])]));
  return order.map((scenario): BenchResult => {
    const m = measured.get(scenario) as Measured;
    const all = runs.get(scenario) ?? [];
    const s = m.summary;
    const titleOnly = scenario === 'sources' ? measured.get('role') : undefined;
    return {
      name: `${m.sizes.okta / 1000}k Okta × ${m.sizes.hubspot / 1000}k HubSpot, ${CASE[scenario]}`,
      figures: [
        { label: 'plan, first run (wall)', value: m.coldMs, unit: 'ms', target: 1000 },
        { label: 'plan, first run (CPU, all threads incl. parallel GC)', value: m.coldCpuMs, unit: 'ms' },
        { label: 'plan, warm (median of 5)', value: m.warmMedianMs, unit: 'ms', target: 1000 },
        { label: 'plan, warm (best of 5)', value: m.warmBestMs, unit: 'ms', target: 1000 },
        { label: 'per Okta user (first run)', value: (m.coldMs * 1000) / m.sizes.okta, unit: 'µs' },
        { label: 'peak RSS growth while planning', value: m.peakRssDeltaMb, unit: 'MB', target: 200 },
        { label: 'heap held by the finished plan', value: m.heapRetainedMb, unit: 'MB', target: 200 },
        { label: 'plan JSON', value: m.jsonMb, unit: 'MB' },
        { label: 'renderPlanTable', value: m.renderMs, unit: 'ms' },
      ],
      notes: [
        `ledger ${m.sizes.ledger}; managed ${LARGE.managed}, leavers ${LARGE.leavers}, deleted by hand ${LARGE.vanished}, adoptable ${LARGE.adoptable}, agency ${LARGE.agency}`,
        `summary: ${Object.entries(s).map(([k, v]) => `${k} ${v}`).join(', ')}`,
        `medians of ${all.length} fresh processes; first run ${range(all, (r) => r.coldMs)} ms, warm median ${range(all, (r) => r.warmMedianMs)} ms, peak RSS growth ${range(all, (r) => r.peakRssDeltaMb)} MB`,
        `RSS before planning ${m.rssBeforeMb.toFixed(0)} MB (process peak until then ${m.maxRssBeforeMb.toFixed(0)} MB); the 1 s target is wall time`,
        ...(titleOnly
          ? [
              `side by side with the Title-only case: first run ${m.coldMs.toFixed(0)} ms vs ${titleOnly.coldMs.toFixed(0)} ms, warm median ${m.warmMedianMs.toFixed(0)} ms vs ${titleOnly.warmMedianMs.toFixed(0)} ms, peak RSS growth ${m.peakRssDeltaMb.toFixed(0)} MB vs ${titleOnly.peakRssDeltaMb.toFixed(0)} MB, heap held ${m.heapRetainedMb.toFixed(0)} MB vs ${titleOnly.heapRetainedMb.toFixed(0)} MB`,
            ]
          : []),
      ],
    };
  });
}
