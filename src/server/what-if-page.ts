import { renderRulesDiff, type RulesDiff } from '../sync/rules-diff';
import { html, type SafeHtml } from './html';
import { PAGE_STYLE, timeOf } from './status-page';

/** What the what-if page shows under its form: nothing yet, the comparison, or why there is none. */
export type WhatIfPageResult =
  | { kind: 'diff'; diff: RulesDiff; generatedAt: string }
  | { kind: 'invalid'; problems: readonly string[] }
  | { kind: 'busy'; retryAfterSeconds: number }
  | { kind: 'failed'; message: string }
  | { kind: 'unavailable' };

export interface WhatIfPageData {
  /** The proposed rules as the operator last sent them (kept in the form to edit and try again). */
  rulesText: string;
  result: WhatIfPageResult | null;
  /** Where the form posts (the page itself). */
  action: string;
  /** Where the JSON API is, for the operator who wants every row. */
  apiPath: string;
  /** The largest file taken, for people ("1 MiB"). */
  maxSize: string;
}

function resultSection(r: WhatIfPageResult | null, apiPath: string): SafeHtml | string {
  if (r === null) {
    return '';
  }
  switch (r.kind) {
    case 'diff':
      return html`<section id="result"><h2>What would change</h2><p class="asof">As of ${timeOf(r.generatedAt)}: Okta and HubSpot read once, planned under the current rules and under the proposed ones. Nothing was changed in HubSpot; no plan was stored.</p>
<pre class="diff" data-testid="what-if-result">${renderRulesDiff(r.diff)}</pre>
<p class="muted">Long lists are cut at 50 rows; <code>POST ${apiPath}</code> answers every row as JSON (the same document as <code>reconcile --dry-run --rules FILE --json</code>).</p></section>`;
    case 'invalid':
      return html`<section id="result"><h2>The proposed rules are not valid</h2><p class="notice" role="alert">Nothing was read or planned. Fix these and try again (the daemon would refuse the same file at start):</p>
<ul data-testid="what-if-problems">${r.problems.map((p) => html`<li><code>${p}</code></li>`)}</ul></section>`;
    case 'busy':
      return html`<section id="result"><h2>Another what-if is running</h2><p class="notice" role="status">One what-if runs at a time (each reads every user in Okta and HubSpot). Try again in about ${r.retryAfterSeconds} s.</p></section>`;
    case 'failed':
      return html`<section id="result"><h2>The what-if did not run</h2><p class="notice" role="alert">${r.message}</p></section>`;
    case 'unavailable':
      return html`<section id="result"><h2>Not available here</h2><p class="notice" role="status">This process has no access to Okta and HubSpot, so it cannot try rules.</p></section>`;
  }
}

/**
 * The what-if page (`/rules/what-if`): a form where an operator pastes a proposed rules file and
 * presses Try; the answer is this page again with what would change, in the words of
 * `reconcile --dry-run --rules FILE` ({@link renderRulesDiff}). No script: a plain form post with
 * the form token. Same escaping and Content-Security-Policy as the status page.
 */
export function renderWhatIfPage(d: WhatIfPageData, opts: { styleNonce: string; formToken: string }): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>Try a rules change: okta-hubspot-sync</title><style nonce="${opts.styleNonce}">${PAGE_STYLE}</style></head>
<body>
<p><a href="/">← Status page</a></p>
<h1>Try a rules change</h1>
<p class="muted">Paste a proposed rules file (YAML or JSON, written like the file the daemon reads: <code>rules:</code> and, ignored here, <code>daemon:</code>) and press Try. The daemon reads Okta and HubSpot once, plans under its current rules and under these, and shows who would get another role, seat or team, who would be created, deleted or skipped, and seats over budget. It changes nothing, whether or not writes are enabled. At most ${d.maxSize}; one what-if at a time.</p>
<form method="post" action="${d.action}"><input type="hidden" name="_csrf" value="${opts.formToken}">
<p><label for="rules">Proposed rules</label><br><textarea id="rules" name="rules" rows="18" spellcheck="false" required placeholder="rules:&#10;  roles:&#10;    aliases: { Account Executive: Sales Rep }">${d.rulesText}</textarea></p>
<p><button type="submit">Try</button> <span class="muted">Reading every user takes a few seconds on a large account.</span></p></form>
${resultSection(d.result, d.apiPath)}
</body></html>
`.value;
}
