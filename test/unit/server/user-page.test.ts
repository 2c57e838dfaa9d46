import { currentReason, renderUserPage } from '../../../src/server/user-page';
import type { UserRecordView } from '../../../src/server/ops-types';
import { MALICIOUS_TITLE } from './ops-fixtures';

const base: UserRecordView = { email: 'gladys@acme.example', oktaUserId: '00u1gw', ledger: null, standing: null, audit: [], jobs: [], hold: null, planAction: null };
const failedJob = { queue: 'sync-user', id: '45', state: 'failed', trigger: 'events', queuedAt: '2026-12-02T07:32:54.000Z', finishedAt: '2026-12-02T07:32:55.000Z', attempts: 1, outcome: 'gladys@acme.example (Okta 00u1gw): HubSpot createUser failed (400 VALIDATION_ERROR)' };

describe('why a user stands where they do', () => {
  it('names a pending hold first, then a failed latest sync, then a seat wait or an unmapped Title', () => {
    expect(currentReason({ lookup: null, record: { ...base, hold: { id: 'hold-1', reason: '13 deletions are 30%', since: '2026-12-02T07:00:00.000Z' }, jobs: [failedJob] } })).toMatch(/^Deletion held by the deletion guard since .* \(hold hold-1\): 13 deletions are 30%/);
    expect(currentReason({ lookup: null, record: { ...base, jobs: [failedJob] } })).toBe(`The latest sync failed for good: ${failedJob.outcome}. Retry it from the status page's Failed jobs once the cause is fixed.`);
    const waiting = { oktaUserId: '00u1gw', email: base.email, at: '2026-12-02T07:40:00.000Z', unmappedTitle: null, waitingFor: [{ seat: 'Sales Manager', since: '2026-12-02T07:39:00.000Z' }] };
    expect(currentReason({ lookup: null, record: { ...base, standing: waiting } })).toMatch(/^Waiting for a "Sales Manager" seat since 2026-12-02 07:39:00Z/);
    expect(currentReason({ lookup: null, record: { ...base, standing: { ...waiting, waitingFor: [], unmappedTitle: 'Growth Hacker' } } })).toMatch(/^Title "Growth Hacker" matches no HubSpot role/);
    expect(currentReason({ lookup: null, record: base })).toBe('The daemon has no record of this user.');
  });

  it('draws Okta and HubSpot answers escaped, and says when a side could not be asked', () => {
    const page = renderUserPage(
      {
        email: base.email,
        generatedAt: '2026-12-02T07:41:00.000Z',
        lookup: {
          okta: { oktaUserId: '00u1gw', login: base.email, email: base.email, firstName: 'Gladys', lastName: 'West', title: MALICIOUS_TITLE, status: 'ACTIVE', assigned: true, assignedVia: 'USER', assignedAt: null },
          oktaError: null,
          hubspot: null,
          hubspotError: 'HubSpot did not answer within 5 s',
          roleNames: {},
        },
        record: { ...base, jobs: [failedJob] },
      },
      { styleNonce: 'n1' },
    );
    expect(page).not.toContain(MALICIOUS_TITLE);
    expect(page).toContain('could not ask HubSpot</span> HubSpot did not answer within 5 s');
    expect(page).toContain('<style nonce="n1">');
    expect(page).not.toMatch(/<script/i);
  });
});
