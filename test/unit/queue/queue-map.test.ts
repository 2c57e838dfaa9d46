import type { JobData, JobName } from '../../../src/queue/queue-map';
import type { Queues } from '../../../src/queue/queues';

/**
 * Compile-time checks (tsc runs over test/): a job name or payload that does not match the queue
 * map must not compile. Each `@ts-expect-error` fails the type check if the line compiles.
 */
function typeChecks(queues: Queues): void {
  void queues.enqueue('sync-user', 'sync-user', { oktaUserId: '00u1', trigger: 'event' });
  void queues.enqueue('reconcile-summary', 'reconcile-gate', { planId: 'p' });
  // @ts-expect-error a reconcile payload on the sync-user queue
  void queues.enqueue('sync-user', 'sync-user', { trigger: 'cron', slot: 1, waitIfBusy: false });
  // @ts-expect-error a job name the queue does not have
  void queues.enqueue('okta-poll', 'reconcile', { slot: 1 });
  // @ts-expect-error a payload missing a required field
  void queues.enqueue('okta-poll', 'okta-poll', {});
}

describe('queue map', () => {
  it('pairs each queue with its job names', () => {
    const names: Array<JobName<'reconcile-summary'>> = ['reconcile-summary', 'reconcile-gate'];
    const data: JobData<'okta-poll', 'okta-poll'> = { slot: 5 };
    expect(names).toHaveLength(2);
    expect(data.slot).toBe(5);
    expect(typeof typeChecks).toBe('function');
  });
});
