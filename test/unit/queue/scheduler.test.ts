import { silentLogger } from '../../../src/lib/logger';
import { createScheduler } from '../../../src/queue/scheduler';

it('ticks poll slots aligned to the interval and keeps ticking when a handler fails; stop ends the ticks', async () => {
  const slots: number[] = [];
  let failed = false;
  const scheduler = createScheduler({
    pollIntervalSeconds: 1,
    reconcileCron: '0 0 1 1 *',
    reconcile: false,
    logger: silentLogger(),
    handlers: {
      poll: async (slot) => {
        slots.push(slot);
        if (!failed) {
          failed = true;
          throw new Error('Redis is down');
        }
      },
      reconcile: async () => undefined,
    },
  });
  scheduler.start();
  while (slots.length < 2) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await scheduler.stop();
  const seen = slots.length;
  await new Promise((r) => setTimeout(r, 1500));
  expect(slots.length).toBe(seen);
  expect(slots.every((s) => s % 1000 === 0)).toBe(true);
  expect(new Set(slots).size).toBe(slots.length);
});
