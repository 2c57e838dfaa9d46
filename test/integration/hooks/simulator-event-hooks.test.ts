import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@okta/okta-sdk-nodejs';
import { rawGet, startOktaRig, type OktaTestRig } from '../../helpers/okta-sim';
import { oktaSpecValidator } from '../../helpers/okta-spec';

/**
 * The simulated Okta's event hooks through the real SDK's eventHookApi: Okta's shapes and
 * lifecycle, verification, and deliveries (auth header, batches, retries, faults) to a plain
 * HTTP receiver.
 */

interface Received {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let rig: OktaTestRig;
let receiver: http.Server;
let receiverUrl = '';
const received: Received[] = [];
/** What the receiver answers to POSTs (status per call, in order; then 204). */
let answers: number[] = [];
let holdMs = 0;

beforeAll(async () => {
  rig = await startOktaRig({ eventHooks: { timeoutMs: 300, batchWindowMs: 20 } });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', headers: req.headers, body });
      const challenge = req.headers['x-okta-verification-challenge'];
      const reply = () => {
        if (req.method === 'GET' && typeof challenge === 'string') {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ verification: challenge }));
          return;
        }
        res.writeHead(answers.shift() ?? 204).end();
      };
      if (holdMs > 0) {
        setTimeout(reply, holdMs);
      } else {
        reply();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/okta`;
});

afterAll(async () => {
  await rig.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(async () => {
  received.length = 0;
  answers = [];
  holdMs = 0;
  rig.sim.eventHooks.setFaults({});
  for (const h of await listHooks()) {
    await sdk().eventHookApi.deactivateEventHook({ eventHookId: String(h.id) });
    await sdk().eventHookApi.deleteEventHook({ eventHookId: String(h.id) });
  }
});

function sdk(): Client {
  const client = new Client({ orgUrl: rig.url, token: rig.sim.token, cacheMiddleware: null });
  client.http.agent = undefined;
  return client;
}

async function listHooks(): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const collection = await sdk().eventHookApi.listEventHooks();
  await collection.each((h) => {
    out.push(h as unknown as Record<string, unknown>);
  });
  return out;
}

function createHook(events: string[] = ['user.account.update_profile', 'user.lifecycle.suspend'], uri = receiverUrl) {
  return sdk().eventHookApi.createEventHook({
    eventHook: {
      name: 'test hook',
      events: { type: 'EVENT_TYPE', items: events },
      channel: { type: 'HTTP', version: '1.0.0', config: { uri, headers: [{ key: 'X-Extra', value: 'extra' }], authScheme: { type: 'HEADER', key: 'Authorization', value: 'Bearer hook-secret' } } },
    },
  });
}

const posts = () => received.filter((r) => r.method === 'POST');
const eventsOf = (r: Received) => (JSON.parse(r.body) as { data: { events: Array<{ uuid: string; eventType: string; published: string }> } }).data.events;

test('create answers ACTIVE and UNVERIFIED without the secret; get, list and replace use the same shape', async () => {
  const hook = await createHook();
  expect(hook.status).toBe('ACTIVE');
  expect(hook.verificationStatus).toBe('UNVERIFIED');
  expect(hook.channel.config.authScheme?.key).toBe('Authorization');
  expect(hook.channel.config.authScheme?.value).toBeUndefined();
  expect(hook.channel.config.method).toBe('POST');
  expect(hook.id).toMatch(/^who[0-9A-Za-z]{17}$/);
  const got = await sdk().eventHookApi.getEventHook({ eventHookId: hook.id! });
  expect(got.name).toBe('test hook');
  expect((await listHooks()).map((h) => h.id)).toEqual([hook.id]);
  await sdk().eventHookApi.verifyEventHook({ eventHookId: hook.id! });
  const replaced = await sdk().eventHookApi.replaceEventHook({ eventHookId: hook.id!, eventHook: { ...got, name: 'renamed', channel: { ...got.channel, config: { ...got.channel.config, uri: `${receiverUrl}?v=2` } } } });
  expect(replaced.name).toBe('renamed');
  expect(replaced.verificationStatus).toBe('UNVERIFIED');
});

test('an event type that is not hook-eligible, a plain-http public URI or a missing name is refused with 400', async () => {
  await expect(createHook(['user.account.update_primary_email'])).rejects.toMatchObject({ status: 400 });
  await expect(createHook(['user.lifecycle.suspend'], 'http://example.com/hook')).rejects.toMatchObject({ status: 400 });
});

test('verification is one GET with the challenge and the auth header; an endpoint that does not answer fails it with 400 after one retry', async () => {
  const hook = await createHook();
  const verified = await sdk().eventHookApi.verifyEventHook({ eventHookId: hook.id! });
  expect(verified.verificationStatus).toBe('VERIFIED');
  expect(received).toHaveLength(1);
  expect(received[0]?.method).toBe('GET');
  expect(received[0]?.headers.authorization).toBe('Bearer hook-secret');
  expect(received[0]?.headers['x-extra']).toBe('extra');

  const bad = await createHook(['user.lifecycle.suspend'], `http://127.0.0.1:1/nothing-listens`);
  await expect(sdk().eventHookApi.verifyEventHook({ eventHookId: bad.id! })).rejects.toMatchObject({ status: 400 });
  expect(rig.sim.eventHooks.deliveries().filter((d) => d.hookId === bad.id).map((d) => d.attempt)).toEqual([1, 2]);
});

