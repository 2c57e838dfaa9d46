import type { Daemon } from '../../../src/daemon/daemon';
import { generatedSeed } from '../../../simulators/seeds/generated';
import { startPipelineRig, type PipelineRig } from './pipeline-rig';

/**
 * Okta's apps endpoint has its tightest rate limit (100 requests a minute on most orgs): a
 * reconciliation must not ask it once per user, or provisioning crawls at Okta's pace.
 */
const APP_USER_ROUTE = 'GET /api/v1/apps/{appId}/users/{userId}';
const USERS = 250;

let rig: PipelineRig;
let daemon: Daemon;

beforeAll(async () => {
  rig = await startPipelineRig({ seed: generatedSeed(USERS) });
  daemon = rig.daemon({ roles: { workers: true } });
  await daemon.start();
});

afterAll(async () => {
  await rig.stop();
});

it('provisions a whole population without one assignment lookup per user, and still checks a user an event named since the listing', async () => {
  const [named] = rig.okta.sim.admin.listAssigned();
  expect(named).toBeDefined();
  // An event about this user is newer than any listing of this reconciliation.
  await daemon.state.userEvents.touch([named!.id], Date.now() + 60_000);
  rig.okta.sim.clearRequests();
  const record = await daemon.jobs.reconcileNow('manual');
  expect(record.status).toBe('done');
  expect(rig.hubspot.sim.admin.users().filter((u) => !u.superAdmin)).toHaveLength(USERS);
  // One lookup: the user the event named. Everyone else's assignment came from the listing.
  expect(rig.okta.sim.requestCounts()[APP_USER_ROUTE] ?? 0).toBe(1);
});
