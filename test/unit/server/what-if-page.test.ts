import { renderWhatIfPage, type WhatIfPageData } from '../../../src/server/what-if-page';
import type { RulesDiff } from '../../../src/sync/rules-diff';
import type { PlanSummary } from '../../../src/sync/types';
import { MALICIOUS_TITLE } from './ops-fixtures';

const summary: PlanSummary = { create: 0, update: 1, delete: 0, adopt: 0, skip: 0, held: 0, drift: 0, unmapped: 0, waitingForSeat: 0, inSync: 0 };
const diff: RulesDiff = {
  summary: { current: summary, proposed: summary },
  changed: [{ oktaUserId: '00u1', email: 'ada@acme.example', role: { current: 'Sales Rep', proposed: MALICIOUS_TITLE }, why: MALICIOUS_TITLE }],
  created: { proposed: [], current: [] },
  deleted: { proposed: [], current: [] },
  skipped: [],
  overBudget: { current: [], proposed: [] },
  warnings: [],
  teamNames: {},
  ruleProblems: [],
};
const base: WhatIfPageData = { rulesText: '', result: null, action: '/rules/what-if', apiPath: '/api/rules/what-if', maxSize: '1 MiB' };
const opts = { styleNonce: 'n1', formToken: 'tok' };

describe('the what-if page', () => {
  it('is a form with the form token, its style by nonce and no script', () => {
    const page = renderWhatIfPage(base, opts);
    expect(page).toContain('<form method="post" action="/rules/what-if"><input type="hidden" name="_csrf" value="tok">');
    expect(page).toContain('<style nonce="n1">');
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toContain('What would change');
  });

  it('keeps the pasted text in the form and draws the comparison escaped, in the words of the CLI', () => {
    const pasted = `rules:\n  roles: { aliases: { X: "</textarea><script>alert(1)</script>" } }\n`;
    const page = renderWhatIfPage({ ...base, rulesText: pasted, result: { kind: 'diff', diff, generatedAt: '2026-12-02T07:41:00.000Z' } }, opts);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain(MALICIOUS_TITLE);
    expect(page).toContain('&lt;/textarea&gt;&lt;script&gt;');
    expect(page).toContain('1 users change under the proposed rules: 1 role, 0 seats, 0 teams.');
    expect(page).toContain('ada@acme.example: role &quot;Sales Rep&quot; → &quot;');
  });

  it('lists the problems of rules that are not valid, and says when another what-if runs', () => {
    const invalid = renderWhatIfPage({ ...base, result: { kind: 'invalid', problems: ['proposed rules: rules.roles.fallbackRole: Invalid input: expected string, received number'] } }, opts);
    expect(invalid).toContain('<li><code>proposed rules: rules.roles.fallbackRole: Invalid input: expected string, received number</code></li>');
    const busy = renderWhatIfPage({ ...base, result: { kind: 'busy', retryAfterSeconds: 4 } }, opts);
    expect(busy).toContain('Try again in about 4 s.');
  });
});
