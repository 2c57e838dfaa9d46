import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Daemon } from '../../../src/daemon/daemon';
import type { WhatIfJson } from '../../../src/sync/rules-diff';
import { runCli } from './cli-run';
import { startPipelineRig, type PipelineRig } from './pipeline-rig';

const DOMAIN = 'acme.example';
let rig: PipelineRig;
let daemon: Daemon;
let dir: string;

/** Writes a proposed rules file and returns its path. */
function proposedFile(name: string, rules: Record<string, unknown>): string {
  const file = path.join(dir, name);
  writeFileSync(file, stringify({ rules }));
  return file;
}

/** What HubSpot holds now, to compare before and after a what-if. */
function hubspotState(): string {
  return JSON.stringify(rig.hubspot.sim.admin.users().map((u) => [u.id, u.email, u.roleId, u.primaryTeamId, u.secondaryTeamIds, u.seatNames]));
}

beforeAll(async () => {
  rig = await startPipelineRig({ rules: { emailDomains: [DOMAIN] } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'ohs-what-if-'));
  daemon = rig.daemon({ roles: { workers: true } });
  await daemon.start();
  // The demo company, provisioned under the current rules.
  await daemon.jobs.reconcileNow('manual');
  await daemon.stop();
});

afterAll(async () => {
  await rig.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('reconcile --dry-run --rules (what-if)', () => {
  it('plans both rule sets from one read, reports the right differences, and changes nothing in HubSpot', async () => {
    const file = proposedFile('proposed.yaml', {
      emailDomains: [DOMAIN],
      roles: { aliases: { 'Chief Happiness Officer': 'Admin' }, fallbackRole: 'Support Viewer' },
      seats: { budget: { 'Sales Manager': 1 } },
      teams: { primary: [{ attribute: 'department' }] },
    });
    const before = hubspotState();
    const mutating = rig.hubspot.sim.counts().mutating;
    const { code, stdout, stderr } = await runCli(['reconcile', '--dry-run', '--rules', file, '--json'], rig.env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as WhatIfJson;
    expect(doc.dryRun).toBe(true);
    const byEmail = new Map(doc.diff.changed.map((d) => [d.email, d]));
    expect(byEmail.get(`hedy.lamarr@${DOMAIN}`)).toMatchObject({ role: { current: null, proposed: 'Admin' }, why: expect.stringContaining('alias "Chief Happiness Officer" → "Admin"') });
    // The Interns (no role today) and the user without a Title get the fallback role.
    for (const email of [`niklaus.wirth@${DOMAIN}`, `jean.sammet@${DOMAIN}`, `larry.wall@${DOMAIN}`]) {
      expect(byEmail.get(email)?.role).toEqual({ current: null, proposed: 'Support Viewer' });
    }
    // Everyone with a role today keeps it: only the users with none (Titles that match no role) change.
    const noRoleToday = ['hedy.lamarr', 'jean.sammet', 'john.mccarthy', 'larry.wall', 'margaret.hamilton', 'niklaus.wirth', 'tim.bernerslee'].map((n) => `${n}@${DOMAIN}`);
    expect(doc.diff.changed.filter((d) => d.role).map((d) => d.email).sort()).toEqual(noRoleToday);
    expect(noRoleToday.every((e) => { const u = rig.hubspot.sim.admin.user(e); return u !== null && u.roleIds.length === 0; })).toBe(true);
    // Two Sales Managers hold the role: over the proposed budget of 1, not over the current (none).
    expect(doc.diff.overBudget.current).toEqual([]);
    expect(doc.diff.overBudget.proposed).toEqual([expect.objectContaining({ seat: 'Sales Manager', used: 2, budget: 1 })]);
    expect(doc.diff.created).toEqual({ proposed: [], current: [] });
    expect(doc.diff.deleted).toEqual({ proposed: [], current: [] });
    expect(rig.hubspot.sim.counts().mutating).toBe(mutating);
    expect(hubspotState()).toBe(before);
  });

  it('prints the differences for people, and says that nothing changed', async () => {
    const file = proposedFile('unassign.yaml', { emailDomains: [DOMAIN], scope: { statuses: { LOCKED_OUT: 'out' } }, roles: { aliases: { Intern: 'Marketing Viewer' } } });
    const before = hubspotState();
    const { code, stdout } = await runCli(['reconcile', '--dry-run', '--rules', file], rig.env);
    expect(code).toBe(0);
    expect(stdout).toContain(`niklaus.wirth@${DOMAIN}: role (none) → "Marketing Viewer"`);
    expect(stdout).toMatch(/1 would be deleted only under the proposed rules:\n {2}brian\.kernighan@acme\.example: /);
    expect(stdout).toContain('Dry run: nothing was changed in HubSpot; no plan was stored.');
    expect(hubspotState()).toBe(before);
  });

  it('refuses a proposed file that is not valid, listing its problems, and --rules without --dry-run', async () => {
    const bad = proposedFile('bad.yaml', { roles: { sources: [{ attribute: '' }], fallbackRole: 7 } });
    const invalid = await runCli(['reconcile', '--dry-run', '--rules', bad], rig.env);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('rules.roles.sources.0');
    expect(invalid.stderr).toContain('rules.roles.fallbackRole');
    const alone = await runCli(['reconcile', '--rules', bad], rig.env);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('use it with --dry-run');
  });
});
