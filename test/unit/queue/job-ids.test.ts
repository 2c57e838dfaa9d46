import fc from 'fast-check';
import { jobId, slotStart, userDedupId } from '../../../src/queue/job-ids';
import { pollCronExpression } from '../../../src/queue/scheduler';

describe('jobId', () => {
  it('never contains ":" and is never all digits, whatever the parts', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.array(fc.oneof(fc.string(), fc.integer())), (kind, parts) => {
        const id = jobId(kind.trim() === '' ? 'k' : kind, ...parts);
        expect(id).not.toContain(':');
        expect(/^\d+$/.test(id)).toBe(false);
      }),
    );
  });

  it('is deterministic, so duplicates collapse', () => {
    expect(jobId('reconcile', 1700000000000)).toBe('reconcile-1700000000000');
    expect(jobId('r', 'plan-1', '00u1')).toBe(jobId('r', 'plan-1', '00u1'));
    expect(userDedupId('00uABC')).toBe('user-00uABC');
  });

  it('makes an all-digit id acceptable to BullMQ', () => {
    expect(jobId('123')).toBe('j123');
  });
});

describe('slots', () => {
  it('gives every moment of a slot the same start', () => {
    expect(slotStart(new Date(15_999), 5_000)).toBe(15_000);
    expect(slotStart(10_000, 5_000)).toBe(10_000);
  });

  it('turns a poll interval into a node-cron expression', () => {
    expect(pollCronExpression(15)).toBe('*/15 * * * * *');
    expect(pollCronExpression(120)).toBe('0 */2 * * * *');
  });
});
