import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../../config/load';
import { stateKeys } from '../../../src/state/keys';
import { configProblems, goodEnv } from '../../helpers/config-env';

const good = goodEnv;

describe('loadConfig', () => {
  it('parses the environment and the default rules file', () => {
    const cfg = loadConfig(good);
    expect(cfg.env.OKTA_ORG_URL).toBe('https://acme.okta.com');
    expect(cfg.env.HUBSPOT_BASE_URL).toBe('https://api.hubapi.com');
    expect(cfg.env.SYNC_POLL_INTERVAL_SECONDS).toBe(15);
    expect(cfg.rules.scope.statuses.ACTIVE).toBe('in');
    expect(cfg.rules.guard.maxDeletes).toBe(50);
    expect(cfg.daemon.hubspot.requestsPerWindow).toBe(150);
    expect(cfg.secrets).toEqual(expect.arrayContaining(['okta-secret-token', 'pat-na1-secret']));
  });

  it('lists every problem at once', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ohs-'));
    const file = path.join(dir, 'rules.yaml');
    writeFileSync(file, 'rules:\n  policies:\n    leaveScope: vanish\n  guard:\n    maxDeletes: -1\n  bogus: 1\n');
    let caught: unknown;
    try {
      loadConfig({ OKTA_ORG_URL: 'not a url', SYNC_CONFIG: file, SYNC_POLL_INTERVAL_SECONDS: 'soon' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const expected of ['OKTA_ORG_URL', 'OKTA_APP_ID', 'HUBSPOT_ACCESS_TOKEN', 'OKTA_API_TOKEN', 'SYNC_POLL_INTERVAL_SECONDS', 'leaveScope', 'maxDeletes', 'bogus']) {
      expect(problems).toContain(expected);
    }
  });

  it('merges partial status overrides over the documented defaults', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ohs-'));
    const file = path.join(dir, 'rules.yaml');
    writeFileSync(file, 'rules:\n  scope:\n    statuses:\n      SUSPENDED: strip\n');
    const cfg = loadConfig({ ...good, SYNC_CONFIG: file });
    expect(cfg.rules.scope.statuses.SUSPENDED).toBe('strip');
    expect(cfg.rules.scope.statuses.ACTIVE).toBe('in');
    expect(cfg.rules.policies.leaveScope).toBe('delete');
  });

  describe('SYNC_QUEUE_PREFIX', () => {
    it('wraps a plain prefix in a hash tag and says so once, as an info notice', () => {
      const cfg = loadConfig({ ...good, SYNC_QUEUE_PREFIX: 'myapp' });
      expect(cfg.env.SYNC_QUEUE_PREFIX).toBe('{myapp}');
      expect(cfg.notices).toEqual([{ level: 'info', message: expect.stringContaining('using "{myapp}" as the key prefix') }]);
    });

    it('keeps a prefix that already has a hash tag as it is, without a notice', () => {
      for (const given of ['{myapp}', 'prod:{myapp}', '{tenant-a}:sync']) {
        const cfg = loadConfig({ ...good, SYNC_QUEUE_PREFIX: given });
        expect(cfg.env.SYNC_QUEUE_PREFIX).toBe(given);
        expect(cfg.notices).toEqual([]);
      }
    });

    it('takes an unset, empty or blank value as the default', () => {
      for (const given of [undefined, '', '   ']) {
        const cfg = loadConfig({ ...good, ...(given === undefined ? {} : { SYNC_QUEUE_PREFIX: given }) });
        expect(cfg.env.SYNC_QUEUE_PREFIX).toBe('{okta-hubspot-sync}');
        expect(cfg.notices).toEqual([]);
      }
    });

    it('refuses braces that make no hash tag, with the value to write instead, beside the other problems', () => {
      const problems = configProblems({ ...good, HUBSPOT_ACCESS_TOKEN: '', SYNC_QUEUE_PREFIX: '{myapp' });
      expect(problems).toEqual(
        expect.arrayContaining([expect.stringContaining('HUBSPOT_ACCESS_TOKEN'), expect.stringMatching(/^environment SYNC_QUEUE_PREFIX: .*SYNC_QUEUE_PREFIX=\{myapp\}/)]),
      );
      expect(configProblems({ ...good, SYNC_QUEUE_PREFIX: '{}myapp' }).join('\n')).toContain('SYNC_QUEUE_PREFIX={myapp}');
      expect(configProblems({ ...good, SYNC_QUEUE_PREFIX: 'my}app' }).join('\n')).toContain('SYNC_QUEUE_PREFIX={myapp}');
    });

    it('state keys and queues refuse a prefix without a hash tag, naming the fix', () => {
      expect(() => stateKeys('myapp')).toThrow(/use "\{myapp\}"/);
      expect(() => stateKeys('{myapp')).toThrow(/SYNC_QUEUE_PREFIX=\{myapp\}/);
      expect(stateKeys('{myapp}').ledger).toBe('{myapp}:ledger');
    });
  });

  describe('SYNC_ADMIN_TOKEN', () => {
    const strong = randomBytes(32).toString('hex');
    it('refuses a short token on a HOST beyond loopback, saying how to make a strong one, with every other problem', () => {
      const problems = configProblems({ ...good, OKTA_APP_ID: '', HOST: '0.0.0.0', SYNC_ADMIN_TOKEN: 'abc' });
      expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('OKTA_APP_ID')]));
      const token = problems.find((p) => p.startsWith('environment SYNC_ADMIN_TOKEN'));
      expect(token).toContain('3 characters, fewer than 32');
      expect(token).toContain('openssl rand -hex 32');
      expect(token).toContain("require('crypto').randomBytes(32).toString('hex')");
      expect(token).not.toMatch(/\babc\b/);
    });

    it('refuses a long token with too little variety, and a missing one, beyond loopback', () => {
      expect(configProblems({ ...good, HOST: '10.0.0.5', SYNC_ADMIN_TOKEN: 'ab'.repeat(20) }).join('\n')).toContain('only 2 different characters');
      expect(configProblems({ ...good, HOST: '::', SYNC_ADMIN_TOKEN: '' }).join('\n')).toMatch(/without authentication; set SYNC_ADMIN_TOKEN .*openssl rand -hex 32/);
    });

    it('accepts a strong token beyond loopback', () => {
      expect(loadConfig({ ...good, HOST: '0.0.0.0', SYNC_ADMIN_TOKEN: strong }).notices).toEqual([]);
    });

    it('accepts a short token on loopback, with a warning that does not show it', () => {
      for (const host of ['127.0.0.1', 'localhost', '::1']) {
        const cfg = loadConfig({ ...good, HOST: host, SYNC_ADMIN_TOKEN: 'abc' });
        expect(cfg.notices).toEqual([{ level: 'warn', message: expect.stringContaining('SYNC_ADMIN_TOKEN is weak') }]);
        expect(cfg.notices[0]?.message).not.toMatch(/\babc\b/);
      }
      expect(loadConfig({ ...good, SYNC_ADMIN_TOKEN: strong }).notices).toEqual([]);
    });
  });
});

