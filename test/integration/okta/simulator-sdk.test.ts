import { generateKeyPairSync } from 'node:crypto';
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { silentLogger } from '../../../src/lib/logger';
import { createOktaClient, OKTA_SCOPES } from '../../../src/okta/okta-client';
import { rawGet, rejectionOf, startOktaRig, type OktaTestRig } from '../../helpers/okta-sim';

/**
 * The real SDK, used directly, behaves against the simulator as it does against Okta: its own
 * 429 retry (which needs Date and X-Rate-Limit-Reset), OAuth private-key JWT mode, groups, user
 * search and filters, and the System Log collections.
 */

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256' };
const CLIENT_ID = '0oaserviceapp000001';

let rig: OktaTestRig;

beforeAll(async () => {
  rig = await startOktaRig({ oauth: { clientId: CLIENT_ID, publicKey: publicKey.export({ format: 'jwk' }) } });
});

afterAll(async () => {
  await rig.stop();
});

beforeEach(() => {
  rig.sim.faults.reset();
  rig.sim.clearRequests();
});

function sdk(extra: Record<string, unknown> = {}): Client {
  const client = new Client({ orgUrl: rig.url, token: rig.sim.token, cacheMiddleware: null, ...extra });
  client.http.agent = undefined;
  return client;
}

test("the SDK's own 429 retry waits for the reset and then succeeds", async () => {
  rig.sim.faults.fail429Next(1, { route: '/api/v1/users/{userId}', resetInSeconds: 0 });
  const user = await sdk({ requestExecutor: new DefaultRequestExecutor({ maxRetries: 2, requestTimeout: 0 }) }).userApi.getUser({ userId: 'ada.lovelace@acme.example' });
  expect(user.profile?.email).toBe('ada.lovelace@acme.example');
  expect(rig.sim.requests.map((r) => r.status)).toEqual([429, 200]);
});

test('OAuth private-key mode: the SDK gets a Bearer token and uses it', async () => {
  const client = createOktaClient({ orgUrl: rig.url, clientId: CLIENT_ID, privateKey: privateJwk, appId: rig.sim.appId, logger: silentLogger() });
  const c = await client.getCandidate('ada.lovelace@acme.example');
  expect(c?.assigned).toBe(true);
  expect(rig.sim.requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
    'POST /oauth2/v1/token 200',
    'GET /api/v1/users/{userId} 200',
    'GET /api/v1/apps/{appId}/users/{userId} 200',
  ]);
  // An expired access token is replaced after the 401, once.
  rig.sim.expireAccessTokens();
  rig.sim.clearRequests();
  expect((await client.getApp()).id).toBe(rig.sim.appId);
  expect(rig.sim.requests.map((r) => r.status)).toEqual([401, 200, 200]);
});

test('OAuth: a client signing with another key is refused, and the error hides the key', async () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const otherJwk = { ...other.export({ format: 'jwk' }), kid: 'other' };
  const client = createOktaClient({ orgUrl: rig.url, clientId: CLIENT_ID, privateKey: otherJwk, appId: rig.sim.appId, logger: silentLogger() });
  const err = await rejectionOf(client.getApp());
  expect(err.message).toMatch(/401/);
  expect(err.message).not.toContain(String(otherJwk.d));
});

test('OAuth: a token without the needed scope gets 403 E0000006', async () => {
  const client = new Client({ orgUrl: rig.url, authorizationMode: 'PrivateKey', clientId: CLIENT_ID, privateKey: privateJwk, scopes: ['okta.users.read'], cacheMiddleware: null });
  client.http.agent = undefined;
  const err = (await rejectionOf(client.systemLogApi.listLogEvents({ limit: 1 }).then((c) => c.next()))) as Error & { status?: number; errorCode?: string };
  expect(err.status).toBe(403);
  expect(err.errorCode).toBe('E0000006');
  expect(OKTA_SCOPES).toContain('okta.logs.read');
});

