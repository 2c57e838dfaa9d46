import path from 'node:path';
import { MASS_UNASSIGN_EMAILS } from '../../../simulators/demo/demo-scenario';
import { ARTIFACTS, until, useBrowserDemo } from '../../helpers/browser-demo';

/**
 * Each state of a hold as an operator sees it in a real browser (Debian's Chromium via
 * playwright-core), on the demo: the reorganisation's hold appears on the open page without a
 * reload, a held user's page says their deletion is held and why, a user back in scope leaves the
 * hold (the page updates itself), and after Reject the page and a rejected user's page say so.
 */
const BACK_IN_SCOPE = MASS_UNASSIGN_EMAILS[6]!;
const HELD = MASS_UNASSIGN_EMAILS[1]!;

const t = useBrowserDemo();

it('shows a hold as it opens, as a user leaves it, and once rejected, on the page and on the users\' pages', async () => {
  await t.firstReconciliation();
  const context = await t.operatorContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${t.demo.statusUrl}/`);
  const approvals = page.locator('[data-section="approvals"]');
  await expect(approvals.innerText()).resolves.toContain('No deletions wait for approval.');

  // Held: the reorganisation unassigns twelve people; the open page shows the hold without a reload.
  let step;
  do {
    step = t.demo.nextStep();
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
  await user.goto(`${t.demo.statusUrl}/users/${encodeURIComponent(HELD)}`);
  await expect(user.getByTestId('reason').innerText()).resolves.toMatch(/^Deletion held by the deletion guard since .* \(hold hold-[\w-]+\): .*guard\.maxDeletePercent/);

  // Released: one of them is assigned again; they leave the hold and the open page follows.
  t.demo.simulators.okta.admin.assign(BACK_IN_SCOPE);
  await until('the user back in scope out of the hold', async () => (await heldCount()) === before - 1, 90_000);
  expect(await approvals.innerText()).not.toContain(BACK_IN_SCOPE);
  await user.goto(`${t.demo.statusUrl}/users/${encodeURIComponent(BACK_IN_SCOPE)}`);
  await expect(user.getByTestId('reason').innerText()).resolves.toMatch(/^No longer held for deletion: .*|^Managed since /);
  await expect(user.locator('#history').innerText()).resolves.toMatch(/delete\s+held[\s\S]*delete\s+released/);

  // Rejected: the operator rejects the hold from the page.
  await page.getByRole('button', { name: 'Reject' }).click();
  await page.waitForLoadState('load');
  await expect(page.locator('p.notice').innerText()).resolves.toBe('Rejected: the held deletions were dropped.');
  await expect(approvals.innerText()).resolves.toContain('No deletions wait for approval.');
  await user.goto(`${t.demo.statusUrl}/users/${encodeURIComponent(HELD)}`);
  await expect(user.getByTestId('reason').innerText()).resolves.toMatch(/^Deletion rejected by an operator\. They stay in HubSpot until they come back into scope and leave again\. \(.*deletion rejected by operator via status page .*\)$/);
  await user.screenshot({ path: path.join(ARTIFACTS, 'hold-3-user-rejected.png'), fullPage: true });
  expect(errors).toEqual([]);
  await context.close();
}, 300_000);
