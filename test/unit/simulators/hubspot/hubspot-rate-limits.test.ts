import fc from 'fast-check';
import { createDailyCounter, createRateLimiter, createRollingWindow } from '../../../../simulators/hubspot/hubspot-rate-limits';

describe('rolling window', () => {
  test('admits `limit` per interval and frees a slot when the oldest request leaves', () => {
    const w = createRollingWindow(3, 10_000);
    expect([w.tryTake(0), w.tryTake(1000), w.tryTake(2000), w.tryTake(3000)]).toEqual([true, true, true, false]);
    expect(w.msUntilRoom(3000)).toBe(7000);
    expect(w.tryTake(9999)).toBe(false);
    expect(w.tryTake(10_000)).toBe(true);
    expect(w.used(10_000)).toBe(3);
  });

  test('a refused request does not use budget', () => {
    const w = createRollingWindow(1, 10_000);
    w.tryTake(0);
    for (let t = 1; t < 10_000; t += 1000) {
      w.tryTake(t);
    }
    expect(w.tryTake(10_000)).toBe(true);
  });

  test('never admits more than the limit in any interval (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 300 }), (limit, gaps) => {
        const interval = 10_000;
        const w = createRollingWindow(limit, interval);
        const admitted: number[] = [];
        let t = 0;
        for (const gap of gaps) {
          t += gap;
          if (w.tryTake(t)) {
            admitted.push(t);
          }
        }
        for (let i = 0; i + limit < admitted.length; i++) {
          expect((admitted[i + limit] ?? 0) - (admitted[i] ?? 0)).toBeGreaterThanOrEqual(interval);
        }
      }),
    );
  });
});

test('daily counter starts again at local midnight', () => {
  const d = createDailyCounter(2);
  const evening = new Date(2026, 5, 10, 23, 0).getTime();
  expect([d.tryTake(evening), d.tryTake(evening + 1), d.tryTake(evening + 2)]).toEqual([true, true, false]);
  expect(d.tryTake(new Date(2026, 5, 11, 0, 0, 0).getTime())).toBe(true);
});

test('limiter: daily budget first, headers on every decision, windows per token', () => {
  let now = new Date(2026, 5, 10, 12).getTime();
  const limiter = createRateLimiter({ perTenSeconds: 2, daily: 3 }, () => now);
  expect(limiter.admit('a')).toMatchObject({ ok: true, headers: { 'X-HubSpot-RateLimit-Remaining': '1', 'X-HubSpot-RateLimit-Daily-Remaining': '2' } });
  limiter.admit('a');
  expect(limiter.admit('a')).toMatchObject({ ok: false, policy: 'TEN_SECONDLY_ROLLING', headers: { 'X-HubSpot-RateLimit-Remaining': '0' } });
  expect(limiter.admit('b')).toMatchObject({ ok: true });
  now += 20_000;
  expect(limiter.admit('a')).toMatchObject({ ok: false, policy: 'DAILY', headers: { 'X-HubSpot-RateLimit-Daily-Remaining': '0' } });
  limiter.reset();
  expect(limiter.admit('a').ok).toBe(true);
});
