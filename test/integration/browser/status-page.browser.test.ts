import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { runDemo, type RunningDemo } from '../../../simulators/demo/run-demo';
import { MASS_UNASSIGN_EMAILS } from '../../../simulators/demo/demo-scenario';
import { testRedisUrl } from '../../helpers/redis';

/**
 * The status page in a real browser (Debian's Chromium via playwright-core): an operator opens it
 * with the admin token, sees the demo's plan and a held mass deletion, approves it, and sees the
 * users deleted from HubSpot.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'artifacts');

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

let demo: RunningDemo;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  demo = await runDemo({ port: 0, changeEveryMs: 0, redisUrl: testRedisUrl(), logFormat: 'json', logLevel: 'error', print: () => undefined });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

it('shows the plan and a held deletion, approves it, and the users are gone from HubSpot', async () => {
  const api = async (p: string) => {
    const res = await fetch(`${demo.statusUrl}${p}`, { headers: { Authorization: `Bearer ${demo.adminToken}` } });
    return (await res.json()) as Record<string, unknown>;
  };
  // The first reconciliation (at start) has provisioned the company.
  await until('the first reconciliation', async () => {
    const plans = (await api('/api/plans')) as { plans?: Array<{ outcome?: string }> };
    return plans.plans?.some((p) => p.outcome === 'succeeded') ?? false;
  });
  // Run the story up to the reorganisation: twelve people unassigned at once.
  let step;
  do {
    step = demo.nextStep();
  } while (!step.say.startsWith('Reorganisation'));
  // One hold gathers the whole reorganisation (each person's job files into it as it runs).
  await until('the whole reorganisation in one pending hold', async () => {
    const approvals = (await api('/api/approvals')) as { approvals?: Array<{ deletions?: Array<{ email?: string | null }> }> };
    const held = new Set(approvals.approvals?.[0]?.deletions?.map((d) => d.email) ?? []);
    return approvals.approvals?.length === 1 && MASS_UNASSIGN_EMAILS.every((e) => held.has(e));
  });

  const context = await browser.newContext({ httpCredentials: { username: 'operator', password: demo.adminToken } });
  const page = await context.newPage();
  await page.goto(`${demo.statusUrl}/`);
  await page.getByRole('heading', { name: 'Latest plan' }).waitFor();
  const body = await page.locator('body').innerText();
  expect(body).toContain('Pending approvals');
  const approve = page.getByRole('button', { name: /^Approve \d+ deletions/ });
  await approve.first().waitFor();
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-held.png'), fullPage: true });
  expect(body).not.toContain(demo.adminToken);

  await approve.first().click();
  await page.waitForLoadState('load');
  // The notice says the approval went through (not "nothing to do", not "not valid").
  await expect(page.locator('p.notice').innerText()).resolves.toBe('Approved: the held deletions will be carried out.');
  // Every unassigned person ends up deleted from HubSpot, and the page no longer offers the approval.
  await until('the approved deletions', async () => {
    const audit = (await api('/api/audit?limit=500')) as { entries?: Array<{ action?: string; email?: string | null; outcome?: string }> };
    const deleted = new Set((audit.entries ?? []).filter((e) => e.action === 'delete' && e.outcome === 'applied').map((e) => e.email));
    return MASS_UNASSIGN_EMAILS.every((e) => deleted.has(e));
  }, 90_000);
  await page.goto(`${demo.statusUrl}/`);
  await expect(page.getByRole('button', { name: /^Approve \d+ deletions/ }).count()).resolves.toBe(0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-approved.png'), fullPage: true });
  await context.close();
}, 240_000);
