import path from 'node:path';
import { MASS_UNASSIGN_EMAILS } from '../../../simulators/demo/demo-scenario';
import { ARTIFACTS, until, useBrowserDemo } from '../../helpers/browser-demo';

/**
 * The status page in a real browser (Debian's Chromium via playwright-core): an operator opens it
 * with the admin token, sees the demo's plan and a held mass deletion, approves it, and sees the
 * users deleted from HubSpot.
 */

const t = useBrowserDemo();

it('shows the plan and a held deletion, approves it, and the users are gone from HubSpot', async () => {
  // The first reconciliation (at start) has provisioned the company.
  await t.firstReconciliation();
  // Run the story up to the reorganisation: twelve people unassigned at once.
  let step;
  do {
    step = t.demo.nextStep();
  } while (!step.say.startsWith('Reorganisation'));
  // One hold gathers the whole reorganisation (each person's job files into it as it runs).
  // The approval names the number of deletions the operator saw, and a hold that changed since
  // is left pending ("its state changed meanwhile"): wait until it has stopped changing (jobs of
  // the same people can still be filing into it).
  let last = '';
  let sameFor = 0;
  await until('the whole reorganisation in one pending hold, no longer changing', async () => {
    const approvals = (await t.api('/api/approvals')) as { approvals?: Array<{ id?: string; deletions?: Array<{ email?: string | null }> }> };
    const held = approvals.approvals?.[0]?.deletions?.map((d) => d.email) ?? [];
    const whole = approvals.approvals?.length === 1 && MASS_UNASSIGN_EMAILS.every((e) => held.includes(e));
    const seen = `${approvals.approvals?.[0]?.id ?? ''}:${[...held].sort().join(',')}`;
    sameFor = whole && seen === last ? sameFor + 1 : 0;
    last = seen;
    return sameFor >= 6;
  });

  const context = await t.operatorContext();
  const page = await context.newPage();
  await page.goto(`${t.demo.statusUrl}/`);
  await page.getByRole('heading', { name: 'Latest plan' }).waitFor();
  const body = await page.locator('body').innerText();
  expect(body).toContain('Pending approvals');
  const approve = page.getByRole('button', { name: /^Approve \d+ deletions/ });
  await approve.first().waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-held.png'), fullPage: true });
  expect(body).not.toContain(t.demo.adminToken);

  await approve.first().click();
  await page.waitForLoadState('load');
  // The notice says the approval went through (not "nothing to do", not "not valid").
  await expect(page.locator('p.notice').innerText()).resolves.toBe('Approved: the held deletions will be carried out.');
  // Every unassigned person ends up deleted from HubSpot, and the page no longer offers the approval.
  await until('the approved deletions', async () => {
    const audit = (await t.api('/api/audit?limit=500')) as { entries?: Array<{ action?: string; email?: string | null; outcome?: string }> };
    const deleted = new Set((audit.entries ?? []).filter((e) => e.action === 'delete' && e.outcome === 'applied').map((e) => e.email));
    return MASS_UNASSIGN_EMAILS.every((e) => deleted.has(e));
  }, 90_000);
  await page.goto(`${t.demo.statusUrl}/`);
  await expect(page.getByRole('button', { name: /^Approve \d+ deletions/ }).count()).resolves.toBe(0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-approved.png'), fullPage: true });
  await context.close();
}, 240_000);
