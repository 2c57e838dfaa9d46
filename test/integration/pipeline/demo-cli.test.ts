import net from 'node:net';
import Redis from 'ioredis';
import { runCli } from './cli-run';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';

/** A TCP server holding a port, as another program on the machine would. */
async function occupyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) {
    throw new Error('no port');
  }
  return { port: address.port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  try {
    return await redis.keys(`${prefix}*`);
  } finally {
    redis.disconnect();
  }
}

describe('okta-hubspot-sync demo', () => {
  it('exits 1 at once when its port is taken, says how to pick another one, and leaves no keys in Redis', async () => {
    const taken = await occupyPort();
    const prefix = uniquePrefix('demo-port');
    try {
      const started = Date.now();
      const { code, stdout, stderr } = await runCli(['demo', '--port', String(taken.port), '--every', '0'], {
        REDIS_URL: testRedisUrl(),
        SYNC_QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'error',
      }, 30_000);
      const elapsedMs = Date.now() - started;
      expect(code).toBe(1);
      expect(stderr).toContain(`demo could not start: port ${taken.port} is already in use`);
      expect(stderr).toContain('npm run demo -- --port 3001');
      expect(stdout).not.toContain('demo is running');
      expect(elapsedMs).toBeLessThan(20_000);
      expect(await keysUnder(prefix)).toEqual([]);
    } finally {
      await taken.close();
      await removeKeys(prefix);
    }
  });

  it('--help names the port default once', async () => {
    const { code, stdout } = await runCli(['demo', '--help'], {}, 30_000);
    expect(code).toBe(0);
    const portLine = stdout.split('\n').find((l) => l.includes('--port'));
    expect(portLine?.match(/\(default:/g)).toEqual(['(default:']);
    expect(portLine).toContain('(default: PORT or 3000)');
  });
});
