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

/**
 * Plans 100,000 Okta users against 10,000 HubSpot users and a ledger of 10,000, once per pricing
 * model with the role from the Title, and once with the rules reading group and attribute
 * sources (app attribute, 20 groups, a profile attribute, then the Title; teams from groups),
 * each in a fresh process so the memory peak belongs to the planner. Targets: under 1 s and
 * under 200 MB. The sources case comes right after the Title-only one it is compared with.
 */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const measured = new Map<string, Measured>();
  for (const scenario of ['role', 'sources', 'named'] as const) {
    const m = (await runInChild(__filename, 'plan-measure', [scenario])) as Measured;
    measured.set(scenario, m);
    const s = m.summary;
    const titleOnly = scenario === 'sources' ? measured.get('role') : undefined;
    results.push({
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
        `RSS before planning ${m.rssBeforeMb.toFixed(0)} MB (process peak until then ${m.maxRssBeforeMb.toFixed(0)} MB); the 1 s target is wall time`,
        ...(titleOnly
          ? [
              `side by side with the Title-only case: first run ${m.coldMs.toFixed(0)} ms vs ${titleOnly.coldMs.toFixed(0)} ms, warm median ${m.warmMedianMs.toFixed(0)} ms vs ${titleOnly.warmMedianMs.toFixed(0)} ms, peak RSS growth ${m.peakRssDeltaMb.toFixed(0)} MB vs ${titleOnly.peakRssDeltaMb.toFixed(0)} MB, heap held ${m.heapRetainedMb.toFixed(0)} MB vs ${titleOnly.heapRetainedMb.toFixed(0)} MB`,
            ]
          : []),
      ],
    });
  }
  return results;
}
