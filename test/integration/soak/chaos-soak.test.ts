import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatFigures, runSoak, type SoakReport } from '../../soak/soak-run';

/**
 * The short chaos soak run by `npm test` (`npm run soak` runs the long one): 200 Okta users, a
 * change every 250 ms for 40 s, HubSpot 5xx/429/latency faults, a 12 s HubSpot outage (503s) and
 * 6 s of 401s, a `worker` child process killed with SIGKILL twice, the Redis data deleted once
 * while everything runs, two replicas, and 22 % of the managed users unassigned at once while 150
 * people are hired. The deletion guard runs at its defaults and an operator bot approves its holds
 * through the ops API, but the mass unassignment's only after a reconciliation that follows the
 * growth. Then one reconciliation, and HubSpot must be exactly what Okta calls for, nobody held
 * deleted before an approval, no job failed for good, and no secret anywhere.
 * The kills come before the data loss: a reconciliation killed mid-run (the one a data loss asks
 * for, say) waits out BullMQ's job lock and stalled check (up to a minute) before another process
 * takes it over, which the long soak meets but this one has no time for.
 *
 * The machine may be shared and slow: a run that only ran out of time (a phase not done within
 * its limit, and whatever followed from that) is written to test/artifacts/soak-breaches-*.txt
 * with its logs and run once more with the next seed. A safety breach (a deletion nobody
 * approved or Okta never asked for, a write to a hands-off user, a duplicate, a secret) fails at
 * once, whatever else happened.
 */

let report: SoakReport;

const run = (seed: number) =>
  runSoak({
    users: 200,
    changeMs: 40_000,
    changesPerSecond: 4,
    workerProcesses: 1,
    workerCommand: 'source',
    killEveryMs: 7_000,
    maxKills: 2,
    dataLossAtMs: 18_000,
    hubspotOutages: [
      { atMs: 2_000, forMs: 12_000, answer: 'unavailable' },
      { atMs: 22_000, forMs: 6_000, answer: 'unauthenticated' },
    ],
    ...(process.env.SOAK_HUBSPOT_ERROR_RATE ? { hubspotErrorRate: Number(process.env.SOAK_HUBSPOT_ERROR_RATE) } : {}),
    massUnassignment: { atMs: 31_000, share: 0.22, growth: 150, growthMs: 4_000 },
    seed,
    convergeTimeoutMs: 120_000,
    progress: process.env.SOAK_PROGRESS ? (line) => process.stderr.write(`soak: ${line}\n`) : undefined,
  });

/** Breaches that say a phase ran out of time (the rest of a slow run may follow from them). */
const OUT_OF_TIME = /within \d+ (ms|s)\b|timed out waiting/;
/** Breaches that no slowness explains. */
const SAFETY = /before the operator approved|which nobody had approved|before any approval|hands-off user|which Okta never asked for|exists \d+ times in HubSpot| found in /;

beforeAll(async () => {
  const seed = Number(process.env.SOAK_SEED ?? 20261128);
  report = await run(seed);
  if (report.breaches.length > 0) {
    const dir = path.resolve(__dirname, '..', '..', 'artifacts');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `soak-breaches-${Date.now()}.txt`);
    writeFileSync(file, `${report.breaches.join('\n')}\n\n${formatFigures(report.figures).join('\n')}\n`);
    writeFileSync(file.replace('soak-breaches-', 'soak-logs-'), `${report.logs.join('\n')}\n`);
    const outOfTime = report.breaches.some((b) => OUT_OF_TIME.test(b)) && !report.breaches.some((b) => SAFETY.test(b));
    process.stderr.write(
      `soak: the first run had ${report.breaches.length} breach(es), written to ${path.basename(file)}${outOfTime ? '; it ran out of time, so it runs once more with the next seed' : ''}\n${report.breaches.join('\n')}\n`,
    );
    if (outOfTime) {
      report = await run(seed + 1);
    }
  }
  if (process.env.SOAK_PROGRESS) {
    process.stderr.write(`${formatFigures(report.figures).join('\n')}\n`);
  }
  if (process.env.SOAK_LOGS) {
    writeFileSync(process.env.SOAK_LOGS, `${report.logs.join('\n')}\n`);
  }
}, 800_000);

it('converges to exactly what Okta calls for, with nothing written to hands-off users and no deletion Okta did not ask for', () => {
  expect(report.breaches).toEqual([]);
  expect(report.figures.hubspotUsersAtEnd).toBe(report.figures.expectedUsersAtEnd);
});

it('resumed after each HubSpot outage, failed no job for good, and kept the mass unassignment held until approved', () => {
  const f = report.figures;
  expect(f.outages.map((o) => o.answer)).toEqual(['unavailable', 'unauthenticated']);
  for (const o of f.outages) {
    expect(o.resumeMs).not.toBeNull();
  }
  expect(f.failedJobs).toBe(0);
  expect(f.mass).not.toBeNull();
  expect(f.mass?.heldByReconcile).toBeGreaterThan(0);
  // Only a user an earlier hold's approval still covered (back and gone again unseen) may be gone early.
  expect(f.mass?.inHubSpotAfterReconcile).toBeGreaterThanOrEqual((f.mass?.unassigned ?? 0) - (f.mass?.deletedOnEarlierApproval ?? 0));
  expect(f.mass?.deletedBeforeApproval).toBe(0);
  expect(f.mass?.approvedAfterMs).not.toBeNull();
  expect(f.operator.deletionsWithoutApproval).toBe(0);
  expect(f.operator.holdsApproved).toBeGreaterThan(0);
});

it('made the changes and met the faults it claims', () => {
  const f = report.figures;
  expect(f.changes).toBeGreaterThan(60);
  expect(f.workersKilled).toBeGreaterThanOrEqual(2);
  expect(f.hubspot5xx).toBeGreaterThan(0);
  expect(f.hubspot429).toBeGreaterThan(0);
  expect(f.dataLostAfterMs).toBeGreaterThan(0);
});

it('shows no token in any log line, page, API answer or metric', () => {
  expect(report.leaks).toEqual([]);
  expect(report.figures.scannedTexts).toBeGreaterThan(100);
});
