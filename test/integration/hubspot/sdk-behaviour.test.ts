import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@hubspot/api-client';
import { createHubSpotClient } from '../../../src/hubspot/hubspot-client';
import { silentLogger } from '../../../src/lib/logger';

/**
 * The `@hubspot/api-client` behaviours docs/KNOWN-LIMITS.md relies on, seen on the wire by a
 * server that records every request and answers what each test sets. Each test fails if an SDK
 * upgrade changes the behaviour: then KNOWN-LIMITS.md and the client must change with it.
 */

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

const seen: Seen[] = [];
let answer: (req: Seen) => Answer = () => ({ status: 200, body: {} });
let server: http.Server;
let baseUrl: string;

const user = (id: string, extra: Record<string, unknown> = {}) => ({ id, email: `u${id}@acme.example`, roleIds: [], superAdmin: false, ...extra });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      const a = answer(s);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body === undefined ? '' : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  seen.length = 0;
});

const client = (named = false) => createHubSpotClient({ baseUrl, token: 'pat-test-token', logger: silentLogger(), seatsMode: named ? 'named' : 'role', timeoutMs: 5_000 });

describe('@hubspot/api-client on the wire', () => {
  test('role removal: PUT /settings/v3/users/{id} carries exactly {"roleId":null}, through the typed and the raw path', async () => {
    answer = () => ({ status: 200, body: user('7') });
    await client().updateUser('7', { roleId: null });
    await client(true).updateUser('7', { roleId: null });
    expect(seen.map((s) => [s.method, s.url.split('?')[0], s.body])).toEqual([
      ['PUT', '/settings/v3/users/7', '{"roleId":null}'],
      ['PUT', '/settings/v3/users/7', '{"roleId":null}'],
    ]);
  });

  test('keys left out are not sent, an empty string is sent as it is', async () => {
    answer = () => ({ status: 200, body: user('7') });
    await client().updateUser('7', { firstName: 'Ada' });
    const sdk = new Client({ accessToken: 'pat-test-token', basePath: baseUrl });
    await sdk.settings.users.usersApi.replace('7', { roleId: '' } as never);
    expect(seen.map((s) => s.body)).toEqual(['{"firstName":"Ada"}', '{"roleId":""}']);
  });

  test('no retries of its own: one request per call on 500 and on 429, typed and raw', async () => {
    answer = (s) => (s.url.includes('roles') ? { status: 429, body: { status: 'error', message: 'limit', policyName: 'TEN_SECONDLY_ROLLING' } } : { status: 500, body: { status: 'error', message: 'boom' } });
    await expect(client().listRoles()).rejects.toThrow();
    await expect(client().getUser('7')).rejects.toThrow();
    await expect(client(true).getUser('7')).rejects.toThrow();
    expect(seen).toHaveLength(3);
  });

  test("decorators: the SDK's retry works when asked for, yet the daemon's client, built before or after such a Client, sends one request per call", async () => {
    answer = () => ({ status: 500, body: { status: 'error', message: 'boom' } });
    const before = client();
    const retrying = new Client({ accessToken: 'other', basePath: baseUrl, numberOfApiCallRetries: 2 });
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(retrying.settings.users.usersApi.getById('7')).rejects.toThrow();
    errors.mockRestore();
    const sdkAttempts = seen.length;
    seen.length = 0;
    await expect(before.getUser('7')).rejects.toThrow();
    await expect(client().getUser('7')).rejects.toThrow();
    await expect(client(true).getUser('7')).rejects.toThrow();
    // Leave the process as the daemon runs it: the newest Client without retries.
    void new Client({ accessToken: 'reset', basePath: baseUrl }).settings.users;
    expect({ sdkAttempts, ours: seen.length }).toEqual({ sdkAttempts: 2, ours: 3 });
  });

  test('typed calls accept only the documented status: 201 on create and 204 on delete; 200 is an error', async () => {
    answer = (s) => (s.method === 'POST' ? { status: 201, body: user('8') } : { status: 204 });
    await expect(client().createUser({ email: 'u8@acme.example', sendWelcomeEmail: false })).resolves.toMatchObject({ id: '8' });
    await expect(client().deleteUser('8')).resolves.toBe(true);
    answer = (s) => (s.method === 'POST' ? { status: 200, body: user('8') } : { status: 200, body: {} });
    await expect(client().createUser({ email: 'u8@acme.example', sendWelcomeEmail: false })).rejects.toThrow();
    await expect(client().deleteUser('8')).rejects.toThrow();
  });

  test("with per-call options the SDK's own user agent goes out, with the bearer token", async () => {
    answer = () => ({ status: 200, body: { results: [] } });
    await client().listRoles();
    expect(seen[0]!.headers['user-agent']).toMatch(/hubspot-api-client-nodejs/i);
    expect(seen[0]!.headers.authorization).toBe('Bearer pat-test-token');
  });
});
