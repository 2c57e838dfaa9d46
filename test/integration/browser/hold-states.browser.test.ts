import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { runDemo, type RunningDemo } from '../../../simulators/demo/run-demo';
import { MASS_UNASSIGN_EMAILS } from '../../../simulators/demo/demo-scenario';
import { testRedisUrl } from '../../helpers/redis';

/**
 * Each state of a hold as an operator sees it in a real browser (Debian's Chromium via
 * playwright-core), on the demo: the reorganisation's hold appears on the open page without a
 * reload, a held user's page says their deletion is held and why, a user back in scope leaves the
 * hold (the page updates itself), and after Reject the page and a rejected user's page say so.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'artifacts');
const BACK_IN_SCOPE = MASS_UNASSIGN_EMAILS[6]!;
const HELD = MASS_UNASSIGN_EMAILS[1]!;

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
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

it('shows a hold as it opens, as a user leaves it, and once rejected, on the page and on the users\' pages', async () => {
  const api = async (p: string) => (await (await fetch(`${demo.statusUrl}${p}`, { headers: { Authorization: `Bearer ${demo.adminToken}` } })).json()) as Record<string, unknown>;
  await until('the first reconciliation', async () => ((await api('/api/plans')) as { plans?: Array<{ outcome?: string }> }).plans?.some((p) => p.outcome === 'succeeded') ?? false);
  const context = await browser.newContext({ httpCredentials: { username: 'operator', password: demo.adminToken }, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${demo.statusUrl}/`);
  const approvals = page.locator('[data-section="approvals"]');
  await expect(approvals.innerText()).resolves.toContain('No deletions wait for approval.');

  // Held: the reorganisation unassigns twelve people; the open page shows the hold without a reload.
  let step;
  do {
    step = demo.nextStep();
  } while (!step.say.startsWith('Reorganisation'));
  const heldCount = async () => Number(/(\d+) users' deletions wait for an operator/.exec(await approvals.innerText())?.[1] ?? 0);
  await until('the whole reorganisation in the hold on the open page', async () => {
    const text = await approvals.innerText();
    return MASS_UNASSIGN_EMAILS.every((e) => text.includes(e));
  }, 90_000);
  const before = await heldCount();
  expect(before).toBeGreaterThanOrEqual(MASS_UNASSIGN_EMAILS.length);
  await page.locator('#approvals').screenshot({ path: path.join(ARTIFACTS, 'hold-1-held.png') });
  const user = await context.newPage();
  await user.goto(`${demo.statusUrl}/users/${encodeURIComponent(HELD)}`);
  await expect(user.getByTestId('reason').innerText()).resolves.toMatch(/^Deletion held by the deletion guard since .* \(hold hold-[\w-]+\): .*guard\.maxDeletePercent/);

  // Released: one of them is assigned again; they leave the hold and the open page follows.
  demo.simulators.okta.admin.assign(BACK_IN_SCOPE);
  await until('the user back in scope out of the hold', async () => (await heldCount()) === before - 1, 90_000);
  expect(await approvals.innerText()).not.toContain(BACK_IN_SCOPE);
  await user.goto(`${demo.statusUrl}/users/${encodeURIComponent(BACK_IN_SCOPE)}`);
  await expect(user.getByTestId('reason').innerText()).resolves.toMatch(/^No longer held for deletion: .*|^Managed since /);
  await expect(user.locator('#history').innerText()).resolves.toMatch(/delete\s+held[\s\S]*delete\s+released/);

  // Rejected: the operator rejects the hold from the page.
  await page.getByRole('button', { name: 'Reject' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('p.notice').innerText()).resolves.toBe('Rejected: the held deletions were dropped.');
  await expect(approvals.innerText()).resolves.toContain('No deletions wait for approval.');
  await user.goto(`${demo.statusUrl}/users/${encodeURIComponent(HELD)}`);
  await expect(user.getByTestId('reason').innerText()).resolves.toMatch(/^Deletion rejected by an operator\. They stay in HubSpot until they come back into scope and leave again\. \(.*deletion rejected by operator via status page .*\)$/);
  await user.screenshot({ path: path.join(ARTIFACTS, 'hold-3-user-rejected.png'), fullPage: true });
  expect(errors).toEqual([]);
  await context.close();
}, 300_000);
