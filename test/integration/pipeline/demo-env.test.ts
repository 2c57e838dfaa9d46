import { runCli, spawnCli } from './cli-run';
import { testRedisUrl } from '../../helpers/redis';
import type { ChildProcess } from 'node:child_process';

/**
 * The demo as a newcomer runs it, with its output going to a pipe (not a terminal): the banner
 * prints an environment that points every CLI command at the running demo, the log is plain text,
 * a first start is worded as one, and one-shot commands print no daemon lifecycle lines.
 */
let demo: ChildProcess;
let out = '';
const env: Record<string, string> = {};

function until(what: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (probe()) {
        resolve();
      } else if (Date.now() > deadline) {
        reject(new Error(`timed out waiting for ${what}; output so far:\n${out}`));
      } else {
        setTimeout(tick, 200);
      }
    };
    tick();
  });
}

beforeAll(async () => {
  demo = spawnCli(['demo', '--port', '0', '--every', '0'], { REDIS_URL: testRedisUrl(), LOG_LEVEL: 'info' });
  demo.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  demo.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  await until('the banner and the first reconciliation', () => out.includes('then: node dist/src/cli/main.js status') && /reconciliation (applied|finished|done)|user synced/.test(out), 90_000);
  for (const m of out.matchAll(/^ {4}export ([A-Z_]+)=(.*)$/gm)) {
    env[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1');
  }
}, 120_000);

afterAll(async () => {
  if (demo && demo.exitCode === null) {
    const closed = new Promise((resolve) => demo.once('close', resolve));
    demo.kill('SIGINT');
    await closed;
  }
});

it('prints a ready-to-paste environment with the prefix, simulator URLs and tokens, said to be the simulators\' own', () => {
  // OKTA_EVENT_HOOK_SECRET: the demo's own hook secret, so `hooks status` reaches the demo's hook too.
  expect(Object.keys(env).sort()).toEqual(['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_BASE_URL', 'OKTA_API_TOKEN', 'OKTA_APP_ID', 'OKTA_EVENT_HOOK_SECRET', 'OKTA_ORG_URL', 'REDIS_URL', 'SYNC_CONFIG', 'SYNC_QUEUE_PREFIX'].sort());
  expect(env.SYNC_QUEUE_PREFIX).toMatch(/^\{ohs-demo-[0-9a-f]+\}$/);
  expect(env.OKTA_ORG_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  expect(out).toContain('not secrets of any real account');
});

it('writes plain text to a pipe and words a first start as a first start', () => {
  // eslint-disable-next-line no-control-regex
  expect(out).not.toMatch(/\x1b\[/);
  expect(out).not.toContain('Redis lost its data');
  expect(out).toContain('first start');
});

it('lets status, audit, reconcile --dry-run, sync-user and doctor reach the running demo, without daemon lifecycle lines', async () => {
  const results: Record<string, { code: number | null; stdout: string; stderr: string }> = {};
  for (const args of [['status'], ['audit', '--limit', '5'], ['reconcile', '--dry-run'], ['sync-user', 'ada.lovelace@acme.example'], ['doctor']]) {
    results[args[0]!] = await runCli(args, { ...env, LOG_LEVEL: 'info' }, 60_000);
  }
  for (const [name, r] of Object.entries(results)) {
    expect({ name, code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ name, code: 0, stderr: '' });
    expect(r.stderr).not.toMatch(/daemon (started|stopped)/);
  }
  expect(results.status!.stdout).toMatch(/Managed|managed/);
  expect(results.audit!.stdout).toMatch(/@acme\.example/);
  expect(results.reconcile!.stdout).toContain('Dry run');
  expect(results['sync-user']!.stdout).toContain('ada.lovelace@acme.example');
  expect(results.doctor!.stdout).toMatch(/Ready/);
}, 300_000);