describe('REDIS_URL', () => {
  const redisProblems = (value: string): string[] => {
    try {
      loadConfig({ ...good, REDIS_URL: value });
      return [];
    } catch (err) {
      if (err instanceof ConfigError) {
        return err.problems.filter((p) => p.startsWith('environment REDIS_URL'));
      }
      throw err;
    }
  };

  it.each([
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['rediss://cache.example.com:6380/2', 'rediss://cache.example.com:6380/2'],
    ['redis://:pa%40ss@redis:6379', 'redis://:pa%40ss@redis:6379'],
    ['redis://[::1]:6379', 'redis://[::1]:6379'],
    ['localhost:6379', 'redis://localhost:6379'],
    ['10.0.0.7:6390', 'redis://10.0.0.7:6390'],
    ['[::1]:6379', 'redis://[::1]:6379'],
    ['redis', 'redis://redis:6379'],
    ['/run/redis/redis.sock', '/run/redis/redis.sock'],
    ['unix:///run/redis/redis.sock', '/run/redis/redis.sock'],
    ['  redis://127.0.0.1:6379  ', 'redis://127.0.0.1:6379'],
    ['', 'redis://127.0.0.1:6379'],
  ])('accepts %j as %j', (value, expected) => {
    expect(loadConfig({ ...good, REDIS_URL: value }).env.REDIS_URL).toBe(expected);
  });

  it('defaults to redis://127.0.0.1:6379 when unset', () => {
    expect(loadConfig(good).env.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it.each(['http://127.0.0.1:6379', 'https://redis.example.com', 'tcp://127.0.0.1:6379', 'memcached://cache:11211'])(
    'refuses %j, naming the scheme and the form expected',
    (value) => {
      const [problem, ...more] = redisProblems(value);
      expect(more).toEqual([]);
      expect(problem).toContain(`${value.split(':')[0]}://`);
      expect(problem).toContain('which is not Redis');
      expect(problem).toContain('expected redis://host:port, e.g. redis://127.0.0.1:6379');
    },
  );

  it('explains that http:// is a web address', () => {
    expect(redisProblems('http://127.0.0.1:6379').join('\n')).toContain('http:// is a web address');
  });

  it.each([
    ['redis://:6379', 'not a valid URL'],
    ['redis://127.0.0.1:99999', 'not a valid URL'],
    ['127.0.0.1:0', 'invalid port'],
    ['redis://127.0.0.1:6379/queue', 'database number'],
    ['unix://relative.sock', 'absolute socket path'],
    ['not a url', 'not a Redis address'],
  ])('refuses %j (%s)', (value, reason) => {
    const problems = redisProblems(value);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(reason);
    expect(problems[0]).toContain('redis://127.0.0.1:6379');
  });

  it('never shows the password of a refused URL', () => {
    for (const value of ['http://:hunter2secret@10.0.0.7:6379', 'redis://user:hunter2secret@10.0.0.7:6379/jobs', 'https://hunter2secret@host']) {
      const problems = redisProblems(value);
      expect(problems).toHaveLength(1);
      expect(problems[0]).not.toContain('hunter2secret');
      expect(problems[0]).toContain('***@');
    }
  });

  it('lists a bad REDIS_URL with the other problems', () => {
    let caught: unknown;
    try {
      loadConfig({ ...good, OKTA_APP_ID: '', REDIS_URL: 'http://127.0.0.1:6379' });
    } catch (err) {
      caught = err;
    }
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('OKTA_APP_ID');
    expect(problems).toContain('REDIS_URL');
  });

  it('feeds the password to the redactor', () => {
    expect(loadConfig({ ...good, REDIS_URL: 'redis://:s%3Acret-pw@redis:6379' }).secrets).toContain('s:cret-pw');
  });
});
