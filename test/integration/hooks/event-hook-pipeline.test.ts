import { eventually, HOOK_SECRET, startHookRig, type HookRig } from './hook-rig';

/**
 * Okta pushes changes through its event hook (the simulator delivers as Okta does) to the
 * daemon's /hooks/okta, through the real SDK and a real Redis: verification, auth failures,
 * duplicate and out-of-order deliveries, a lost delivery the poll catches, the same event by hook
 * and poll acted on once, and a burst of 1,000 events in one delivery.
 */

let h: HookRig;

beforeAll(async () => {
  // A long poll (the default with a hook is 60 s): changes that arrive quickly came by push.
  h = await startHookRig({ daemon: { hooks: { debounceMs: 50, missedGraceSeconds: 0 } }, env: { SYNC_POLL_INTERVAL_SECONDS: '3600' } });
});

afterAll(async () => {
  await h.stop();
});

beforeEach(() => {
  h.rig.okta.sim.eventHooks.setFaults({});
});

const okta = () => h.rig.okta.sim;
const hubspotUser = (email: string) => h.rig.hubspot.sim.admin.users().find((u) => u.email.toLowerCase() === email.toLowerCase());
const assigned = () => okta().admin.listAssigned().filter((u) => u.status === 'ACTIVE' && hubspotUser(u.profile.email ?? '') !== undefined);

test('the hook is verified, and a change in Okta reaches HubSpot by push within seconds (the poll runs hourly here)', async () => {
  const hook = await h.sdk().eventHookApi.getEventHook({ eventHookId: h.hookId });
  expect(hook.verificationStatus).toBe('VERIFIED');
  expect(await h.metric('okta_hubspot_sync_hook_requests_total', { outcome: 'verification' })).toBe(1);

  const user = assigned()[0]!;
  const t0 = Date.now();
  okta().admin.updateProfile(user.id, { firstName: 'Pushed' });
  await eventually(() => hubspotUser(user.profile.email ?? '')?.firstName === 'Pushed', 'the pushed change in HubSpot', 10_000);
  // The poll runs once an hour here: anything this fast came by push (bench/hooks.bench.ts measures the latency itself).
  const latencyMs = Date.now() - t0;
  expect(latencyMs).toBeLessThan(3_000);
  // The status page's latency counts from the time Okta published the change, which the job carries.
  const event = okta()
    .admin.events()
    .filter((e) => e.eventType === 'user.account.update_profile' && JSON.stringify(e.target).includes(user.id))
    .pop();
  const published = String(event?.published);
  type Latency = { activity: { latency: { points: Array<{ at: string; ms: number; fromOkta: boolean }> } } };
  // The page caches its pictures for 15 s: a read made just before the job finished is redone after.
  const point = await eventually(async () => {
    const view = (await (await fetch(`${h.daemon.opsAddress()!.url}/api/status`)).json()) as Latency;
    return view.activity.latency.points.find((p) => p.fromOkta);
  }, 'a latency point measured from Okta', 20_000);
  expect(point.ms).toBe(Date.parse(point.at) - Date.parse(published));
  expect(point.ms).toBeLessThan(latencyMs + 1000);
  const status = await h.daemon.state.hookStatus.get();
  expect(status.deliveries).toBeGreaterThanOrEqual(1);
  expect(status.lastDeliveryAt).not.toBeNull();
  expect(await h.metric('okta_hubspot_sync_hook_events_total', { via: 'hook', result: 'new' })).toBeGreaterThanOrEqual(1);
});

