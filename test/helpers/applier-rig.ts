import Redis from 'ioredis';
import { createState, type State } from '../../src/state/state';
import { startHubSpotRig, type HubSpotTestRig } from './hubspot-sim';
import { removeKeys, testRedisUrl, uniquePrefix } from './redis';

/** The simulated HubSpot and the daemon's Redis state (ledger complete) for one test file, stopped and removed after it. */
export function useApplierRig(name: string): { readonly rig: HubSpotTestRig; readonly state: State } {
  const prefix = uniquePrefix(name);
  let rig: HubSpotTestRig | undefined;
  let redis: Redis | undefined;
  let state: State | undefined;
  beforeAll(async () => {
    rig = await startHubSpotRig();
    redis = new Redis(testRedisUrl());
    state = createState(redis, prefix, { auditMaxEntries: 100, plansKept: 3 });
    await state.ledger.markComplete({ id: 'test', since: new Date().toISOString(), how: 'fresh' });
  });
  afterAll(async () => {
    await rig?.stop();
    redis?.disconnect();
    await removeKeys(prefix);
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) {
      throw new Error('the applier rig did not start (see beforeAll)');
    }
    return v;
  };
  return {
    get rig() {
      return started(rig);
    },
    get state() {
      return started(state);
    },
  };
}
