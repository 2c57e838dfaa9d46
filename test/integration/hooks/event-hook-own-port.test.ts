import { PassThrough } from 'node:stream';
import { Client } from '@okta/okta-sdk-nodejs';
import { loadConfig } from '../../../config/load';
import { createDaemon, type Daemon } from '../../../src/daemon/daemon';
import { createLogger } from '../../../src/lib/logger';
import { OKTA_HOOK_EVENT_TYPES } from '../../../src/okta/hook-events';
import { freeLocalPort } from '../../helpers/redis';
import { eventually, startPipelineRig, type PipelineRig } from '../pipeline/pipeline-rig';
import { HOOK_SECRET } from './hook-rig';

/**
 * With HOOK_PORT the hook has a listener of its own that serves /hooks/okta and nothing else,
 * while the ops server answers 404 there; and whatever requests the endpoint gets, the secret
 * never reaches the log (the logger here redacts nothing, so a leak would show).
 */

let rig: PipelineRig;
let daemon: Daemon;
let hookPort: number;
const lines: string[] = [];

beforeAll(async () => {
  hookPort = await freeLocalPort();
  rig = await startPipelineRig({ env: { OKTA_EVENT_HOOK_SECRET: HOOK_SECRET, HOOK_PORT: String(hookPort), LOG_LEVEL: 'debug' } });
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== '')));
  daemon = createDaemon(loadConfig(rig.env), { roles: { server: true, workers: true, poller: true }, logger: createLogger({ level: 'debug', format: 'json', stream }) });
  await daemon.start();
  await daemon.jobs.reconcileNow('manual');
});

afterAll(async () => {
  await daemon.stop();
  await rig.stop();
});

test('the hook listens on HOOK_PORT only; the ops server answers 404 for it, and the hook port serves nothing else', async () => {
  const hook = daemon.hookAddress()!;
  const ops = daemon.opsAddress()!;
  expect(hook.port).toBe(hookPort);
  expect(hook.port).not.toBe(ops.port);
  const challenge = { Authorization: HOOK_SECRET, 'x-okta-verification-challenge': 'c-1' };
  expect((await fetch(`${ops.url}/hooks/okta`, { headers: challenge })).status).toBe(404);
  for (const path of ['/healthz', '/metrics', '/', '/api/status', '/admin/queues']) {
    expect((await fetch(`${hook.url}${path}`)).status).toBe(404);
  }
  const answer = await fetch(`${hook.url}/hooks/okta`, { headers: challenge });
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ verification: 'c-1' });
});

test('Okta verifies and delivers to the hook port; a change reaches HubSpot', async () => {
  const sdk = new Client({ orgUrl: rig.okta.url, token: rig.okta.sim.token, cacheMiddleware: null });
  sdk.http.agent = undefined;
  const created = await sdk.eventHookApi.createEventHook({
    eventHook: {
      name: 'okta-hubspot-sync',
      events: { type: 'EVENT_TYPE', items: [...OKTA_HOOK_EVENT_TYPES] },
      channel: { type: 'HTTP', version: '1.0.0', config: { uri: `${daemon.hookAddress()!.url}/hooks/okta`, headers: [], authScheme: { type: 'HEADER', key: 'Authorization', value: HOOK_SECRET } } },
    },
  });
  expect((await sdk.eventHookApi.verifyEventHook({ eventHookId: created.id! })).verificationStatus).toBe('VERIFIED');
  const user = rig.okta.sim.admin.listAssigned().find((u) => u.status === 'ACTIVE')!;
  rig.okta.sim.admin.updateProfile(user.id, { lastName: 'Ownport' });
  await eventually(() => rig.hubspot.sim.admin.users().some((u) => u.email.toLowerCase() === (user.profile.email ?? '').toLowerCase() && u.lastName === 'Ownport'), 'the change in HubSpot', 10_000);
});

test('refused requests are logged without the secret or the header value sent', async () => {
  const url = `${daemon.hookAddress()!.url}/hooks/okta`;
  const wrong = `${HOOK_SECRET.slice(0, -4)}nope`;
  expect((await fetch(url, { method: 'POST', headers: { Authorization: wrong }, body: '{}' })).status).toBe(401);
  expect((await fetch(url, { method: 'POST', headers: { Authorization: HOOK_SECRET }, body: 'not json' })).status).toBe(400);
  await eventually(() => lines.filter((l) => l.includes('Okta event hook request refused')).length >= 2, 'the refusals in the log');
  const secretPart = HOOK_SECRET.replace(/^Bearer /, '');
  expect(lines.filter((l) => l.includes(secretPart) || l.includes(wrong.replace(/^Bearer /, '')))).toEqual([]);
});
