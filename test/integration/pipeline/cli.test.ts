import net from 'node:net';
import { generatedSeed } from '../../../simulators/seeds/generated';
import { runCli, spawnCli } from './cli-run';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

const USERS = 600;
let rig: PipelineRig;

beforeAll(async () => {
  rig = await startPipelineRig({ seed: generatedSeed(USERS) });
});

afterAll(async () => {
  await rig.stop();
});

describe('okta-hubspot-sync reconcile', () => {
  it('--dry-run --json prints the whole plan through a pipe and makes no mutating HubSpot request', async () => {
    const { code, stdout, stderr } = await runCli(['reconcile', '--dry-run', '--json'], rig.env);
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    expect(stdout.length).toBeGreaterThan(64 * 1024);
    const doc = JSON.parse(stdout) as { summary: { create: number }; actions: unknown[]; halted: boolean; dryRun: boolean };
    expect(doc.summary.create).toBe(USERS);
    expect(doc.actions.filter((a) => (a as { kind: string }).kind === 'create')).toHaveLength(USERS);
    expect(doc.halted).toBe(false);
    expect(rig.hubspot.sim.counts().mutating).toBe(0);
    expect(rig.hubspot.sim.admin.users()).toHaveLength(0);
  });

  it('runs a reconciliation on its own (no daemon running), waits for it and reports what was done', async () => {
    const { code, stdout } = await runCli(['reconcile', '--json'], rig.env);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { outcome: { applied: { create: number }; failures: unknown[] } };
    expect(doc.outcome.applied.create).toBe(USERS);
    expect(doc.outcome.failures).toEqual([]);
    expect(rig.hubspot.sim.admin.users()).toHaveLength(USERS);
  });

  it('prints a table, and the next run finds everything in sync', async () => {
    const { code, stdout } = await runCli(['reconcile'], rig.env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Plan: 0 create, 0 update, 0 delete/);
    expect(stdout).toMatch(/carried out/);
  });

  it('fails with a reason when an approval does not exist', async () => {
    const { code, stderr } = await runCli(['reconcile', '--reject', 'plan-nope'], rig.env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no hold plan-nope \(list the pending holds with: okta-hubspot-sync status\)/);
  });

  it('lists every configuration problem and exits 2', async () => {
    const { code, stderr } = await runCli(['reconcile'], { ...rig.env, OKTA_APP_ID: '', SYNC_POLL_INTERVAL_SECONDS: 'often' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/OKTA_APP_ID/);
    expect(stderr).toMatch(/SYNC_POLL_INTERVAL_SECONDS/);
  });
});

describe('okta-hubspot-sync sync-user', () => {
  it('makes one user right now and says what and why', async () => {
    const login = 'user000005@acme.example';
    rig.okta.sim.admin.updateProfile(login, { title: 'Sales Manager' });
    const { code, stdout } = await runCli(['sync-user', login], rig.env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/update HubSpot user \d+/);
    expect(rig.hubspot.sim.admin.user(login)?.roleIds).toEqual(['2001']);
  });
});

describe('okta-hubspot-sync start', () => {
  it('serves health and readiness, and exits 0 soon after SIGTERM', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    const child = spawnCli(['start'], { ...rig.env, PORT: String(port), LOG_LEVEL: 'error' });
    child.stdout?.resume();
    child.stderr?.resume();
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, 'readiness', 60_000);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