test('wrong or missing auth, bad JSON, unknown shapes and oversized bodies get 4xx and a metric; the endpoint keeps serving', async () => {
  const before = (await h.daemon.state.hookStatus.get()).rejected;
  const post = (body: string, auth?: string) => fetch(h.hookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(auth === undefined ? {} : { Authorization: auth }) }, body });
  expect((await post('{"data":{"events":[]}}')).status).toBe(401);
  expect((await post('{"data":{"events":[]}}', 'Bearer wrong')).status).toBe(401);
  expect((await post('{"data":{"events":[]}}', `${HOOK_SECRET}x`)).status).toBe(401);
  expect((await fetch(h.hookUrl, { headers: { 'x-okta-verification-challenge': 'abc' } })).status).toBe(401);
  expect((await post('{"data": {"events": [', HOOK_SECRET)).status).toBe(400);
  expect((await post('{"events": []}', HOOK_SECRET)).status).toBe(400);
  expect((await post('[1,2,3]', HOOK_SECRET)).status).toBe(400);
  expect((await post(`{"data":{"events":[${'"x",'.repeat(3_000_000)}"x"]}}`, HOOK_SECRET)).status).toBe(413);
  expect((await fetch(h.hookUrl, { method: 'PUT', headers: { Authorization: HOOK_SECRET } })).status).toBe(405);
  expect(await h.metric('okta_hubspot_sync_hook_requests_total', { outcome: 'unauthorized' })).toBe(4);
  expect(await h.metric('okta_hubspot_sync_hook_requests_total', { outcome: 'bad-json' })).toBe(1);
  expect(await h.metric('okta_hubspot_sync_hook_requests_total', { outcome: 'unknown-shape' })).toBe(2);
  expect(await h.metric('okta_hubspot_sync_hook_requests_total', { outcome: 'too-large' })).toBe(1);
  await eventually(async () => (await h.daemon.state.hookStatus.get()).rejected - before === 9, 'the refusals on record');
  expect((await h.daemon.state.hookStatus.get()).lastRejectedReason).toBe('method-not-allowed');

  const verify = await fetch(h.hookUrl, { headers: { Authorization: HOOK_SECRET, 'X-Okta-Verification-Challenge': 'still-here' } });
  expect(verify.status).toBe(200);
  expect(await verify.json()).toEqual({ verification: 'still-here' });
});

test('duplicate and out-of-order deliveries: each event is acted on once and the last state wins', async () => {
  const [a, b] = assigned().slice(1, 3);
  const newBefore = await h.metric('okta_hubspot_sync_hook_events_total', { via: 'hook', result: 'new' });
  const dupBefore = await h.metric('okta_hubspot_sync_hook_events_total', { via: 'hook', result: 'duplicate' });
  okta().eventHooks.setFaults({ duplicateNext: 1, reverseOrder: true });
  okta().admin.updateProfile(a!.id, { firstName: 'First' });
  okta().admin.updateProfile(a!.id, { firstName: 'Second' });
  okta().admin.updateProfile(b!.id, { lastName: 'Reordered' });
  await okta().eventHooks.settle();
  await eventually(() => hubspotUser(a!.profile.email ?? '')?.firstName === 'Second' && hubspotUser(b!.profile.email ?? '')?.lastName === 'Reordered', 'both changes in HubSpot', 10_000);
  await eventually(async () => (await h.metric('okta_hubspot_sync_hook_events_total', { via: 'hook', result: 'duplicate' })) - dupBefore === 3, 'the duplicate delivery counted');
  expect((await h.metric('okta_hubspot_sync_hook_events_total', { via: 'hook', result: 'new' })) - newBefore).toBe(3);
  // The delivery sent newest first, and twice; HubSpot shows the newest state.
  const deliveries = okta().eventHooks.deliveries().filter((d) => d.kind === 'delivery' && d.events === 3);
  expect(deliveries).toHaveLength(2);
});

test('a lost delivery is caught by the poll, which reports what the hook missed and the failure Okta logged', async () => {
  const user = assigned()[3]!;
  okta().eventHooks.setFaults({ dropNext: 2 });
  okta().admin.updateProfile(user.id, { firstName: 'Lost' });
  await okta().eventHooks.settle();
  // Nothing arrived by push.
  await new Promise((r) => setTimeout(r, 300));
  expect(hubspotUser(user.profile.email ?? '')?.firstName).not.toBe('Lost');
  const before = await h.daemon.state.hookStatus.get();
  await h.daemon.producers.poll(Date.now());
  await eventually(() => hubspotUser(user.profile.email ?? '')?.firstName === 'Lost', 'the change caught by the poll', 10_000);
  const after = await eventually(async () => {
    const s = await h.daemon.state.hookStatus.get();
    return s.missedByHook > before.missedByHook && s.deliveryFailures > before.deliveryFailures ? s : undefined;
  }, 'the miss and the failure on record');
  expect(after.lastMissedAt).not.toBeNull();
  expect(await h.metric('okta_hubspot_sync_hook_missed_events_total')).toBeGreaterThanOrEqual(1);
  expect(await h.metric('okta_hubspot_sync_hook_delivery_failures_total')).toBeGreaterThanOrEqual(1);
});

