import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../config/load';
import { renderDoctor, type CheckResult } from '../../../src/doctor/doctor';
import { createHubSpotSimulator, type HubSpotSimulator } from '../../../simulators/hubspot';
import { createOktaSimulator, type OktaSimulator } from '../../../simulators/okta';
import { doctorChecks } from '../../helpers/doctor-run';
import { testRedisUrl } from '../../helpers/redis';

let okta: OktaSimulator;
let hubspot: HubSpotSimulator;
let dir: string;

beforeAll(async () => {
  okta = createOktaSimulator({ token: 'okta-doctor-sources-0001' });
  hubspot = createHubSpotSimulator({ token: 'hs-doctor-sources-0001' });
  await Promise.all([okta.start(), hubspot.start()]);
  dir = mkdtempSync(path.join(tmpdir(), 'doctor-sources-'));
});

afterAll(async () => {
  await Promise.all([okta.stop(), hubspot.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

async function doctorWith(rulesYaml: string): Promise<Map<string, CheckResult>> {
  const file = path.join(dir, `rules-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, rulesYaml);
  const config = loadConfig({
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: okta.token,
    OKTA_APP_ID: okta.appId,
    HUBSPOT_BASE_URL: hubspot.url,
    HUBSPOT_ACCESS_TOKEN: hubspot.token,
    REDIS_URL: testRedisUrl(),
    SYNC_CONFIG: file,
  });
  return doctorChecks(config);
}

describe('doctor and the rules\' sources', () => {
  it('fails on a role or a team a groups source names that HubSpot lacks, with what HubSpot has', async () => {
    const r = await doctorWith(
      [
        'rules:',
        '  roles:',
        '    sources:',
        '      - groups:',
        '          - { group: Sales, role: Sales Wizard }',
        '      - title',
        '  teams:',
        '    primary:',
        '      - groups:',
        '          - { group: Sales, team: Salez }',
        '',
      ].join('\n'),
    );
    expect(r.get('rules-roles')?.status).toBe('fail');
    const items = r.get('rules-roles')?.items ?? [];
    expect(items).toEqual([
      expect.stringMatching(/^roles\.sources\[0\] group "Sales" names role "Sales Wizard", which HubSpot does not have: its members get no role from it\. .*HubSpot's roles: /),
      'teams.primary[0] group "Sales" names team "Salez", which HubSpot does not have: its members get no team from it. Did you mean "Sales"? HubSpot\'s teams: "Marketing", "Sales".',
    ]);
  });

  it('reads the rule groups as a reconciliation does: by name, their members once, counted per source', async () => {
    const r = await doctorWith(['rules:', '  roles:', '    sources:', '      - groups:', '          - { group: sales, role: Sales Manager }', '      - title', ''].join('\n'));
    const groups = r.get('rule-groups');
    expect(groups?.status).toBe('ok');
    expect(groups?.items).toEqual([expect.stringMatching(/^Sales \(00g\w+\): [1-9]\d* of the assigned users$/)]);
    const assigned = Number(/: (\d+) of/.exec(groups?.items?.[0] ?? '')?.[1]);
    // The census sees the group's members (by the group's Okta name), not a group named by its id.
    expect(r.get('rule-sources')?.items).toEqual([`roles from groups: group Sales ${assigned} → Sales Manager; ${Number(/(\d+) users in scope/.exec(r.get('rule-sources')?.detail ?? '')?.[1]) - assigned} users with none`]);
  });

  it('fails on a rule group Okta lacks, with a suggestion and the groups Okta has', async () => {
    const r = await doctorWith(['rules:', '  teams:', '    secondary:', '      - groups:', '          - { group: Engineerin, team: Sales }', '          - { group: Sales, team: Sales }', ''].join('\n'));
    const groups = r.get('rule-groups');
    expect(groups?.status).toBe('fail');
    expect(groups?.detail).toBe('the rules name Okta groups that do not exist: "Engineerin" (did you mean "Engineering"?); users match no rule for them. Okta\'s groups: "Engineering", "Sales".');
    expect(groups?.items).toEqual([expect.stringMatching(/^Sales \(00g\w+\): \d+ of the assigned users$/)]);
  });

  it('shows, per source, the values found among the users in scope', async () => {
    const r = await doctorWith('rules:\n  roles:\n    sources: [{ appAttribute: role }, title]\n');
    const check = r.get('rule-sources');
    expect(check?.items?.[0]).toMatch(/^roles from app attribute role: /);
    expect(renderDoctor([...r.values()])).toContain('rule-sources');
    // The Title is still reported by Title.
    expect(r.get('titles')?.examples?.join(' ')).toContain('Chief Happiness Officer');
  });
});
