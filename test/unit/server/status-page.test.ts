import { renderStatusPage, renderStatusSections } from '../../../src/server/status-page';
import { loadStatusSnapshot } from '../../../src/server/status-snapshot';
import { escapeHtml, html } from '../../../src/server/html';
import { MALICIOUS_TITLE, fakeOps } from './ops-fixtures';

async function page(writesEnabled: boolean, auditUser?: string): Promise<string> {
  const { status } = fakeOps();
  const snapshot = await loadStatusSnapshot(
    { status, queueCounts: async () => ({ 'sync-user': { waiting: 3, failed: 1 } }), writesEnabled },
    { auditUser },
  );
  return renderStatusPage(snapshot, { styleNonce: 'nonce123', formToken: 'form-token-xyz', dashboardPath: '/admin/queues' });
}

describe('html template', () => {
  it('escapes interpolated text but keeps nested templates', () => {
    const inner = html`<b>${'a & b'}</b>`;
    expect(html`<td>${'<img src=x onerror=alert(1)>'}</td>${inner}`.value).toBe('<td>&lt;img src=x onerror=alert(1)&gt;</td><b>a &amp; b</b>');
    expect(escapeHtml(`"'\``)).toBe('&quot;&#39;&#96;');
  });
});

describe('status page', () => {
  it('shows a malicious Okta title as text, never as markup', async () => {
    const body = await page(false);
    expect(body).not.toContain(MALICIOUS_TITLE);
    expect(body).toContain(escapeHtml(MALICIOUS_TITLE));
    // The one script is the page's own, from this server; nothing inline.
    expect(body.match(/<script\b[^>]*>/gi)).toEqual(['<script src="/assets/status-live.js" defer>']);
  });

  it('lists the latest plan, held deletions, unmapped titles grouped by title, seats and the waiting list', async () => {
    const body = await page(false);
    expect(body).toContain('ada@example.com');
    expect(body).toContain('role: Admin → Sales Rep');
    expect(body).toContain('60 deletions exceed the limit of 50');
    expect(body).toContain('eve@example.com');
    expect(body).toMatch(/<td>sales<\/td><td class="n">3<\/td><td class="n">3<\/td><td class="n">1<\/td><td><a href="\/users\/dan%40example.com">dan@example.com<\/a><\/td>/);
    expect(body).toContain('<style nonce="nonce123">');
  });

  it('offers approve, reject and retry forms with the form token only when writes are enabled', async () => {
    const readOnly = await page(false);
    expect(readOnly).not.toContain('<form class="inline" method="post"');
    expect(readOnly).toContain('Read-only');
    const writable = await page(true);
    expect(writable).toContain('action="/api/approvals/plan-20261128t120000z-abc123/approve"');
    expect(writable).toContain('action="/api/approvals/plan-20261128t120000z-abc123/reject"');
    expect(writable).toContain('action="/api/jobs/sync-user/sync-user-9/retry"');
    expect(writable).toContain('name="_csrf" value="form-token-xyz"');
    // The forms say how many deletions the operator saw, so a hold that changed meanwhile is not decided blind.
    expect(writable).toMatch(/action="\/api\/approvals\/plan-20261128t120000z-abc123\/approve"><input type="hidden" name="_csrf" value="form-token-xyz"><input type="hidden" name="deletions" value="1">/);
  });

  it('lists outages of HubSpot and Okta with how long they lasted and the first error, escaped', async () => {
    const body = await page(false);
    const section = body.slice(body.indexOf('id="outages"'), body.indexOf('id="reconciliations"'));
    expect(section).toContain('<td>HubSpot</td><td>unavailable</td>');
    expect(section).toContain('(65 s)');
    expect(section).toContain('HubSpot listUsers failed (503): &lt;script&gt;x&lt;/script&gt;');
  });

  it('filters the audit trail by user', async () => {
    const body = await page(false, 'ada@example.com');
    const audit = body.slice(body.indexOf('id="audit"'));
    expect(audit).toContain('ada@example.com');
    expect(audit).not.toContain('bob@example.com');
    expect(audit).toContain('value="ada@example.com"');
  });
});

describe('status page: live sections, as-of times, names and words', () => {
  const snapshotOf = (ops = fakeOps()) =>
    loadStatusSnapshot({ status: ops.status, queueCounts: async () => ({ 'sync-user': { waiting: 3, failed: 1 } }), writesEnabled: false, now: () => new Date('2026-11-28T12:10:00.000Z') });
  const opts = { styleNonce: 'n', formToken: 't', dashboardPath: '/admin/queues' };

  it('draws the sections the page updates itself with exactly as the page draws them, each with its as-of time', async () => {
    const s = await snapshotOf();
    const body = renderStatusPage(s, opts);
    const sections = renderStatusSections(s, opts);
    expect(Object.keys(sections)).toEqual(expect.arrayContaining(['overview', 'approvals', 'failed', 'seats', 'unmapped', 'activity', 'queues', 'plan', 'audit']));
    for (const [id, part] of Object.entries(sections)) {
      expect(body).toContain(`<div class="live" data-section="${id}">${part}</div>`);
      expect(part).toMatch(/^<p class="asof">As of /);
    }
    expect(body).toContain('data-live="/api/status/sections"');
    // A short navigation to every section, and a glossary for the words that must stay.
    expect(body).toMatch(/<nav class="sections"[^>]*>(<a href="#[a-z-]+">[^<]+<\/a>){10,}/);
    for (const term of ['waiting-children', 'prioritized', 'cursor-lost', 'ledger complete', 'Drift repaired']) {
      expect(body.slice(body.indexOf('id="glossary"'))).toContain(term);
    }
  });

  it('names people by email with their Okta id in the failed jobs, linking to their page', async () => {
    const sections = renderStatusSections(await snapshotOf(), opts);
    expect(sections.failed).toContain('<a href="/users/frank%40example.com">frank@example.com</a> <span class="muted">(Okta 00u1frank)</span>');
  });

  it('shows seats and the waiting list as the jobs since the plan left them, and says so', async () => {
    const ops = fakeOps({
      standings: [
        { oktaUserId: '00u1dan', email: 'dan@example.com', at: '2026-11-28T12:05:00.000Z', unmappedTitle: null, waitingFor: [] },
        { oktaUserId: '00u1joan', email: 'joan@example.com', at: '2026-11-28T12:06:00.000Z', unmappedTitle: null, waitingFor: [{ seat: 'sales', since: '2026-11-28T12:05:59.000Z' }] },
      ],
      seatCounts: [{ seat: 'sales', used: 3, budget: 3, at: '2026-11-28T12:06:00.000Z' }],
    });
    const seats = renderStatusSections(await snapshotOf(ops), opts).seats!;
    expect(seats).toContain('As of <time datetime="2026-11-28T12:06:00.000Z">');
    expect(seats).toContain('with 2 users synced since');
    expect(seats).toContain('joan@example.com');
    expect(seats).not.toContain('dan@example.com');
  });

  it('draws activity per hour and change-to-HubSpot latency as inline SVG', async () => {
    const activity = renderStatusSections(await snapshotOf(), opts).activity!;
    expect(activity.match(/<svg class="chart"/g)).toHaveLength(2);
    expect(activity).toContain('In all: 1 created or adopted, 0 updated, 0 deleted, 1 failed.');
    expect(activity).toContain('half within 1.2 s, 95% within 2.5 s');
    // One change measured from Okta's publish time, one from its job being queued: told apart.
    expect(activity).toContain('Blue: 1 measured from the time Okta published the change');
    expect(activity).toContain('grey: 1 from the job being queued');
    expect(activity).toContain('fill="#8c959f"');
  });
});
