import { stringify } from 'yaml';
import type { Daemon } from '../../../src/daemon/daemon';
import type { WhatIfJson } from '../../../src/sync/rules-diff';
import { startPipelineRig, type PipelineRig } from '../pipeline/pipeline-rig';

/**
 * `POST /api/rules/what-if` through real HTTP to the daemon's ops server (read-only, as by
 * default), with the simulated Okta and HubSpot behind the real SDKs and a real Redis.
 */

const DOMAIN = 'acme.example';
const ADMIN_TOKEN = 'what-if-admin-token-0123456789abcdef';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-requested-by': 'test' };
let rig: PipelineRig;
let daemon: Daemon;
let url: string;

/** The Sales group (assigned to the app) gives its members the Sales Manager role, before their Title. */
const SALES_MANAGERS = stringify({ rules: { emailDomains: [DOMAIN], roles: { sources: [{ groups: [{ group: 'Sales', role: 'Sales Manager' }] }, 'title'] } } });

function whatIf(body: string, headers: Record<string, string> = { ...auth, 'content-type': 'text/yaml' }): Promise<Response> {
  return fetch(`${url}/api/rules/what-if`, { method: 'POST', headers, body });
}

/** What HubSpot holds now, to compare before and after a what-if. */
function hubspotState(): string {
  return JSON.stringify(rig.hubspot.sim.admin.users().map((u) => [u.id, u.email, u.roleId, u.primaryTeamId, u.secondaryTeamIds, u.seatNames]));
}

beforeAll(async () => {
  rig = await startPipelineRig({ rules: { emailDomains: [DOMAIN] }, env: { SYNC_ADMIN_TOKEN: ADMIN_TOKEN } });
  // The demo company, provisioned under the current rules.
  const provision = rig.daemon({ roles: { workers: true } });
  await provision.start();
  await provision.jobs.reconcileNow('manual');
  await provision.stop();
  daemon = rig.daemon({ roles: { server: true } });
  await daemon.start();
  const address = daemon.opsAddress();
  if (!address) {
    throw new Error('the ops server did not start');
  }
  url = address.url;
});

afterAll(async () => {
  await rig.stop();
});

