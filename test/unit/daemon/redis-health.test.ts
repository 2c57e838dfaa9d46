import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { Registry } from 'prom-client';
import { createRedisHealth } from '../../../src/daemon/redis-health';
import { createLogger } from '../../../src/lib/logger';

/** Stands in for an ioredis client: the events and the status the health watcher reads. */
class FakeClient extends EventEmitter {
  status = 'connecting';
  become(status: string): void {
    this.status = status;
    if (status === 'ready') {
      this.emit('ready');
    }
  }
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6391'), { code: 'ECONNREFUSED' });

function setup() {
  let clock = 1_000_000;
  const stream = new PassThrough();
  const lines: Array<{ level: string; message: string }> = [];
  stream.on('data', (d: Buffer) => {
    for (const l of d.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(JSON.parse(l) as { level: string; message: string });
    }
  });
  const health = createRedisHealth({
    url: 'redis://:hunter22@127.0.0.1:6391',
    logger: createLogger({ format: 'json', stream }),
    reminderMs: 45_000,
    now: () => clock,
  });
  const a = new FakeClient();
  const b = new FakeClient();
  health.watch(a, 'commands');
  health.watch(b, 'workers');
  const flush = () => new Promise((r) => setImmediate(r));
  return { health, a, b, lines, flush, advance: (ms: number) => (clock += ms) };
}

describe('createRedisHealth', () => {
  it('says once that Redis cannot be reached, reminds at most every reminder period, and says once when it is back', async () => {
    const { health, a, b, lines, flush, advance } = setup();
    for (let i = 0; i < 200; i++) {
      advance(100);
      (i % 2 === 0 ? a : b).emit('error', refused());
    }
    await flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('error');
    expect(lines[0]?.message).toContain('cannot reach Redis at redis://:***@127.0.0.1:6391 (ECONNREFUSED)');
    expect(lines[0]?.message).toContain('is redis-server running? is REDIS_URL right?');
    expect(health.problem()).toMatch(/^Redis unreachable: ECONNREFUSED at redis:\/\/:\*\*\*@127\.0\.0\.1:6391/);

    advance(30_000);
    a.emit('error', refused());
    await flush();
    expect(lines).toHaveLength(2);
    expect(lines[1]?.level).toBe('warn');
    expect(lines[1]?.message).toMatch(/^still cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:6391 after 50 s/);

    const waiting = health.untilReachable();
    a.become('ready');
    expect(health.reachable()).toBe(false);
    b.become('ready');
    await expect(waiting).resolves.toBe(true);
    await flush();
    expect(lines.map((l) => l.message).filter((m) => m === 'Redis reachable again')).toHaveLength(1);
    expect(health.problem()).toBeNull();
    expect(JSON.stringify(lines)).not.toContain('hunter22');
  });

  it('says it again at once when the cause changes, e.g. from a refused connection to a wrong password', async () => {
    const { a, lines, flush, advance } = setup();
    a.emit('error', refused());
    advance(1_000);
    a.emit('error', new Error('WRONGPASS invalid username-password pair or user is disabled.'));
    a.emit('error', new Error('WRONGPASS invalid username-password pair or user is disabled.'));
    await flush();
    expect(lines).toHaveLength(2);
    expect(lines[1]?.message).toContain('(WRONGPASS)');
    expect(lines[1]?.message).toContain('This is a configuration error to fix');
  });

  it('gives up waiting after timeoutMs with the cause, and exports redis_up', async () => {
    const { health, a } = setup();
    a.emit('error', refused());
    await expect(health.untilReachable({ timeoutMs: 20 })).rejects.toThrow('cannot reach Redis at redis://:***@127.0.0.1:6391 (ECONNREFUSED)');
    const registry = new Registry();
    health.registerMetric(registry);
    expect(await registry.metrics()).toMatch(/^okta_hubspot_sync_redis_up 0$/m);
  });

  it('stays silent while closing and ends the wait with false', async () => {
    const { health, a, lines, flush } = setup();
    const waiting = health.untilReachable();
    health.beginClose();
    a.emit('error', new Error('Connection is closed.'));
    await flush();
    await expect(waiting).resolves.toBe(false);
    expect(lines).toEqual([]);
  });
});
