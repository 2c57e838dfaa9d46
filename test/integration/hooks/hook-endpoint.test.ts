import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { silentLogger } from '../../../src/lib/logger';
import type { OktaLogEvent } from '../../../src/okta/okta-types';
import type { HookRequestOutcome } from '../../../src/server/hook-metrics';
import { createOktaHookRouter } from '../../../src/server/okta-hook-endpoint';

/**
 * The endpoint on its own, over HTTP: it answers before the work is done (a slow handler does not
 * slow the answer), refuses deliveries while too many events wait, and hands on only events with
 * a uuid and a type.
 */

const SECRET = 'Bearer endpoint-test-secret-0123456789abcdef';
let server: Server;
let url = '';
let overloaded = false;
const outcomes: HookRequestOutcome[] = [];
const handed: OktaLogEvent[][] = [];

beforeAll(async () => {
  const app = express();
  app.use(
    createOktaHookRouter({
      secret: SECRET,
      maxBodyBytes: 1024 * 1024,
      logger: silentLogger(),
      onRequest: (o) => outcomes.push(o),
      onEvents: async (events) => {
        handed.push(events);
        await new Promise((r) => setTimeout(r, 2_000));
      },
      overloaded: () => overloaded,
    }),
  );
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/okta`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const delivery = (events: unknown[]) => JSON.stringify({ eventType: 'com.okta.event_hook', eventId: 'e-1', data: { events } });
const event = (uuid: string) => ({ uuid, published: new Date().toISOString(), eventType: 'user.account.update_profile', outcome: { result: 'SUCCESS' }, target: [{ id: '00u1', type: 'User' }] });

test('a delivery is answered 204 well within 100 ms although acting on it takes 2 s', async () => {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { Authorization: SECRET, 'Content-Type': 'application/json' }, body: delivery([event('u-1'), event('u-2')]) });
  const ms = performance.now() - t0;
  expect(res.status).toBe(204);
  expect(await res.text()).toBe('');
  expect(ms).toBeLessThan(100);
  await new Promise((r) => setTimeout(r, 20));
  expect(handed.at(-1)?.map((e) => e.uuid)).toEqual(['u-1', 'u-2']);
});

test('events without a uuid or a type are left out; a delivery of none of them hands on nothing', async () => {
  const before = handed.length;
  const res = await fetch(url, { method: 'POST', headers: { Authorization: SECRET }, body: delivery([{ eventType: 'user.lifecycle.create' }, { uuid: 'x' }, 'text', 7]) });
  expect(res.status).toBe(204);
  await new Promise((r) => setTimeout(r, 20));
  expect(handed.length).toBe(before);
});

test('while too many events wait, deliveries get 503 and a metric; verification still works', async () => {
  overloaded = true;
  try {
    const res = await fetch(url, { method: 'POST', headers: { Authorization: SECRET }, body: delivery([event('u-3')]) });
    expect(res.status).toBe(503);
    expect(outcomes.at(-1)).toBe('busy');
    const verify = await fetch(url, { headers: { Authorization: SECRET, 'X-OKTA-VERIFICATION-CHALLENGE': 'v' } });
    expect(await verify.json()).toEqual({ verification: 'v' });
  } finally {
    overloaded = false;
  }
});
