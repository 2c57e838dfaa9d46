import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../config/load';

const good = {
  OKTA_ORG_URL: 'https://acme.okta.com/',
  OKTA_API_TOKEN: 'okta-secret-token',
  OKTA_APP_ID: '0oa123',
  HUBSPOT_ACCESS_TOKEN: 'pat-na1-secret',
};

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

  it('requires a hash-tagged queue prefix', () => {
    expect(() => loadConfig({ ...good, SYNC_QUEUE_PREFIX: 'plain' })).toThrow(/hash-tag/);
  });
});
