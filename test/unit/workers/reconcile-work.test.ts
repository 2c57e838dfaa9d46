import { noteWork, type WorkItem } from '../../../workers/reconcile.worker';
import type { PlanAction } from '../../../src/sync/types';

function action(kind: PlanAction['kind'], oktaUserId: string | null, extra: Record<string, unknown> = {}): PlanAction {
  // Only the fields work shaping reads (kind, user, ledger), not a whole action of each kind.
  return { kind, code: 'drift', reason: 'r', email: null, oktaUserId, hubspotUserId: null, ...extra } as PlanAction;
}

function shape(actions: PlanAction[]): Map<string, WorkItem> {
  const work = new Map<string, WorkItem>();
  actions.forEach((a) => noteWork(work, a));
  return work;
}

describe('noteWork', () => {
  it('makes one job per Okta user, marks users with a deletion and leaves pure reports out', () => {
    const work = shape([
      action('create', '00u1', { pairId: 'p' }),
      action('delete', '00u1', { pairId: 'p' }),
      action('update', '00u2'),
      action('skip', '00u3'),
      action('skip', '00u4', { ledger: { remove: true } }),
      action('delete', null),
    ]);
    expect([...work.keys()]).toEqual(['00u1', '00u2', '00u4']);
    expect(work.get('00u1')?.deletes).toBe(true);
    expect(work.get('00u2')?.deletes).toBe(false);
  });

  it('says the email is in HubSpot for every user but one the plan only creates', () => {
    const work = shape([action('create', '00u1'), action('adopt', '00u2'), action('create', '00u3'), action('delete', '00u3', { pairId: 'p' })]);
    expect(work.get('00u1')?.emailInHubSpot).toBe(false);
    expect(work.get('00u2')?.emailInHubSpot).toBe(true);
    expect(work.get('00u3')?.emailInHubSpot).toBe(true);
  });
});
