import { loadConfig } from '../../../config/load';
import { configProblems, goodEnv } from '../../helpers/config-env';

const good = goodEnv;
const SECRET = 'Bearer 0123456789abcdef0123456789abcdef';

const problems = configProblems;

describe('event hook settings', () => {
  it('leave the hook off and poll every 15 s by default', () => {
    const cfg = loadConfig(good);
    expect(cfg.env.OKTA_EVENT_HOOK_SECRET).toBeUndefined();
    expect(cfg.env.HOOK_PORT).toBeUndefined();
    expect(cfg.env.SYNC_POLL_INTERVAL_SECONDS).toBe(15);
  });

  it('with a secret poll every 60 s unless told otherwise, and keep the secret out of output', () => {
    const cfg = loadConfig({ ...good, OKTA_EVENT_HOOK_SECRET: SECRET });
    expect(cfg.env.SYNC_POLL_INTERVAL_SECONDS).toBe(60);
    expect(cfg.secrets).toContain(SECRET);
    expect(cfg.daemon.hooks).toEqual({ maxBodyBytes: 8 * 1024 * 1024, dedupeTtlSeconds: 21_600, debounceMs: 100, missedGraceSeconds: 30 });
    expect(loadConfig({ ...good, OKTA_EVENT_HOOK_SECRET: SECRET, SYNC_POLL_INTERVAL_SECONDS: '5' }).env.SYNC_POLL_INTERVAL_SECONDS).toBe(5);
  });

  it('refuse a short secret and a bad HOOK_PORT, naming them', () => {
    const found = problems({ ...good, OKTA_EVENT_HOOK_SECRET: 'Bearer short', HOOK_PORT: 'eighty' });
    expect(found.some((p) => p.includes('OKTA_EVENT_HOOK_SECRET'))).toBe(true);
    expect(found.some((p) => p.includes('HOOK_PORT'))).toBe(true);
    expect(found.join('\n')).not.toContain('Bearer short');
  });

  it('take HOOK_PORT and HOOK_HOST', () => {
    const cfg = loadConfig({ ...good, OKTA_EVENT_HOOK_SECRET: SECRET, HOOK_PORT: '8443', HOOK_HOST: '0.0.0.0' });
    expect(cfg.env.HOOK_PORT).toBe(8443);
    expect(cfg.env.HOOK_HOST).toBe('0.0.0.0');
  });
});
