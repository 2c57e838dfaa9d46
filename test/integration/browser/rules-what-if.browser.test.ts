import path from 'node:path';
import { stringify } from 'yaml';
import { ARTIFACTS, useBrowserDemo } from '../../helpers/browser-demo';

/**
 * The what-if page in a real browser (Debian's Chromium via playwright-core): an operator opens it
 * from the status page, pastes a proposed rules file, presses Try, and sees who would get another
 * role. Nothing changes in HubSpot.
 */

const t = useBrowserDemo();

/** The demo's rules (config/demo.yaml) with one more alias: the Interns become Marketing Viewers. */
const PROPOSED = stringify({
  rules: {
    roles: { aliases: { 'Account Executive': 'Sales Rep', Intern: 'Marketing Viewer' }, patterns: [{ pattern: '^Sales Development', role: 'Sales Rep' }] },
    seats: { mode: 'role', budget: { 'Sales Manager': 3 } },
    emailDomains: ['acme.example'],
    protected: ['owner@acme.example'],
  },
});

it('pastes proposed rules, presses Try, and sees the Interns get a role, with nothing written to HubSpot', async () => {
  await t.firstReconciliation();
  const context = await t.operatorContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${t.demo.statusUrl}/`);
  await page.getByRole('link', { name: 'Try a rules change' }).click();
  await page.getByRole('heading', { name: 'Try a rules change' }).waitFor();
  const writesBefore = t.demo.simulators.hubspot.writes().length;
  await page.getByLabel('Proposed rules').fill(PROPOSED);
  await page.getByRole('button', { name: 'Try' }).click();
  const result = page.getByTestId('what-if-result');
  await result.waitFor();
  const text = await result.innerText();
  expect(text).toContain('niklaus.wirth@acme.example: role (none) → "Marketing Viewer"');
  expect(text).toContain('jean.sammet@acme.example: role (none) → "Marketing Viewer"');
  expect(text).toMatch(/^2 users change under the proposed rules: 2 role, 0 seats, 0 teams\.$/m);
  // The pasted rules stay in the form, to change and try again.
  await expect(page.getByLabel('Proposed rules').inputValue()).resolves.toContain('Intern: Marketing Viewer');
  await page.screenshot({ path: path.join(ARTIFACTS, 'rules-what-if.png'), fullPage: true });
  expect(await page.locator('body').innerText()).not.toContain(t.demo.adminToken);
  expect(t.demo.simulators.hubspot.writes().length).toBe(writesBefore);
  expect(errors).toEqual([]);
  await context.close();
}, 180_000);
