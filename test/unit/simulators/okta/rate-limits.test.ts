import { createRateLimiter } from '../../../../simulators/okta/rate-limits';

test('each category has its own per-minute budget, reset at the next minute', () => {
  let now = Date.parse('2030-01-01T00:00:30Z');
  const rl = createRateLimiter({ logs: 2 }, () => now);
  expect(rl.take('logs')).toEqual({ allowed: true, limit: 2, remaining: 1, reset: Date.parse('2030-01-01T00:01:00Z') / 1000 });
  expect(rl.take('logs').remaining).toBe(0);
  expect(rl.take('logs')).toMatchObject({ allowed: false, remaining: 0 });
  expect(rl.take('apps')).toMatchObject({ allowed: true, limit: 100, remaining: 99 });
  now += 30_000;
  expect(rl.take('logs')).toMatchObject({ allowed: true, remaining: 1 });
});

test('limits can be turned off', () => {
  const rl = createRateLimiter(false, () => 0);
  for (let i = 0; i < 1000; i++) {
    expect(rl.take('apps').allowed).toBe(true);
  }
});