test('only ACTIVE and VERIFIED hooks receive events, in batches, with the auth header; deactivated ones stop', async () => {
  const hook = await createHook();
  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'Before verification' });
  await rig.sim.eventHooks.settle();
  expect(posts()).toHaveLength(0);

  await sdk().eventHookApi.verifyEventHook({ eventHookId: hook.id! });
  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'One' });
  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'Two' });
  rig.sim.admin.assign('ada.lovelace@acme.example'); // not subscribed
  await rig.sim.eventHooks.settle();
  expect(posts()).toHaveLength(1);
  const post = posts()[0]!;
  expect(post.headers.authorization).toBe('Bearer hook-secret');
  expect(post.headers['content-type']).toMatch(/application\/json/);
  const envelope = JSON.parse(post.body) as Record<string, unknown>;
  expect(envelope).toMatchObject({ eventType: 'com.okta.event_hook', eventTypeVersion: '1.0', cloudEventsVersion: '0.1', contentType: 'application/json' });
  expect(eventsOf(post).map((e) => e.eventType)).toEqual(['user.account.update_profile', 'user.account.update_profile']);

  await sdk().eventHookApi.deactivateEventHook({ eventHookId: hook.id! });
  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'Three' });
  await rig.sim.eventHooks.settle();
  expect(posts()).toHaveLength(1);
  await expect(sdk().eventHookApi.deleteEventHook({ eventHookId: hook.id! })).resolves.toBeUndefined();
});

test('an ACTIVE hook cannot be deleted', async () => {
  const hook = await createHook();
  await expect(sdk().eventHookApi.deleteEventHook({ eventHookId: hook.id! })).rejects.toMatchObject({ status: 400 });
});

