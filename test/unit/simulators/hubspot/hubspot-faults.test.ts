import { createFaults } from '../../../../simulators/hubspot/hubspot-faults';

test('an outage lasts its duration and ends by itself; reset ends it at once', () => {
  let now = 5_000;
  const { faults } = createFaults(Math.random, () => now);
  faults.outage(15_000);
  expect(faults.activeOutage()).toEqual({ answer: 'unavailable', until: 20_000 });
  now = 19_999;
  expect(faults.activeOutage()?.answer).toBe('unavailable');
  now = 20_000;
  expect(faults.activeOutage()).toBeNull();
  faults.outage(1_000, 'unauthenticated');
  faults.reset();
  expect(faults.activeOutage()).toBeNull();
});

test('a burst of N consecutive 5xx answers with HubSpot error bodies, then normal service', () => {
  const control = createFaults();
  control.faults.fail5xxNext(2);
  const served = [control.take('GET', '/settings/v3/users'), control.take('POST', '/settings/v3/users'), control.take('GET', '/settings/v3/users')];
  expect(served.map((f) => (f?.kind === 'answer' ? f.answer.status : null))).toEqual([503, 503, null]);
  expect(served[0]).toMatchObject({ answer: { body: { status: 'error', category: 'INTERNAL_ERROR' } } });
});
