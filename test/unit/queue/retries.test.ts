import { RateLimitError, UnrecoverableError } from 'bullmq';
import { OutageError, PermanentError, RateLimitedError, TransientError } from '../../../src/lib/errors';
import { failedForGood, toJobError } from '../../../src/queue/retries';

function ctx(attemptsStarted = 1) {
  const paused: number[] = [];
  return {
    paused,
    value: {
      job: { attemptsStarted },
      queue: { rateLimit: async (ms: number) => void paused.push(ms) },
      who: 'ann@example.com',
      maxRateLimitedStarts: 3,
    },
  };
}

describe('toJobError', () => {
  it('pauses the queue for the time HubSpot asked and does not use up an attempt on a 429', async () => {
    const c = ctx();
    const out = await toJobError(new RateLimitedError('429', { code: 'HUBSPOT_429', retryAfterMs: 2500 }), c.value);
    expect(out).toBeInstanceOf(RateLimitError);
    expect(c.paused).toEqual([2500]);
  });

  it('fails with a reason once a job was pushed back too often', async () => {
    const c = ctx(4);
    const out = await toJobError(new RateLimitedError('429', { code: 'HUBSPOT_429', retryAfterMs: 10 }), c.value);
    expect(out).toBeInstanceOf(UnrecoverableError);
    expect(out.message).toMatch(/ann@example.com: still rate limited after 4 starts/);
    expect(c.paused).toEqual([]);
  });

  it('opens the breaker on an outage and never fails the job for it, however often it was pushed back', async () => {
    const c = ctx(1000);
    const reported: string[] = [];
    const outages = { report: async (e: OutageError) => (reported.push(`${e.api}:${e.kind}`), { open: true, pauseMs: 2000 }), waitMs: async () => 0 };
    const out = await toJobError(new OutageError('HubSpot listUsers: HubSpot rejected the token (HTTP 401)', { api: 'hubspot', kind: 'token-rejected', code: 'HUBSPOT_INVALID_AUTHENTICATION', status: 401 }), { ...c.value, outages });
    expect(out).toBeInstanceOf(RateLimitError);
    expect(reported).toEqual(['hubspot:token-rejected']);
    expect(c.paused).toEqual([2000]);
  });

  it('retries a one-off 5xx as usual when the breaker finds the API answering (no pause)', async () => {
    const c = ctx(1);
    const outages = { report: async () => ({ open: false, pauseMs: 0 }), waitMs: async () => 0 };
    const stray = new OutageError('HubSpot getUser for user 1: HubSpot answered 503', { api: 'hubspot', kind: 'unavailable', code: 'HUBSPOT_503', status: 503 });
    expect(await toJobError(stray, { ...c.value, outages })).toBe(stray);
    expect(c.paused).toEqual([]);
  });

  it('decides "failed for good" in one place: unrecoverable, or out of attempts', () => {
    expect(failedForGood({ attemptsMade: 1, opts: { attempts: 8 } }, new UnrecoverableError('x'))).toBe(true);
    expect(failedForGood({ attemptsMade: 8, opts: { attempts: 8 } }, new Error('x'))).toBe(true);
    expect(failedForGood({ attemptsMade: 3, opts: { attempts: 8 } }, new Error('x'))).toBe(false);
  });

  it('fails at once, naming the user, on a permanent error', async () => {
    const out = await toJobError(new PermanentError('firstName is longer than 100 characters', { code: 'BAD_DATA' }), ctx().value);
    expect(out).toBeInstanceOf(UnrecoverableError);
    expect(out.message).toBe('ann@example.com: firstName is longer than 100 characters');
  });

  it('names the user in the reason of a transient error on the last attempt, the one that fails the job for good', async () => {
    const transient = new TransientError('HubSpot getUser for user 1000015 failed (502)', { code: 'HUBSPOT_502' });
    const c = ctx();
    expect(await toJobError(transient, { ...c.value, job: { attemptsStarted: 3, attemptsMade: 1, opts: { attempts: 3 } } })).toBe(transient);
    const last = await toJobError(transient, { ...c.value, job: { attemptsStarted: 3, attemptsMade: 2, opts: { attempts: 3 } } });
    expect(last).not.toBeInstanceOf(UnrecoverableError);
    expect(last.message).toBe('ann@example.com: HubSpot getUser for user 1000015 failed (502)');
  });

  it('retries transient and unknown errors', async () => {
    const transient = new TransientError('503', { code: 'HUBSPOT_503' });
    expect(await toJobError(transient, ctx().value)).toBe(transient);
    const unknown = await toJobError('boom', ctx().value);
    expect(unknown).toBeInstanceOf(Error);
    expect(unknown).not.toBeInstanceOf(UnrecoverableError);
  });
});
