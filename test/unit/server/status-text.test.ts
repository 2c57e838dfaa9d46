import { renderAuditText, renderStatusText, textTable } from '../../../src/server/status-text';
import { loadStatusSnapshot } from '../../../src/server/status-snapshot';
import { fakeOps } from './ops-fixtures';

describe('text tables', () => {
  it('aligns columns and keeps every row on one line', () => {
    expect(textTable(['a', 'bb'], [['xxx', 'y'], ['z', 'multi\nline']])).toBe(['a    bb', '---  ----------', 'xxx  y', 'z    multi line'].join('\n'));
  });

  it('says when the audit trail is empty', () => {
    expect(renderAuditText([])).toBe('No audit entries.');
  });
});

describe('status text', () => {
  it('names the user of a failed job by email and Okta id, once', async () => {
    const { status } = fakeOps();
    const s = await loadStatusSnapshot({ status, queueCounts: async () => ({}), writesEnabled: false });
    const text = renderStatusText({ ...s, failedJobs: [...s.failedJobs, { ...s.failedJobs[0]!, id: 'sync-user-10', failedReason: 'frank@example.com (Okta 00u1frank): HubSpot createUser failed (400)' }] });
    expect(text).toContain('sync-user/sync-user-9 frank@example.com (Okta 00u1frank): token');
    expect(text).toContain('sync-user/sync-user-10 frank@example.com (Okta 00u1frank): HubSpot createUser failed (400)');
  });
});
