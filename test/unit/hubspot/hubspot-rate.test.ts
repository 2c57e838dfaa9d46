import { DAILY_RESET_MARGIN_MS, msUntilNextLocalMidnight, parseRateHeaders, rateLimitPolicy, retryAfterMs } from '../../../src/hubspot/hubspot-rate';

describe('parseRateHeaders', () => {
  test('reads HubSpot headers in any case', () => {
    const state = parseRateHeaders(
      {
        'x-hubspot-ratelimit-max': '190',
        'X-HubSpot-RateLimit-Remaining': '12',
        'x-hubspot-ratelimit-interval-milliseconds': ['10000'],
        'x-hubspot-ratelimit-daily-remaining': '999',
      },
      42,
    );
    expect(state).toEqual({ max: 190, remaining: 12, intervalMs: 10_000, dailyRemaining: 999, at: 42 });
  });

  test('is null for an answer without rate headers, and ignores non-numbers', () => {
    expect(parseRateHeaders({ 'content-type': 'text/html' }, 1)).toBeNull();
    expect(parseRateHeaders({ 'x-hubspot-ratelimit-max': 'lots', 'x-hubspot-ratelimit-remaining': '3' }, 1)).toMatchObject({ max: null, remaining: 3 });
  });
});

describe('rateLimitPolicy', () => {
  test('the body policyName decides', () => {
    expect(rateLimitPolicy({ policyName: 'DAILY' }, {})).toBe('DAILY');
    expect(rateLimitPolicy({ policyName: 'TEN_SECONDLY_ROLLING' }, { 'x-hubspot-ratelimit-daily-remaining': '0' })).toBe('TEN_SECONDLY_ROLLING');
  });

  test('without a policy name: the message, then a spent daily budget', () => {
    expect(rateLimitPolicy({ message: 'You have reached your daily limit.' }, {})).toBe('DAILY');
    expect(rateLimitPolicy({ message: 'You have reached your secondly limit.' }, {})).toBe('SECONDLY');
    expect(rateLimitPolicy({ message: 'You have reached your ten_secondly_rolling limit.' }, {})).toBe('TEN_SECONDLY_ROLLING');
    expect(rateLimitPolicy('<html>', { 'X-HubSpot-RateLimit-Daily-Remaining': '0' })).toBe('DAILY');
    expect(rateLimitPolicy(undefined, {})).toBe('TEN_SECONDLY_ROLLING');
  });
});

describe('retryAfterMs', () => {
  const now = new Date(2026, 5, 10, 18, 30, 0);

  test('10-second window: the interval the headers name, else 10 s', () => {
    expect(retryAfterMs('TEN_SECONDLY_ROLLING', { 'x-hubspot-ratelimit-interval-milliseconds': '1000' }, now)).toBe(1000);
    expect(retryAfterMs('TEN_SECONDLY_ROLLING', {}, now)).toBe(10_000);
    expect(retryAfterMs('SECONDLY', {}, now)).toBe(1000);
  });

  test('daily: until local midnight plus a margin', () => {
    expect(retryAfterMs('DAILY', {}, now)).toBe(5.5 * 3600_000 + DAILY_RESET_MARGIN_MS);
  });

  test('a Retry-After header wins (seconds or a date)', () => {
    expect(retryAfterMs('DAILY', { 'retry-after': '7' }, now)).toBe(7000);
    expect(retryAfterMs('TEN_SECONDLY_ROLLING', { 'Retry-After': new Date(now.getTime() + 3000).toUTCString() }, now)).toBe(3000);
  });
});

test('msUntilNextLocalMidnight is within one day and lands on midnight', () => {
  for (const d of [new Date(2026, 0, 1, 0, 0, 0), new Date(2026, 5, 30, 23, 59, 59, 500), new Date(2026, 11, 31, 12)]) {
    const ms = msUntilNextLocalMidnight(d);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(25 * 3600_000);
    const at = new Date(d.getTime() + ms);
    expect([at.getHours(), at.getMinutes(), at.getSeconds(), at.getMilliseconds()]).toEqual([0, 0, 0, 0]);
  }
});
