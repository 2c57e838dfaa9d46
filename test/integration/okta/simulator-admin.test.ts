import { startOktaRig, type OktaTestRig } from '../../helpers/okta-sim';

/**
 * The simulator's admin API over HTTP (what the demo and other processes use): changes show up
 * in the Okta API and the System Log, faults can be set, and the token protects it.
 */

let rig: OktaTestRig;

beforeAll(async () => {
  rig = await startOktaRig();
});

afterAll(async () => {
  await rig.stop();
});

async function admin(method: string, path: string, body?: unknown, token = rig.sim.token): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${rig.url}/__admin${path}`, {
    method,
    headers: { Authorization: `SSWS ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

async function api(path: string): Promise<unknown> {
  const res = await fetch(`${rig.url}${path}`, { headers: { Authorization: `SSWS ${rig.sim.token}` } });
  return res.json();
}

test('the admin API needs the token', async () => {
  expect((await admin('GET', '/users', undefined, 'nope')).status).toBe(401);
});

test('create, assign, retitle, group and delete a user over HTTP', async () => {
  const created = await admin('POST', '/users', { login: 'http.user@acme.example', firstName: 'Http', lastName: 'User', title: 'Intern', assign: true });
  expect(created.status).toBe(201);
  const id = (created.body as { id: string }).id;
  expect(await api(`/api/v1/apps/${rig.sim.appId}/users/${id}`)).toMatchObject({ id, scope: 'USER' });

  expect((await admin('POST', `/users/${encodeURIComponent('http.user@acme.example')}/profile`, { title: 'Sales Rep' })).body).toMatchObject({ profile: { title: 'Sales Rep' } });
  expect(await api(`/api/v1/users/${id}`)).toMatchObject({ profile: { title: 'Sales Rep' } });

  expect((await admin('PUT', `/groups/Sales/users/${id}`)).body).toMatchObject({ assignment: { scope: 'USER' } });
  expect((await admin('POST', `/users/${id}/unassign`)).body).toMatchObject({ assignment: { scope: 'GROUP' } });
  expect((await admin('DELETE', `/groups/Sales/users/${id}`)).body).toMatchObject({ assignment: null });

  expect((await admin('POST', `/users/${id}/suspend`)).body).toMatchObject({ status: 'SUSPENDED' });
  expect((await admin('POST', `/users/${id}/suspend`)).status).toBe(403);
  expect((await admin('DELETE', `/users/${id}`)).status).toBe(204);
  expect(await api(`/api/v1/users/${id}`)).toMatchObject({ errorCode: 'E0000007' });

  const events = (await admin('GET', '/logs')).body as Array<{ eventType: string; target: Array<{ id: string }> }>;
  const mine = events.filter((e) => e.target.some((t) => t.id === id)).map((e) => e.eventType);
  expect(mine).toEqual([
    'user.lifecycle.create',
    'user.lifecycle.activate',
    'application.user_membership.add',
    'user.account.update_profile',
    'group.user_membership.add',
    'application.user_membership.update',
    'group.user_membership.remove',
    'application.user_membership.remove',
    'user.lifecycle.suspend',
    'user.lifecycle.deactivate',
    'user.lifecycle.delete.initiated',
    'user.lifecycle.delete.completed',
  ]);
});

test('bad admin input gets an Okta error', async () => {
  expect((await admin('POST', '/users', { login: 'x' })).body).toMatchObject({ errorCode: 'E0000001' });
  expect((await admin('POST', '/users', { login: 'ok.login@acme.example', status: 'WEIRD' })).body).toMatchObject({ errorCode: 'E0000001' });
  expect((await admin('POST', '/users/nobody@acme.example/assign')).status).toBe(404);
  expect((await admin('GET', '/nothing')).status).toBe(404);
});

test('faults and the request log are reachable over HTTP', async () => {
  await admin('DELETE', '/requests');
  expect((await admin('PUT', '/faults', { failNext: [{ status: 502 }], route: '/api/v1/logs' })).body).toEqual({ pending: 1 });
  const res = await fetch(`${rig.url}/api/v1/logs?limit=1`, { headers: { Authorization: `SSWS ${rig.sim.token}` } });
  expect(res.status).toBe(502);
  const log = (await admin('GET', '/requests')).body as { requests: Array<{ route: string; status: number }>; counts: Record<string, number> };
  expect(log.requests.map((r) => `${r.route} ${r.status}`)).toEqual(['/api/v1/logs 502']);
  expect(log.counts).toEqual({ 'GET /api/v1/logs': 1 });
  expect((await admin('DELETE', '/faults')).status).toBe(204);
});

test('custom profile attributes keep their types (numbers, booleans, lists of strings); base ones must be text', async () => {
  const created = await admin('POST', '/users', { login: 'typed.user@acme.example', title: 'Intern', assign: true, profile: { level: 3, contractor: false, hubspotTeams: ['Sales', 'Marketing'] } });
  expect(created.status).toBe(201);
  const id = (created.body as { id: string }).id;
  expect(await api(`/api/v1/users/${id}`)).toMatchObject({ profile: { level: 3, contractor: false, hubspotTeams: ['Sales', 'Marketing'] } });
  expect((await admin('POST', `/users/${id}/appProfile`, { seats: ['Core'] })).status).toBe(200);
  expect(await api(`/api/v1/apps/${rig.sim.appId}/users/${id}`)).toMatchObject({ profile: { seats: ['Core'] } });
  const nested = await admin('POST', `/users/${id}/profile`, { manager: { id: 'x' } });
  expect(nested).toMatchObject({ status: 400, body: { errorCauses: [{ errorSummary: 'manager: must be a string, a number, a boolean or a list of strings' }] } });
  expect((await admin('POST', `/users/${id}/profile`, { title: 7 })).status).toBe(400);
});