test('one retry after a 5xx or a timeout, none after a 4xx; a failed delivery is written to the System Log', async () => {
  const hook = await createHook();
  await sdk().eventHookApi.verifyEventHook({ eventHookId: hook.id! });
  const failuresBefore = rig.sim.admin.events().filter((e) => e.eventType === 'event_hook.delivery').length;

  answers = [503, 204];
  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'Retry after 5xx' });
  await rig.sim.eventHooks.settle();
  expect(posts()).toHaveLength(2);
  expect(JSON.parse(posts()[0]!.body).eventId).toBe(JSON.parse(posts()[1]!.body).eventId);

  received.length = 0;
  answers = [401];
  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'No retry after 4xx' });
  await rig.sim.eventHooks.settle();
  expect(posts()).toHaveLength(1);

  received.length = 0;
  holdMs = 500; // longer than the 300 ms timeout of this simulator
  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'Timeout' });
  await rig.sim.eventHooks.settle();
  await new Promise((r) => setTimeout(r, 600));
  expect(posts()).toHaveLength(2);
  const failures = rig.sim.admin.events().filter((e) => e.eventType === 'event_hook.delivery');
  expect(failures.length - failuresBefore).toBe(2); // the 4xx and the two timeouts
  expect(failures.at(-1)).toMatchObject({ outcome: { result: 'FAILURE' }, target: [{ id: hook.id, type: 'EventHook' }] });
});

test('faults: a dropped delivery never arrives, a duplicated one arrives twice, reverse order sends newest first', async () => {
  const hook = await createHook();
  await sdk().eventHookApi.verifyEventHook({ eventHookId: hook.id! });

  rig.sim.eventHooks.setFaults({ dropNext: 2 });
  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'Lost' });
  await rig.sim.eventHooks.settle();
  expect(posts()).toHaveLength(0);

  rig.sim.eventHooks.setFaults({ duplicateNext: 1, reverseOrder: true });
  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'A' });
  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'B' });
  await rig.sim.eventHooks.settle();
  expect(posts()).toHaveLength(2);
  const [first, second] = posts().map(eventsOf);
  expect(first).toEqual(second);
  expect(Date.parse(first![0]!.published)).toBeGreaterThanOrEqual(Date.parse(first![1]!.published));
  expect(first![0]!.uuid).not.toBe(first![1]!.uuid);
});

test("hooks as the API answers them, and the events delivered, match Okta's published schemas", async () => {
  const validate = oktaSpecValidator();
  const hook = await createHook();
  await sdk().eventHookApi.verifyEventHook({ eventHookId: hook.id! });
  const one = await rawGet(rig, `/api/v1/eventHooks/${hook.id}`);
  expect(one.status).toBe(200);
  expect(validate('EventHook', one.body)).toEqual([]);
  const list = await rawGet(rig, '/api/v1/eventHooks');
  expect((list.body as unknown[]).flatMap((h) => validate('EventHook', h))).toEqual([]);
  expect(validate('EventHook', { name: 'x', events: { type: 'EVENT_TYPE', items: [] } })).not.toEqual([]);

  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'Schema' });
  await rig.sim.eventHooks.settle();
  const delivered = posts().flatMap(eventsOf);
  expect(delivered.length).toBeGreaterThan(0);
  expect(delivered.flatMap((e) => validate('LogEvent', e))).toEqual([]);
});

test('the admin API sets delivery faults, lists attempts and sends pending deliveries, for other processes', async () => {
  const hook = await createHook();
  await sdk().eventHookApi.verifyEventHook({ eventHookId: hook.id! });
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${rig.url}/__admin/eventHooks${path}`, { method, headers: { Authorization: `SSWS ${rig.sim.token}`, 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  expect(await (await admin('PUT', '/faults', { dropNext: 2 })).json()).toEqual({ dropNext: 2 });
  rig.sim.admin.updateProfile('ada.lovelace@acme.example', { title: 'Dropped over HTTP' });
  expect((await admin('POST', '/settle')).status).toBe(200);
  const attempts = (await (await admin('GET', '/deliveries')).json()) as Array<{ hookId: string; status: number }>;
  expect(attempts.filter((a) => a.hookId === hook.id).map((a) => a.status)).toEqual([200, -1, -1]);
  expect(posts()).toHaveLength(0);
  expect(await (await admin('DELETE', '/faults')).json()).toEqual({});
  expect((await (await admin('GET', '')).json()) as unknown[]).toHaveLength(1);
  expect((await fetch(`${rig.url}/__admin/eventHooks/faults`, { method: 'PUT', body: '{}' })).status).toBe(401);
});
