import { createActionApplier } from '../../../src/apply/action-applier';
import type { DesiredUser, PlanAction } from '../../../src/sync/types';
import { useApplierRig } from '../../helpers/applier-rig';
import { rules } from '../../unit/sync/fixtures';

const t = useApplierRig('applier');

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
  const applier = () => createActionApplier({ hubspot: t.rig.client({ seatsMode: 'named' }), state: t.state, rules: rules({ seats: { mode: 'named' } }) });

  it('adopts an email that already exists (409) without writing seats it already has', async () => {
    t.rig.sim.admin.createUser({ email: 'dana@acme.example', firstName: 'Dana', lastName: 'Diaz', roleId: '2002', seatNames: ['Core'] });
    const action = createAction('o-dana', { email: 'dana@acme.example', firstName: 'Dana', lastName: 'Diaz', roleId: '2002', seatNames: ['Core'] });
    const report = await applier().apply([action], { jobId: null, countDeletions: false, entryBefore: null });
    const id = t.rig.sim.admin.user('dana@acme.example')?.id;
    expect(report.applied).toEqual([expect.objectContaining({ kind: 'adopt', hubspotUserId: id })]);
    expect(t.rig.sim.writesTo('dana@acme.example').map((w) => `${w.method} ${w.status}`)).toEqual(['POST 409']);
    expect(await t.state.ledger.get('o-dana')).toMatchObject({ hubspotUserId: id, how: 'adopted' });
  });

  it('writes the seats when the existing user holds others', async () => {
    t.rig.sim.admin.createUser({ email: 'eve@acme.example', firstName: 'Eve', lastName: 'Ekberg', roleId: '2002', seatNames: [] });
    const action = createAction('o-eve', { email: 'eve@acme.example', firstName: 'Eve', lastName: 'Ekberg', roleId: '2002', seatNames: ['Core'] });
    await applier().apply([action], { jobId: null, countDeletions: false, entryBefore: null });
    expect(t.rig.sim.writesTo('eve@acme.example').map((w) => `${w.method} ${w.status}`)).toEqual(['POST 409', 'PUT 200']);
    expect(t.rig.sim.admin.user('eve@acme.example')?.seatNames).toEqual(['Core']);
  });
});
