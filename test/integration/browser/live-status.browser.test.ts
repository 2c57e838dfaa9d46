import path from 'node:path';
import type { Page } from 'playwright-core';
import { FAILING_HIRE_EMAIL } from '../../../simulators/demo/demo-scenario';
import { ARTIFACTS, until, useBrowserDemo } from '../../helpers/browser-demo';

/**
 * The status page and a user's page in a real browser (Debian's Chromium via playwright-core),
 * on the demo: the page updates itself without a reload as the story goes on (a failed sync
 * named by email, a user waiting for a seat), its strict CSP lets its own script run and nothing
 * else, and the failing hire's page says why she stands where she does, before and after the fix.
 */

const t = useBrowserDemo();
const problems: string[] = [];

function watch(page: Page): void {
  page.on('console', (m) => {
    if (m.type() === 'error') {
      problems.push(m.text());
    }
  });
  page.on('pageerror', (e) => problems.push(e.message));
}

it('updates itself without a reload: a failed sync named by email, a user waiting for a seat, every section as of a time', async () => {
  await t.firstReconciliation();
  const context = await t.operatorContext();
  const page = await context.newPage();
  watch(page);
  let navigations = 0;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) {
      navigations++;
    }
  });
  await page.goto(`${t.demo.statusUrl}/`);
  expect(navigations).toBe(1);
  const failed = page.locator('[data-section="failed"]');
  const seats = page.locator('[data-section="seats"]');
  await expect(failed.innerText()).resolves.toContain('No failed jobs.');
  // Every section says what time it is as of.
  const sections = await page.locator('div.live').count();
  await expect(page.locator('div.live > p.asof').count()).resolves.toBe(sections);

  // The story goes on: a new hire, the hire HubSpot refuses, two promotions (the second waits for a seat).
  t.demo.nextStep();
  t.demo.nextStep();
  t.demo.nextStep();
  t.demo.nextStep();
  await until('the failed sync on the page, without a reload', async () => (await failed.innerText()).includes(FAILING_HIRE_EMAIL), 60_000);
  await until('joan.clarke waiting for a seat, without a reload', async () => (await seats.innerText()).includes('joan.clarke@acme.example'), 60_000);
  expect(navigations).toBe(1);
  // Jobs ran (BullMQ's limiter key lives) but HubSpot limited nothing: the dashboard says not rate limited.
  const queuesApi = (await t.api('/admin/queues/api/queues')) as { queues?: Array<{ name: string; activeRateLimitTtl: number }> };
  expect(queuesApi.queues?.find((q) => q.name === 'sync-user')?.activeRateLimitTtl).toBe(0);
  const failedText = await failed.innerText();
  expect(failedText).toMatch(/gladys\.west@acme\.example \(Okta 00u\w+\)/);
  expect(failedText).toContain('400 VALIDATION_ERROR');
  await expect(page.locator('#live').innerText()).resolves.toMatch(/^Live: updated \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
  await expect(page.locator('#activity svg.chart').count()).resolves.toBe(2);
  await page.locator('#failed').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ARTIFACTS, 'status-live-failed-and-waiting.png'), fullPage: false });
  await page.screenshot({ path: path.join(ARTIFACTS, 'status-live-full.png'), fullPage: true });
  for (const id of ['seats', 'unmapped', 'activity', 'queues']) {
    await page.locator(`#${id}`).screenshot({ path: path.join(ARTIFACTS, `status-live-${id}.png`) });
  }
  expect(await page.locator('body').innerText()).not.toContain(t.demo.adminToken);
  expect(problems).toEqual([]);
  // The queue dashboard, for a look at its "rate limited" badge (absent: nothing limited the daemon).
  const dashboard = await context.newPage();
  await dashboard.goto(`${t.demo.statusUrl}/admin/queues/queue/sync-user`);
  await dashboard.getByText(/completed/i).first().waitFor();
  await dashboard.getByText('Loading...').waitFor({ state: 'detached' }).catch(() => undefined);
  await dashboard.screenshot({ path: path.join(ARTIFACTS, 'dashboard-no-rate-limit.png') });
  expect(await dashboard.locator('body').innerText()).not.toMatch(/rate limited/i);
  await context.close();
}, 240_000);

it('has a page per user: Okta and HubSpot facts, the ledger, the history in time order, and why they stand where they do', async () => {
  const context = await t.operatorContext();
  const page = await context.newPage();
  watch(page);
  const userUrl = `${t.demo.statusUrl}/users/${encodeURIComponent(FAILING_HIRE_EMAIL)}`;
  // Reached from the failed jobs table.
  await page.goto(`${t.demo.statusUrl}/#failed`);
  await page.locator('[data-section="failed"]').getByRole('link', { name: FAILING_HIRE_EMAIL }).click();
  await page.waitForURL(userUrl);
  const reason = page.getByTestId('reason');
  // Until a sync succeeds the failure is why she stands where she does (the minute's reconciliation may have created her already).
  const before = await reason.innerText();
  if (before.startsWith('The latest sync failed')) {
    expect(before).toMatch(/^The latest sync failed for good: gladys\.west@acme\.example \(Okta 00u\w+\): HubSpot createUser for gladys\.west@acme\.example failed \(400 VALIDATION_ERROR\)/);
    await expect(page.locator('#hubspot').innerText()).resolves.toContain('HubSpot has no user with this email.');
  } else {
    expect(before).toMatch(/^Managed since /);
  }
  await expect(page.locator('#okta').innerText()).resolves.toContain('Service Agent');
  await expect(page.locator('#history').innerText()).resolves.toMatch(/sync\s+failed\s+gladys\.west@acme\.example \(Okta 00u\w+\): HubSpot createUser/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'user-page-failed.png'), fullPage: true });

  // The rest of the story up to the fix: the demo retries her failed job, as the Retry button does.
  let step;
  do {
    step = t.demo.nextStep();
  } while (!step.say.startsWith('Fix:'));
  await until('gladys created in HubSpot', async () => {
    const audit = (await t.api(`/api/audit?user=${encodeURIComponent(FAILING_HIRE_EMAIL)}`)) as { entries?: Array<{ action?: string; outcome?: string }> };
    return audit.entries?.some((e) => (e.action === 'create' || e.action === 'adopt') && e.outcome === 'applied') ?? false;
  }, 90_000);
  // The retry ran: no failed job is left for her.
  await until('her failed job retried', async () => !JSON.stringify(await t.api('/api/failed-jobs')).includes(FAILING_HIRE_EMAIL), 60_000);
  await page.reload();
  await expect(reason.innerText()).resolves.toMatch(/^Managed since .* \(created\)/);
  await expect(page.locator('#hubspot').innerText()).resolves.toContain('Service Agent');
  await expect(page.locator('#ledger').innerText()).resolves.toContain('created by the daemon');
  const history = await page.locator('#history tbody tr').allInnerTexts();
  const failedAt = history.findIndex((r) => /sync\s+failed/.test(r));
  const createdAt = history.findIndex((r) => /create\s+applied/.test(r));
  expect(failedAt).toBeGreaterThanOrEqual(0);
  expect(createdAt).toBeGreaterThan(failedAt);
  const times = await page.locator('#history tbody tr td:first-child time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
  expect([...times].sort()).toEqual(times);
  await page.screenshot({ path: path.join(ARTIFACTS, 'user-page-after-fix.png'), fullPage: true });
  expect(await page.locator('body').innerText()).not.toContain(t.demo.adminToken);
  expect(problems).toEqual([]);
  await context.close();
}, 240_000);