describe('POST /api/rules/what-if', () => {
  it('needs the admin token', async () => {
    const res = await whatIf(SALES_MANAGERS, { 'content-type': 'text/yaml', 'x-requested-by': 'test' });
    expect(res.status).toBe(401);
    const wrong = await whatIf(SALES_MANAGERS, { authorization: 'Bearer not-the-token', 'content-type': 'text/yaml', 'x-requested-by': 'test' });
    expect(wrong.status).toBe(401);
  });

  it('refuses rules that are not valid with the problems the daemon would print at start, naming the field', async () => {
    const mutating = rig.hubspot.sim.counts().mutating;
    const res = await whatIf(stringify({ rules: { roles: { sources: [{ attribute: '' }], fallbackRole: 7 }, seatz: {} } }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; problems: string[] };
    expect(body.error).toContain('not valid');
    expect(body.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^proposed rules: rules\.roles\.sources\.0/), expect.stringMatching(/^proposed rules: rules\.roles\.fallbackRole: /), expect.stringContaining('seatz')]),
    );
    const broken = await whatIf('rules:\n  roles: [unclosed', { ...auth, 'content-type': 'application/yaml' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { problems: string[] }).problems[0]).toMatch(/^proposed rules: cannot parse: /);
    const empty = await whatIf('', { ...auth, 'content-type': 'text/plain' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { problems: string[] }).problems[0]).toContain('empty');
    const xml = await whatIf('<rules/>', { ...auth, 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
    expect(rig.hubspot.sim.counts().mutating).toBe(mutating);
  });

  it('answers what the CLI answers for a rules change (a group that gives a role), in read-only mode, writing nothing to HubSpot or the plans', async () => {
    const before = hubspotState();
    const mutating = rig.hubspot.sim.counts().mutating;
    const writes = rig.hubspot.sim.writes().length;
    const plans = (await daemon.state.plans.list()).map((p) => p.id);
    const res = await whatIf(SALES_MANAGERS);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as WhatIfJson;
    expect(doc).toMatchObject({ dryRun: true, proposedRules: 'proposed rules' });
    const byEmail = new Map(doc.diff.changed.map((d) => [d.email, d]));
    // Members of Sales, Sales Reps by Title today, become Sales Managers by the group.
    for (const name of ['edsger.dijkstra', 'barbara.liskov', 'donald.knuth']) {
      expect(byEmail.get(`${name}@${DOMAIN}`)).toMatchObject({ role: { current: 'Sales Rep', proposed: 'Sales Manager' }, why: expect.stringContaining('Sales') });
    }
    // Titles that match no role today: the group gives one.
    expect(byEmail.get(`margaret.hamilton@${DOMAIN}`)?.role).toEqual({ current: null, proposed: 'Sales Manager' });
    // People outside the group keep their role.
    expect(byEmail.has(`grace.hopper@${DOMAIN}`)).toBe(false);
    expect(doc.diff.deleted).toEqual({ proposed: [], current: [] });
    // The same JSON shape as `reconcile --dry-run --rules FILE --json`.
    expect(Object.keys(doc).sort()).toEqual(['diff', 'dryRun', 'proposedRules', 'unmappedValues']);
    expect(rig.hubspot.sim.counts().mutating).toBe(mutating);
    expect(rig.hubspot.sim.writes().length).toBe(writes);
    expect(hubspotState()).toBe(before);
    expect((await daemon.state.plans.list()).map((p) => p.id)).toEqual(plans);
    expect(JSON.stringify(doc)).not.toContain(ADMIN_TOKEN);
    expect(JSON.stringify(doc)).not.toContain(rig.hubspot.sim.token);
  });

  it('takes the rules file as JSON too', async () => {
    const res = await whatIf(JSON.stringify({ rules: { emailDomains: [DOMAIN], roles: { aliases: { Intern: 'Marketing Viewer' } } } }), { ...auth, 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as WhatIfJson;
    expect(doc.diff.changed.find((d) => d.email === `niklaus.wirth@${DOMAIN}`)?.role).toEqual({ current: null, proposed: 'Marketing Viewer' });
  });

  it('refuses a text/plain body without the X-Requested-By header, and a cross-site request', async () => {
    const plain = await whatIf(SALES_MANAGERS, { authorization: auth.authorization, 'content-type': 'text/plain' });
    expect(plain.status).toBe(403);
    const crossSite = await whatIf(SALES_MANAGERS, { ...auth, 'content-type': 'text/yaml', 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
  });

  it('runs one what-if at a time: a second one meanwhile is refused with Retry-After', async () => {
    rig.hubspot.sim.faults.latencyMs = [300, 300];
    try {
      const oktaRequests = rig.okta.sim.requests.length;
      const first = whatIf(SALES_MANAGERS);
      // The first has begun reading Okta.
      while (rig.okta.sim.requests.length === oktaRequests) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const second = await whatIf(SALES_MANAGERS);
      expect(second.status).toBe(409);
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await second.json()) as { error: string }).error).toContain('another what-if is running');
      expect((await first).status).toBe(200);
    } finally {
      rig.hubspot.sim.faults.latencyMs = null;
    }
    // Once it is done, the next one runs.
    expect((await whatIf(SALES_MANAGERS)).status).toBe(200);
  });

  it('refuses a body over 1 MiB', async () => {
    const res = await whatIf(`rules: {}\n# ${'x'.repeat(1024 * 1024)}\n`);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toContain('larger than 1 MiB');
  });
});

describe('the what-if page without JavaScript', () => {
  it('posts the pasted rules with the form token and answers the differences in the words of the CLI', async () => {
    const basic = { authorization: `Basic ${Buffer.from(`ops:${ADMIN_TOKEN}`).toString('base64')}` };
    const form = await fetch(`${url}/rules/what-if`, { headers: basic });
    expect(form.status).toBe(200);
    expect(form.headers.get('content-security-policy')).toContain("script-src 'self'");
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
    expect(token).toBeDefined();
    const res = await fetch(`${url}/rules/what-if`, {
      method: 'POST',
      headers: { ...basic, 'content-type': 'application/x-www-form-urlencoded', origin: url, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ _csrf: token!, rules: SALES_MANAGERS }).toString(),
    });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(`edsger.dijkstra@${DOMAIN}: role &quot;Sales Rep&quot; → &quot;Sales Manager&quot;`);
    // The pasted rules stay in the form, to edit and try again.
    expect(page).toContain('role: Sales Manager');
    const bad = await fetch(`${url}/rules/what-if`, {
      method: 'POST',
      headers: { ...basic, 'content-type': 'application/x-www-form-urlencoded', origin: url, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ _csrf: token!, rules: 'rules:\n  roles:\n    fallbackRole: 7\n' }).toString(),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('proposed rules: rules.roles.fallbackRole');
    const noToken = await fetch(`${url}/rules/what-if`, { method: 'POST', headers: { ...basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ rules: SALES_MANAGERS }).toString() });
    expect(noToken.status).toBe(403);
  });
});
