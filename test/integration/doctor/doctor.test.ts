import { loadConfig, type Config } from '../../../config/load';
import { renderDoctor, type CheckResult } from '../../../src/doctor/doctor';
import { createHubSpotSimulator, type HubSpotSimulator } from '../../../simulators/hubspot';
import { createOktaSimulator, type OktaSimulator } from '../../../simulators/okta';
import { doctorChecks } from '../../helpers/doctor-run';
import { testRedisUrl } from '../../helpers/redis';

let okta: OktaSimulator;
let hubspot: HubSpotSimulator;

beforeAll(async () => {
  okta = createOktaSimulator({ token: 'okta-doctor-token-0001' });
  hubspot = createHubSpotSimulator({ token: 'hs-doctor-token-0001' });
  await Promise.all([okta.start(), hubspot.start()]);
  hubspot.registerToken('hs-read-only-token-0001', ['settings.users.read']);
});

afterAll(async () => {
  await Promise.all([okta.stop(), hubspot.stop()]);
});

function configWith(overrides: Record<string, string>): Config {
  return loadConfig({
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: okta.token,
    OKTA_APP_ID: okta.appId,
    HUBSPOT_BASE_URL: hubspot.url,
    HUBSPOT_ACCESS_TOKEN: hubspot.token,
    REDIS_URL: testRedisUrl(),
    ...overrides,
  });
}

async function doctor(overrides: Record<string, string> = {}): Promise<Map<string, CheckResult>> {
  const config = configWith(overrides);
  return doctorChecks(config);
}

describe('doctor against the simulators', () => {
  it('passes a working setup, warning about unmapped titles and open email domains', async () => {
    const r = await doctor();
    expect([...r.values()].filter((c) => c.status === 'fail')).toEqual([]);
    expect(r.get('okta-app')?.status).toBe('ok');
    expect(r.get('okta-users')?.detail).toMatch(/\d+ users assigned/);
    expect(r.get('hubspot-scopes')?.status).toBe('ok');
    expect(r.get('titles')?.status).toBe('warn');
    expect(r.get('titles')?.examples?.join(' ')).toContain('Chief Happiness Officer');
    expect(r.get('email-domains')?.status).toBe('warn');
    expect(r.get('redis')?.status).not.toBe('fail');
  });

  it('names a wrong Okta token, a wrong app id, a missing HubSpot scope and a Redis that is down', async () => {
    const badToken = await doctor({ OKTA_API_TOKEN: 'not-the-okta-token' });
    expect(badToken.get('okta-app')).toMatchObject({ status: 'fail' });
    expect(badToken.get('okta-app')?.detail).toMatch(/rejected the token/);
    expect(JSON.stringify([...badToken.values()])).not.toContain('not-the-okta-token');

    const badApp = await doctor({ OKTA_APP_ID: '0oa-no-such-app' });
    expect(badApp.get('okta-app')?.detail).toMatch(/no app 0oa-no-such-app/);

    const readOnly = await doctor({ HUBSPOT_ACCESS_TOKEN: 'hs-read-only-token-0001' });
    expect(readOnly.get('hubspot-scopes')).toMatchObject({ status: 'fail' });
    expect(readOnly.get('hubspot-scopes')?.detail).toMatch(/settings\.users\.write/);

    const noRedis = await doctor({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(noRedis.get('redis')?.status).toBe('fail');
  });

  it('fails when the rules name a role HubSpot does not have, and flags users outside the allowed domains', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'doctor-')), 'rules.yaml');
    writeFileSync(file, 'rules:\n  roles:\n    aliases:\n      Account Executive: Enterprise Closer\n  emailDomains: [acme.example]\n');
    const r = await doctor({ SYNC_CONFIG: file });
    expect(r.get('rules-roles')?.status).toBe('fail');
    const [problem, ...more] = r.get('rules-roles')?.items ?? [];
    expect(more).toEqual([]);
    expect(problem).toContain('roles.aliases "Account Executive" names role "Enterprise Closer", which HubSpot does not have');
    // The names HubSpot does have are listed, so the operator can fix the rule without looking them up.
    const someRole = hubspot.admin.roles()[0]?.name ?? '';
    expect(someRole).not.toBe('');
    expect(problem).toContain(`HubSpot's roles: `);
    expect(problem).toContain(`"${someRole}"`);
    expect(renderDoctor([...r.values()])).toContain('    - roles.aliases "Account Executive"');
    expect(r.get('email-domains')?.status).toBe('warn');
    expect(r.get('email-domains')?.examples).toContain('pat@contractors.example');
  });

  it('reads emailDomains entries as the planner does: " @ACME.example" is acme.example', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'doctor-')), 'rules.yaml');
    writeFileSync(file, 'rules:\n  emailDomains: [" @ACME.example", "@contractors.example"]\n');
    const r = await doctor({ SYNC_CONFIG: file });
    expect(r.get('email-domains')).toMatchObject({ status: 'ok', detail: expect.stringContaining('acme.example, contractors.example') });
  });
});
