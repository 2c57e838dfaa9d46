import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import Redis from 'ioredis';
import { deleteKeysWithPrefix } from '../../src/lib/redis-keys';
import { redisAnswers } from '../../src/lib/redis-locator';

/** The Redis URL the global setup found or started. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * A unique, hash-tagged key prefix for one test file, e.g. `{test-3f2a…}`. Tests create every key
 * under it and remove only those keys with {@link removeKeys}; the server is never flushed.
 */
export function uniquePrefix(label = 'test'): string {
  return `{${label}-${randomUUID().slice(0, 8)}}`;
}

/** Deletes every key that starts with `prefix` (SCAN, never FLUSHALL). */
export async function removeKeys(prefix: string, url = testRedisUrl()): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** A free TCP port on 127.0.0.1 (nothing listens there once this resolves). */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port'))));
    });
  });
}

/** A redis-server of one test's own (no persistence, noeviction), started on demand. */
export interface TestRedisServer {
  port: number;
  /** Starts it (optionally requiring `password`) and resolves once it answers PING. */
  start(opts?: { password?: string }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A private redis-server on `port` for tests that need a Redis to come and go (e.g. a daemon
 * started before its Redis). The shared test Redis is never stopped.
 */
export function testRedisServer(port: number): TestRedisServer {
  let child: ChildProcess | null = null;
  return {
    port,
    async start(opts = {}) {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'];
      const c = spawn('redis-server', opts.password ? [...args, '--requirepass', opts.password] : args, { stdio: 'ignore' });
      child = c;
      const url = `redis://${opts.password ? `:${encodeURIComponent(opts.password)}@` : ''}127.0.0.1:${port}`;
      for (let i = 0; i < 100; i++) {
        if (await redisAnswers(url)) {
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      c.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} does not answer`);
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) {
        return;
      }
      const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGKILL');
      await gone;
    },
  };
}