test('app groups and group members page like Okta', async () => {
  const client = sdk();
  const groups: string[] = [];
  await (await client.applicationApi.listApplicationGroupAssignments({ appId: rig.sim.appId })).each((g) => {
    groups.push(g.id ?? '');
  });
  const sales = rig.sim.admin.listGroups().find((g) => g.name === 'Sales');
  expect(groups).toEqual([sales?.id]);
  const members: string[] = [];
  await (await client.groupApi.listGroupUsers({ groupId: sales?.id ?? '', limit: 2 })).each((u) => {
    members.push(u.profile?.login ?? '');
  });
  expect(members.sort()).toEqual(rig.sim.admin.listUsers().filter((u) => u.groupIds.includes(sales?.id ?? '')).map((u) => u.login).sort());
  expect(rig.sim.requestCounts()['GET /api/v1/groups/{groupId}/users']).toBe(Math.ceil(members.length / 2));
});

test('user listing: deprovisioned users only with a filter; search and q narrow it down', async () => {
  const client = sdk();
  const logins = async (params: Parameters<Client['userApi']['listUsers']>[0]) => {
    const out: string[] = [];
    await (await client.userApi.listUsers(params)).each((u) => {
      out.push(u.profile?.login ?? '');
    });
    return out;
  };
  const all = await logins({ limit: 10 });
  expect(all).not.toContain('alonzo.church@acme.example');
  expect(all.length).toBe(rig.sim.admin.listUsers().filter((u) => u.status !== 'DEPROVISIONED').length);
  expect(await logins({ filter: 'status eq "DEPROVISIONED"' })).toEqual(['alonzo.church@acme.example']);
  expect(await logins({ search: 'profile.title eq "Engineer" and status eq "ACTIVE"' })).toHaveLength(3);
  expect(await logins({ q: 'grace' })).toEqual(['grace.hopper@acme.example']);
  const bad = (await rejectionOf(logins({ filter: 'status eq' }))) as Error & { errorCode?: string };
  expect(bad.errorCode).toBe('E0000053');
});

test('System Log through the SDK: since as a string, each() stops at the empty page, the collection resumes', async () => {
  const client = sdk();
  const since = new Date(Date.now() - 1000).toISOString();
  const collection = await client.systemLogApi.listLogEvents({ since, sortOrder: 'ASCENDING', limit: 3, filter: 'eventType sw "user.lifecycle"' });
  await collection.each(() => undefined);
  const u = rig.sim.admin.createUser({ login: 'sdk.log@acme.example', firstName: 'Sdk', lastName: 'Log' });
  const seen: string[] = [];
  await collection.each((e) => {
    seen.push(`${e.eventType} ${e.target?.[0]?.id}`);
  });
  expect(seen).toEqual([`user.lifecycle.create ${u.id}`, `user.lifecycle.activate ${u.id}`]);
  const published = await client.systemLogApi.listLogEvents({ since: new Date(Date.now() - 1000) as unknown as string });
  const err = (await rejectionOf(published.next())) as Error & { errorCode?: string };
  expect(err.errorCode).toBe('E0000001');
});

test('System Log parameter checks match Okta', async () => {
  const old = new Date(Date.now() - 200 * 24 * 3600 * 1000).toISOString();
  expect(((await rawGet(rig, `/api/v1/logs?since=${old}`)).body as { errorCode: string }).errorCode).toBe('E0000053');
  expect(((await rawGet(rig, `/api/v1/logs?filter=${encodeURIComponent('published gt "2020-01-01"')}`)).body as { errorCode: string }).errorCode).toBe('E0000031');
  expect(((await rawGet(rig, '/api/v1/logs?after=garbage')).body as { errorCode: string }).errorCode).toBe('E0000001');
  const empty = await rawGet(rig, `/api/v1/logs?limit=0`);
  expect(empty.body).toEqual([]);
  expect(empty.headers.get('link')).toMatch(/rel="next"/);
  const bounded = await rawGet(rig, `/api/v1/logs?since=${new Date(Date.now() - 1000).toISOString()}&until=${new Date(Date.now() - 500).toISOString()}`);
  expect(bounded.headers.get('link')).not.toMatch(/rel="next"/);
});
