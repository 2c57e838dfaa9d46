import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { redisAnswers } from '../../src/lib/redis-locator';

/**
 * A redis-server of the soak's own, on a free port, without persistence, so that restarting it
 * loses every key, as a real Redis restarted without AOF/RDB does. The shared Redis on 6379 is
 * never restarted.
 */
export interface PrivateRedis {
  url: string;
  /** Kills the server (SIGKILL) and starts an empty one on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Whether `redis-server` can be started on this machine. */
export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port'))));
    });
  });
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  async function launch(): Promise<void> {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    child = c;
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers(url)) {
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    c.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} does not answer`);
  }

  async function kill(): Promise<void> {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) {
      return;
    }
    const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGKILL');
    await gone;
  }

  await launch();
  return {
    url,
    async restart() {
      await kill();
      await launch();
    },
    stop: kill,
  };
}
