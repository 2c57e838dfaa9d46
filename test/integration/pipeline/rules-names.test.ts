import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { spawnCli } from './cli-run';
import { eventually, startPipelineRig, type PipelineRig } from './pipeline-rig';

/**
 * `start` with a rules file naming roles HubSpot does not have (the demo company's HubSpot has
 * "Sales Rep", "Sales Manager", …): the daemon says so in its log, on the status page and JSON,
 * and in /metrics, through the real SDK against the HubSpot simulator.
 */
let rig: PipelineRig;

beforeAll(async () => {
  rig = await startPipelineRig({
    rules: {
      roles: { aliases: { 'Account Executive': 'Sales Representative' }, patterns: [{ pattern: '^VP ', role: 'Executive' }] },
      seats: { budget: { 'Sales Managr': 3, 'Sales Rep': 50 } },
    },
  });
});

afterAll(async () => {
  await rig.stop();
});

async function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

interface LogLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

describe('start with rules naming roles HubSpot lacks', () => {
  it('warns once per name with the roles HubSpot has, and shows them on the status page, its JSON and /metrics', async () => {
    const port = await freePort();
    const token = randomBytes(32).toString('hex');
    const plainPrefix = rig.prefix.replace(/[{}]/g, '');
    const child = spawnCli(['start'], {
      ...rig.env,
      PORT: String(port),
      SYNC_ADMIN_TOKEN: token,
      // Given without braces: wrapped back into the rig's prefix, so the rig removes the keys.
      SYNC_QUEUE_PREFIX: plainPrefix,
      SYNC_RECONCILE_CRON: '*/2 * * * * *',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const logLines = (): LogLine[] =>
      output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as LogLine);
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${token}` };
    try {
      await eventually(async () => (await fetch(`${base}/readyz`)).status === 200, 'readiness', 60_000);
      // Two reconciliations after the check at start: the warnings must still have been logged once.
      await eventually(async () => {
        const status = (await (await fetch(`${base}/api/status`, { headers: auth })).json()) as { reconciliations: Array<{ outcome: string }> };
        return status.reconciliations.filter((r) => r.outcome !== 'running').length >= 2;
      }, 'two finished reconciliations', 60_000);

      const warnings = logLines().filter((l) => l.level === 'warn' && l.message.startsWith('rules name a role HubSpot lacks'));
      expect(warnings.map((w) => w.name).sort()).toEqual(['Executive', 'Sales Managr', 'Sales Representative']);
      const alias = warnings.find((w) => w.name === 'Sales Representative');
      expect(alias?.message).toContain('roles.aliases "Account Executive" names role "Sales Representative", which HubSpot does not have');
      expect(alias?.message).toContain('Did you mean "Sales Rep"?');
      expect(alias?.message).toContain(`HubSpot's roles: "Admin", "Marketing Manager"`);
      expect(warnings.find((w) => w.name === 'Sales Managr')).toMatchObject({ where: 'seats.budget', suggestion: 'Sales Manager' });

      const prefixNotes = logLines().filter((l) => l.message.includes('SYNC_QUEUE_PREFIX'));
      expect(prefixNotes).toEqual([expect.objectContaining({ level: 'info', message: expect.stringContaining(`using "${rig.prefix}" as the key prefix`) })]);

      const status = (await (await fetch(`${base}/api/status`, { headers: auth })).json()) as {
        facts: { rulesCheck: { unknown: Array<{ kind: string; where: string; name: string; suggestion: string | null }>; roles: string[] } | null };
      };
      expect(status.facts.rulesCheck?.unknown).toEqual([
        expect.objectContaining({ kind: 'role', where: 'roles.aliases "Account Executive"', name: 'Sales Representative', suggestion: 'Sales Rep' }),
        expect.objectContaining({ kind: 'role', where: 'roles.patterns[0] /^VP /', name: 'Executive', suggestion: null }),
        expect.objectContaining({ kind: 'role', where: 'seats.budget', name: 'Sales Managr', suggestion: 'Sales Manager' }),
      ]);
      expect(status.facts.rulesCheck?.roles).toContain('Sales Rep');

      const page = await (await fetch(`${base}/`, { headers: auth })).text();
      expect(page).toContain('Rules naming things HubSpot lacks');
      expect(page).toContain('<b>Sales Representative</b>');
      expect(page).toContain('&quot;Sales Rep&quot;');

      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^okta_hubspot_sync_rules_unknown_names\{kind="role"\} 3$/m);
      expect(metrics).toMatch(/^okta_hubspot_sync_rules_unknown_names\{kind="seat"\} 0$/m);

      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
