import { runCli } from '../pipeline/cli-run';
import { eventually, startHookRig, type HookRig } from './hook-rig';

/**
 * `hooks install`, `hooks status`, `hooks remove` and doctor's hook check, run as the CLI in a
 * child process against the simulated Okta (through the SDK's eventHookApi) and a running daemon
 * whose endpoint Okta verifies.
 */

let h: HookRig;

beforeAll(async () => {
  h = await startHookRig({ register: false, daemon: { hooks: { missedGraceSeconds: 0 } }, env: { SYNC_POLL_INTERVAL_SECONDS: '3600' } });
});

afterAll(async () => {
  await h.stop();
});

const doctorHookCheck = async () => {
  const { stdout } = await runCli(['doctor', '--json'], h.rig.env);
  return (JSON.parse(stdout) as { checks: Array<{ check: string; status: string; detail: string }> }).checks.find((c) => c.check === 'okta-event-hook');
};

test('without a hook, status exits 1 and doctor warns; what the poll finds meanwhile is not counted as missed by the hook', async () => {
  const user = h.rig.okta.sim.admin.listAssigned().find((u) => u.status === 'ACTIVE')!;
  h.rig.okta.sim.admin.updateProfile(user.id, { firstName: 'Polled' });
  await h.daemon.producers.poll(2);
  await eventually(() => h.rig.hubspot.sim.admin.users().some((u) => u.email.toLowerCase() === (user.profile.email ?? '').toLowerCase() && u.firstName === 'Polled'), 'the polled change', 10_000);
  expect((await h.daemon.state.hookStatus.get()).missedByHook).toBe(0);
  const status = await runCli(['hooks', 'status'], h.rig.env);
  expect(status.code).toBe(1);
  expect(status.stdout).toMatch(/no event hook named okta-hubspot-sync/);
  expect(await doctorHookCheck()).toMatchObject({ status: 'warn' });
});

test('install creates, verifies and activates the hook; changes then arrive by push; status and doctor say so', async () => {
  const base = h.daemon.hookAddress()!.url;
  const install = await runCli(['hooks', 'install', '--url', base], h.rig.env);
  expect(install.stderr).toBe('');
  expect(install.code).toBe(0);
  expect(install.stdout).toMatch(/created hook who/);
  expect(install.stdout).toMatch(/ACTIVE, VERIFIED/);
  const hooks = h.rig.okta.sim.eventHooks.list();
  expect(hooks).toHaveLength(1);
  expect(hooks[0]).toMatchObject({ name: 'okta-hubspot-sync', status: 'ACTIVE', verificationStatus: 'VERIFIED', channel: { config: { uri: `${base}/hooks/okta` } } });

  const user = h.rig.okta.sim.admin.listAssigned().find((u) => u.status === 'ACTIVE')!;
  h.rig.okta.sim.admin.updateProfile(user.id, { firstName: 'Installed' });
  await eventually(() => h.rig.hubspot.sim.admin.users().some((u) => u.email.toLowerCase() === (user.profile.email ?? '').toLowerCase() && u.firstName === 'Installed'), 'the pushed change', 10_000);

  const status = await runCli(['hooks', 'status', '--json'], h.rig.env);
  expect(status.code).toBe(0);
  const doc = JSON.parse(status.stdout) as { hook: { status: string }; deliveries: { deliveries: number; lastVerifiedAt: string | null } };
  expect(doc.hook.status).toBe('ACTIVE');
  expect(doc.deliveries.deliveries).toBeGreaterThanOrEqual(1);
  expect(doc.deliveries.lastVerifiedAt).not.toBeNull();
  expect(await doctorHookCheck()).toMatchObject({ status: 'ok' });

  // Installing again replaces the same hook rather than adding one.
  const again = await runCli(['hooks', 'install', '--url', `${base}/hooks/okta`], h.rig.env);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/replaced hook/);
  expect(h.rig.okta.sim.eventHooks.list()).toHaveLength(1);
});

test('install fails with a reason when the secret differs from the daemon', async () => {
  const wrong = await runCli(['hooks', 'install', '--url', h.daemon.hookAddress()!.url], { ...h.rig.env, OKTA_EVENT_HOOK_SECRET: 'Bearer another-secret-of-enough-length-0123456789' });
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toMatch(/could not install the Okta event hook/);
  expect(wrong.stderr).not.toMatch(/another-secret/);
});

test('remove deactivates and deletes the hook', async () => {
  const removed = await runCli(['hooks', 'remove'], h.rig.env);
  expect(removed.code).toBe(0);
  expect(removed.stdout).toMatch(/deactivated and deleted/);
  expect(h.rig.okta.sim.eventHooks.list()).toHaveLength(0);
});
