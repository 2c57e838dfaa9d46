import { updateFromChanges } from '../../../src/apply/action-applier';
import { groupWork } from '../../../workers/reconcile.worker';
import type { PlanAction } from '../../../src/sync/types';

function action(kind: PlanAction['kind'], oktaUserId: string | null, extra: Partial<PlanAction> = {}): PlanAction {
  return { kind, code: 'drift', reason: 'r', email: null, oktaUserId, hubspotUserId: null, ...extra };
}

describe('groupWork', () => {
  it('makes one job per Okta user, keeps email-change pairs together and leaves pure reports out', () => {
    const work = groupWork([
      action('create', '00u1', { pairId: 'p' }),
      action('delete', '00u1', { pairId: 'p' }),
      action('update', '00u2'),
      action('skip', '00u3'),
      action('skip', '00u4', { ledger: { remove: true } }),
      action('delete', null),
    ]);
    expect([...work.keys()]).toEqual(['00u1', '00u2', '00u4']);
    expect(work.get('00u1')?.map((a) => a.kind)).toEqual(['create', 'delete']);
  });
});

describe('updateFromChanges', () => {
  it('writes only the changed fields, and null removes a role', () => {
    expect(
      updateFromChanges([
        { field: 'roleId', before: '2002', after: null },
        { field: 'firstName', before: 'A', after: 'Ada' },
        { field: 'seatNames', before: [], after: ['Core'] },
      ]),
    ).toEqual({ roleId: null, firstName: 'Ada', seatNames: ['Core'] });
    expect(updateFromChanges([])).toEqual({});
  });
});
