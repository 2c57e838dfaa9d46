import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import Redis from 'ioredis';
import { redactRedisUrl } from '../../config/redis-url';

/** Answers whether a Redis answers PING at `url` within a second. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export const NO_REDIS_HELP =
  'No Redis found. Set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server ' +
  '(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) so a private one can be started.';

/**
 * Finds a Redis for tests and the demo: `REDIS_URL`, else 127.0.0.1:6379, else a private
 * `redis-server` on a free port (no persistence, noeviction). Throws with instructions when none.
 */
export async function ensureRedis(env: { REDIS_URL?: string | undefined } = {}): Promise<{ url: string; child: ChildProcess | null }> {
  if (env.REDIS_URL) {
    if (await redisAnswers(env.REDIS_URL)) {
      return { url: env.REDIS_URL, child: null };
    }
    throw new Error(`REDIS_URL=${redactRedisUrl(env.REDIS_URL)} does not answer. ${NO_REDIS_HELP}`);
  }
  const local = 'redis://127.0.0.1:6379';
  if (await redisAnswers(local)) {
    return { url: local, child: null };
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(NO_REDIS_HELP);
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(url)) {
      return { url, child };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`started redis-server on port ${port} but it does not answer`);
}
