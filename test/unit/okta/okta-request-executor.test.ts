import { createRateLimitGate } from '../../../src/okta/okta-request-executor';

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });

test('a bucket closes when Remaining reaches 0 and opens at the reset', () => {
  let now = Date.parse('2030-01-01T00:00:40Z');
  const gate = createRateLimitGate(() => now);
  const reset = String(Date.parse('2030-01-01T00:01:00Z') / 1000);
  gate.observe('apps', 200, headers({ 'x-rate-limit-remaining': '3', 'x-rate-limit-reset': reset, date: 'Tue, 01 Jan 2030 00:00:40 GMT' }));
  expect(gate.waitFor('apps')).toBe(0);
  gate.observe('apps', 200, headers({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset, date: 'Tue, 01 Jan 2030 00:00:40 GMT' }));
  expect(gate.waitFor('apps')).toBe(21_000);
  expect(gate.waitFor('users')).toBe(0);
  now += 21_000;
  expect(gate.waitFor('apps')).toBe(0);
});

test('a 429 closes the bucket even when Remaining is missing', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  const gate = createRateLimitGate(() => now);
  gate.observe('logs', 429, headers({ 'x-rate-limit-reset': String(now / 1000 + 2) }));
  expect(gate.waitFor('logs')).toBe(3000);
});
