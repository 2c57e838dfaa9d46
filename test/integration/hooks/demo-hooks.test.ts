import { runDemo, type RunningDemo } from '../../../simulators/demo/run-demo';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';
import { eventually } from '../pipeline/pipeline-rig';

/** The demo runs with the event hook by default: the simulated Okta verifies it and pushes the scripted changes. */

let demo: RunningDemo;
const prefix = uniquePrefix('demo-hooks');
const printed: string[] = [];

beforeAll(async () => {
  demo = await runDemo({ port: 0, changeEveryMs: 0, redisUrl: testRedisUrl(), queuePrefix: prefix, logFormat: 'json', logLevel: 'error', print: (l) => printed.push(l) });
});

afterAll(async () => {
  await demo.stop();
  await removeKeys(prefix);
});

test('the hook is installed and verified at start, and a scripted change arrives by push', async () => {
  expect(printed.some((l) => l.includes('Okta event hook installed and verified'))).toBe(true);
  expect(demo.daemon.config.env.SYNC_POLL_INTERVAL_SECONDS).toBe(30);
  expect((await demo.daemon.state.hookStatus.get()).lastVerifiedAt).not.toBeNull();
  demo.nextStep();
  const status = await eventually(async () => {
    const s = await demo.daemon.state.hookStatus.get();
    return s.deliveries > 0 ? s : undefined;
  }, 'a delivery from the simulated Okta', 10_000);
  expect(status.eventsReceived).toBeGreaterThan(0);
});