test('the same event by hook and by poll is acted on once', async () => {
  const user = assigned()[4]!;
  okta().admin.updateProfile(user.id, { firstName: 'Both ways' });
  await okta().eventHooks.settle();
  await eventually(() => hubspotUser(user.profile.email ?? '')?.firstName === 'Both ways', 'the pushed change', 10_000);
  const pollDupBefore = await h.metric('okta_hubspot_sync_hook_events_total', { via: 'poll', result: 'duplicate' });
  const waitingBefore = await h.daemon.queues.queue('sync-user').getJobCounts('delayed', 'waiting');
  await h.daemon.producers.poll(Date.now() + 1);
  await eventually(async () => (await h.metric('okta_hubspot_sync_hook_events_total', { via: 'poll', result: 'duplicate' })) > pollDupBefore, 'the poll skipping the event');
  // The poll queued no job for it.
  expect(await h.daemon.queues.queue('sync-user').getJobCounts('delayed', 'waiting')).toEqual(waitingBefore);
  const event = okta()
    .admin.events()
    .filter((e) => e.eventType === 'user.account.update_profile')
    .at(-1)!;
  const again = await h.daemon.intake.take([{ uuid: String(event.uuid), published: String(event.published), eventType: 'user.account.update_profile', userIds: [user.id], appIds: [], groupIds: [], outcome: 'SUCCESS' }], 'poll');
  expect(again).toMatchObject({ fresh: 0, duplicates: 1, users: 0 });
});

test('a burst of 1,000 events in one delivery is answered within the timeout of Okta and every user is synced', async () => {
  const users = assigned().slice(5, 25);
  const before = await h.daemon.state.hookStatus.get();
  okta().eventHooks.setFaults({});
  const first = okta().eventHooks.deliveries().length;
  for (let i = 0; i < 1000; i++) {
    const u = users[i % users.length]!;
    okta().admin.updateProfile(u.id, { firstName: `Burst${Math.floor(i / users.length)}` });
  }
  await okta().eventHooks.settle();
  const sent = okta().eventHooks.deliveries().slice(first).filter((d) => d.kind === 'delivery');
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ events: 1000, status: 204 });
  // Answered within Okta's 3 s timeout, so it is not retried (the speed itself is measured in the hooks bench).
  expect(sent[0]!.durationMs).toBeLessThan(3_000);
  const last = `Burst${Math.floor(999 / users.length)}`;
  await eventually(() => users.every((u) => hubspotUser(u.profile.email ?? '')?.firstName === last), 'every burst user in HubSpot', 20_000);
  const after = await h.daemon.state.hookStatus.get();
  expect(after.eventsReceived - before.eventsReceived).toBe(1000);
});

test("a group assignment's profile change, pushed by the hook, syncs every member of the group (the event names none)", async () => {
  const sales = okta().admin.listGroups().find((g) => g.name === 'Sales')!;
  expect(sales.memberIds.length).toBeGreaterThan(1);
  okta().admin.updateGroupAssignment('Sales', { profile: { hubspotRole: 'Sales Rep' } });
  await okta().eventHooks.settle();
  const synced = async () => {
    const jobs = await h.daemon.queues.queue('sync-user').getJobs(['completed', 'active', 'waiting', 'delayed']);
    return new Set(jobs.filter((j) => j.data.trigger === 'event' && j.data.eventTypes?.includes('group.application_assignment.update')).map((j) => j.data.oktaUserId));
  };
  await eventually(async () => {
    const seen = await synced();
    return sales.memberIds.every((id) => seen.has(id));
  }, "every member's sync", 10_000);
  // The poll runs hourly here: the event came by push, to a hook subscribed to it.
  const hook = await h.sdk().eventHookApi.getEventHook({ eventHookId: h.hookId });
  expect(hook.events?.items).toContain('group.application_assignment.update');
});
