import { PassThrough } from 'node:stream';
import { loadConfig } from '../../../config/load';
import { createDaemon, type Daemon } from '../../../src/daemon/daemon';
import { createLogger } from '../../../src/lib/logger';
import { generatedSeed } from '../../../simulators/seeds/generated';
import { freeLocalPort, testRedisServer, type TestRedisServer } from '../../helpers/redis';
import { runCli, spawnCli } from './cli-run';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

const USERS = 12;
const PASSWORD = 'redis-pw-4f9c2e';
const HINT = 'is redis-server running? is REDIS_URL right?';
/** A raw Node error dump or an ioredis/BullMQ console print: none may reach the output. */
const STACK = /^\s+at |Unhandled error event|errno: -\d+|^Error: /m;

let rig: PipelineRig;
let redis: TestRedisServer | null = null;

beforeAll(async () => {
  rig = await startPipelineRig({ seed: generatedSeed(USERS) });
});

afterEach(async () => {
  await redis?.stop();
  redis = null;
});

afterAll(async () => {
  await rig.stop();
});

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a daemon started before its Redis', () => {
  it('says once which Redis it cannot reach and why, serves /healthz while /readyz says why not, then starts and syncs when Redis comes', async () => {
    const redisPort = await freeLocalPort();
    const opsPort = await freeLocalPort();
    const child = spawnCli(['start'], {
      ...rig.env,
      REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${redisPort}`,
      PORT: String(opsPort),
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ops = `http://127.0.0.1:${opsPort}`;
    try {
      await eventually(async () => (await fetch(`${ops}/healthz`)).status === 200, '/healthz', 30_000);
      // Long enough for dozens of reconnect attempts.
      await sleep(6_000);
      const lines = output.split('\n').filter((l) => l.trim() !== '');
      expect(lines.length).toBeLessThanOrEqual(5);
      expect(output).not.toMatch(STACK);
      expect(output).not.toContain(PASSWORD);
      const said = lines.filter((l) => l.includes('cannot reach Redis'));
      expect(said).toHaveLength(1);
      expect(said[0]).toContain(`redis://:***@127.0.0.1:${redisPort}`);
      expect(said[0]).toContain('ECONNREFUSED');
      expect(said[0]).toContain(HINT);

      const readyz = await getJson(`${ops}/readyz`);
      expect(readyz.status).toBe(503);
      expect(readyz.body.reason).toBe(
        `Redis unreachable: ECONNREFUSED at redis://:***@127.0.0.1:${redisPort}: nothing accepts connections at that address; ${HINT}`,
      );
      expect((await fetch(`${ops}/healthz`)).status).toBe(200);
      const metrics = await (await fetch(`${ops}/metrics`)).text();
      expect(metrics).toMatch(/^okta_hubspot_sync_redis_up 0$/m);
      expect(rig.hubspot.sim.admin.users()).toHaveLength(0);

      redis = testRedisServer(redisPort);
      await redis.start({ password: PASSWORD });
      await eventually(async () => (await fetch(`${ops}/readyz`)).status === 200, '/readyz 200 once Redis answers', 30_000);
      expect((await (await fetch(`${ops}/metrics`)).text())).toMatch(/^okta_hubspot_sync_redis_up 1$/m);
      // The start reconciliation ran against the new Redis and created every user.
      await eventually(() => rig.hubspot.sim.admin.users().length === USERS, 'the start reconciliation', 30_000);
      // The System Log poller runs too: a title changed in Okta reaches HubSpot.
      const login = 'user000001@acme.example';
      rig.okta.sim.admin.updateProfile(login, { title: 'Sales Manager' });
      await eventually(() => rig.hubspot.sim.admin.user(login)?.roleIds?.[0] === '2001', 'the poller syncing a title change', 30_000);

      expect(output.split('\n').filter((l) => l.includes('Redis reachable again'))).toHaveLength(1);
      expect(output.split('\n').filter((l) => l.includes('cannot reach Redis'))).toHaveLength(1);
      expect(output).not.toMatch(STACK);
      expect(output).not.toContain(PASSWORD);
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);

  it('stops promptly on SIGTERM while still waiting for Redis', async () => {
    const child = spawnCli(['worker'], { ...rig.env, REDIS_URL: `redis://127.0.0.1:${await freeLocalPort()}`, LOG_FORMAT: 'json', LOG_LEVEL: 'info' });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await eventually(() => output.includes('cannot reach Redis'), 'the unreachable message', 30_000);
      const asked = Date.now();
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(Date.now() - asked).toBeLessThan(5_000);
      expect(output).not.toMatch(STACK);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('status and audit with a dead Redis', () => {
  it.each([['status'], ['audit']])('%s exits 1 within seconds naming the Redis (password hidden), the cause and what to check', async (command) => {
    const port = await freeLocalPort();
    const started = Date.now();
    const { code, stdout, stderr } = await runCli([command], { ...rig.env, REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}` }, 30_000);
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(stdout).toBe('');
    expect(stderr).toContain(`cannot reach Redis at redis://:***@127.0.0.1:${port} (ECONNREFUSED)`);
    expect(stderr).toContain(HINT);
    expect(stderr).not.toContain(PASSWORD);
    expect(stderr).not.toMatch(STACK);
  });
});

describe('a wrong Redis password', () => {
  let daemon: Daemon | null = null;

  afterEach(async () => {
    await daemon?.stop();
    daemon = null;
  });

  it('is reported once as a configuration error to fix, and /readyz gives it as the reason', async () => {
    const port = await freeLocalPort();
    redis = testRedisServer(port);
    await redis.start({ password: PASSWORD });
    const stream = new PassThrough();
    let output = '';
    stream.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const config = loadConfig({ ...rig.env, REDIS_URL: `redis://:not-the-password@127.0.0.1:${port}`, PORT: '0' });
    daemon = createDaemon(config, { roles: { server: true, workers: true }, logger: createLogger({ level: 'info', format: 'json', secrets: config.secrets, stream }) });
    const starting = daemon.start();
    const d = daemon;
    const ops = await eventually(() => d.opsAddress()?.url, 'the ops server', 15_000);
    await eventually(() => output.includes('WRONGPASS'), 'the WRONGPASS message', 15_000);
    await sleep(3_000);
    const said = output.split('\n').filter((l) => l.includes('WRONGPASS'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`Redis at redis://:***@127.0.0.1:${port} (WRONGPASS)`);
    expect(said[0]).toContain('This is a configuration error to fix');
    expect(output).not.toContain('not-the-password');
    const readyz = await getJson(`${ops}/readyz`);
    expect(readyz.status).toBe(503);
    expect(readyz.body.reason).toMatch(/^Redis unreachable: WRONGPASS at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: it refused the user name or password in REDIS_URL/);
    expect(d.isReady()).toBe(false);
    await d.stop();
    await starting;
  });
});
