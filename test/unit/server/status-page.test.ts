import { renderStatusPage } from '../../../src/server/status-page';
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
    expect(body).not.toMatch(/<script/i);
  });

  it('lists the latest plan, held deletions, unmapped titles grouped by title, seats and the waiting list', async () => {
    const body = await page(false);
    expect(body).toContain('ada@example.com');
    expect(body).toContain('role: Admin → Sales Rep');
    expect(body).toContain('60 deletions exceed the limit of 50');
    expect(body).toContain('eve@example.com');
    expect(body).toMatch(/<td>sales<\/td><td class="n">3<\/td><td class="n">3<\/td><td class="n">1<\/td><td>dan@example.com<\/td>/);
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
