import Redis from 'ioredis';
import { createActionApplier } from '../../../src/apply/action-applier';
import { createState, type State } from '../../../src/state/state';
import type { DesiredUser, PlanAction } from '../../../src/sync/types';
import { startHubSpotRig, type HubSpotTestRig } from '../../helpers/hubspot-sim';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';
import { rules } from '../../unit/sync/fixtures';

let rig: HubSpotTestRig;
let redis: Redis;
let state: State;
const prefix = uniquePrefix('applier');

beforeAll(async () => {
  rig = await startHubSpotRig();
  redis = new Redis(testRedisUrl());
  state = createState(redis, prefix, { auditMaxEntries: 100, plansKept: 3 });
  await state.ledger.markComplete({ id: 'test', since: new Date().toISOString(), how: 'fresh' });
});

afterAll(async () => {
  await rig.stop();
  redis.disconnect();
  await removeKeys(prefix);
});

function createAction(oktaUserId: string, desired: Omit<DesiredUser, 'oktaUserId' | 'roleName' | 'roleReason' | 'primaryTeamId'>): PlanAction {
  return {
    kind: 'create',
    code: 'new-assignment',
    reason: `${desired.email}: assigned in Okta`,
    email: desired.email,
    oktaUserId,
    hubspotUserId: null,
    changes: [],
    desired: { ...desired, oktaUserId, roleName: 'Sales Rep', roleReason: 'exact title match', primaryTeamId: null },
  };
}

describe('the action applier, in named seat mode, against the HubSpot simulator', () => {
  const applier = () => createActionApplier({ hubspot: rig.client({ seatsMode: 'named' }), state, rules: rules({ seats: { mode: 'named' } }) });

  it('adopts an email that already exists (409) without writing seats it already has', async () => {
    rig.sim.admin.createUser({ email: 'dana@acme.example', firstName: 'Dana', lastName: 'Diaz', roleId: '2002', seatNames: ['Core'] });
    const action = createAction('o-dana', { email: 'dana@acme.example', firstName: 'Dana', lastName: 'Diaz', roleId: '2002', seatNames: ['Core'] });
    const report = await applier().apply([action], { jobId: null, countDeletions: false, entryBefore: null });
    const id = rig.sim.admin.user('dana@acme.example')?.id;
    expect(report.applied).toEqual([expect.objectContaining({ kind: 'adopt', hubspotUserId: id })]);
    expect(rig.sim.writesTo('dana@acme.example').map((w) => `${w.method} ${w.status}`)).toEqual(['POST 409']);
    expect(await state.ledger.get('o-dana')).toMatchObject({ hubspotUserId: id, how: 'adopted' });
  });

  it('writes the seats when the existing user holds others', async () => {
    rig.sim.admin.createUser({ email: 'eve@acme.example', firstName: 'Eve', lastName: 'Ekberg', roleId: '2002', seatNames: [] });
    const action = createAction('o-eve', { email: 'eve@acme.example', firstName: 'Eve', lastName: 'Ekberg', roleId: '2002', seatNames: ['Core'] });
    await applier().apply([action], { jobId: null, countDeletions: false, entryBefore: null });
    expect(rig.sim.writesTo('eve@acme.example').map((w) => `${w.method} ${w.status}`)).toEqual(['POST 409', 'PUT 200']);
    expect(rig.sim.admin.user('eve@acme.example')?.seatNames).toEqual(['Core']);
  });
});
