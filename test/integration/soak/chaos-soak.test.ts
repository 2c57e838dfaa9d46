import { writeFileSync } from 'node:fs';
import { formatFigures, runSoak, type SoakReport } from '../../soak/soak-run';

/**
 * The short chaos soak run by `npm test` (`npm run soak` runs the long one): 200 Okta users, a
 * change every 250 ms for 30 s, HubSpot 5xx/429/latency faults, a `worker` child process killed
 * with SIGKILL twice, the Redis data deleted once while everything runs, two replicas. Then one
 * reconciliation, and HubSpot must be exactly what Okta calls for, with no secret anywhere.
 * The kills come before the data loss: a reconciliation killed mid-run (the one a data loss asks
 * for, say) waits out BullMQ's job lock and stalled check (up to a minute) before another process
 * takes it over, which the long soak meets but this one has no time for.
 */

let report: SoakReport;

beforeAll(async () => {
  report = await runSoak({
    users: 200,
    changeMs: 30_000,
    changesPerSecond: 4,
    workerProcesses: 1,
    workerCommand: 'source',
    killEveryMs: 7_000,
    maxKills: 2,
    dataLossAtMs: 18_000,
    seed: 20261128,
    convergeTimeoutMs: 120_000,
    progress: process.env.SOAK_PROGRESS ? (line) => process.stderr.write(`soak: ${line}\n`) : undefined,
  });
  if (process.env.SOAK_PROGRESS) {
    process.stderr.write(`${formatFigures(report.figures).join('\n')}\n`);
  }
  if (process.env.SOAK_LOGS) {
    writeFileSync(process.env.SOAK_LOGS, `${report.logs.join('\n')}\n`);
  }
}, 400_000);

it('converges to exactly what Okta calls for, with nothing written to hands-off users and no deletion Okta did not ask for', () => {
  expect(report.breaches).toEqual([]);
  expect(report.figures.hubspotUsersAtEnd).toBe(report.figures.expectedUsersAtEnd);
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
