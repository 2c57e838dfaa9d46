import { createFaults, routeMatches } from '../../../../simulators/okta/faults';

test('route patterns: template, method + template, or a RegExp on the path', () => {
  expect(routeMatches(undefined, 'GET', '/api/v1/logs', '/api/v1/logs?limit=1')).toBe(true);
  expect(routeMatches('/api/v1/logs', 'GET', '/api/v1/logs', '/api/v1/logs')).toBe(true);
  expect(routeMatches('/api/v1/logs', 'GET', '/api/v1/users', '/api/v1/users')).toBe(false);
  expect(routeMatches('POST /api/v1/logs', 'GET', '/api/v1/logs', '/api/v1/logs')).toBe(false);
  expect(routeMatches('GET /api/v1/logs', 'GET', '/api/v1/logs', '/api/v1/logs')).toBe(true);
  expect(routeMatches(/after=/, 'GET', '/api/v1/logs', '/api/v1/logs?after=1_2')).toBe(true);
});

test('queued failures are served once each, in order, to matching requests only', () => {
  const f = createFaults();
  f.fail429Next(1, { route: '/api/v1/logs', resetInSeconds: 5 });
  f.failNext(503);
  f.badAnswerNext('html-200');
  expect(f.decide('GET', '/api/v1/users', '/api/v1/users').action).toEqual({ kind: 'status', status: 503 });
  expect(f.decide('GET', '/api/v1/logs', '/api/v1/logs').action).toEqual({ kind: '429', resetInSeconds: 5 });
  expect(f.decide('GET', '/api/v1/logs', '/api/v1/logs').action).toEqual({ kind: 'bad', bad: 'html-200' });
  expect(f.decide('GET', '/api/v1/logs', '/api/v1/logs').action).toBeNull();
  expect(f.pending()).toBe(0);
});

test('random 5xx follow the rate and repeat for the same seed', () => {
  const run = () => {
    const f = createFaults(42);
    f.set({ errorRate5xx: 0.25, latencyMs: [10, 20] });
    return Array.from({ length: 400 }, () => f.decide('GET', '/x', '/x'));
  };
  const a = run();
  expect(a).toEqual(run());
  const failures = a.filter((d) => d.action !== null).length;
  expect(failures).toBeGreaterThan(60);
  expect(failures).toBeLessThan(140);
  expect(a.every((d) => d.latencyMs >= 10 && d.latencyMs <= 20)).toBe(true);
});

test('reset removes every fault', () => {
  const f = createFaults();
  f.set({ errorRate5xx: 1, fail429Next: 2 });
  f.reset();
  expect(f.decide('GET', '/x', '/x')).toEqual({ latencyMs: 0, action: null });
});

test('an outage answers every request for its duration (503, 401 or no answer), then ends by itself', () => {
  let now = 1_000_000;
  const f = createFaults(1, () => now);
  f.outage(20_000, 'unauthenticated');
  expect(f.decide('GET', '/api/v1/apps/{appId}', '/api/v1/apps/x').action).toEqual({ kind: 'status', status: 401 });
  now += 19_999;
  expect(f.decide('GET', '/api/v1/logs', '/api/v1/logs').action).toEqual({ kind: 'status', status: 401 });
  now += 1;
  expect(f.decide('GET', '/api/v1/logs', '/api/v1/logs').action).toBeNull();
  f.set({ outage: { forMs: 5_000 } });
  expect(f.decide('GET', '/api/v1/logs', '/api/v1/logs').action).toEqual({ kind: 'status', status: 503 });
  f.outage(5_000, 'timeout');
  now += 1_000;
  expect(f.decide('GET', '/api/v1/logs', '/api/v1/logs')).toEqual({ latencyMs: 4_000, action: { kind: 'bad', bad: 'drop-connection' } });
  f.reset();
  expect(f.activeOutage()).toBeNull();
});

test('a burst of N consecutive 5xx answers', () => {
  const f = createFaults();
  f.set({ fail5xxNext: 3, status5xx: 502 });
  const served = Array.from({ length: 4 }, () => f.decide('GET', '/api/v1/logs', '/api/v1/logs').action);
  expect(served).toEqual([{ kind: 'status', status: 502 }, { kind: 'status', status: 502 }, { kind: 'status', status: 502 }, null]);
});
