import { createRedactor } from '../../../src/lib/redact';
import { HIDDEN, createJobDataFormatter } from '../../../src/server/job-data-formatter';

describe('dashboard job data', () => {
  const format = createJobDataFormatter(createRedactor(['hubspot-secret-123']));

  it('keeps the email and ids, hides names, titles, logins and profiles', () => {
    const out = format({
      oktaUserId: '00u1',
      email: 'ada@example.com',
      desired: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', roleName: 'Sales Rep' },
      profile: { title: 'CEO' },
      login: 'ada@corp.example',
      changes: [{ field: 'firstName', before: 'Ada', after: 'Ado' }, { field: 'roleId', before: '1', after: '2' }],
    });
    expect(out).toEqual({
      oktaUserId: '00u1',
      email: 'ada@example.com',
      desired: { firstName: HIDDEN, lastName: HIDDEN, email: 'ada@example.com', roleName: 'Sales Rep' },
      profile: HIDDEN,
      login: HIDDEN,
      changes: [{ field: 'firstName', before: HIDDEN, after: HIDDEN }, { field: 'roleId', before: '1', after: '2' }],
    });
  });

  it('removes secrets', () => {
    expect(JSON.stringify(format({ note: 'failed with hubspot-secret-123', token: 'x' }))).not.toMatch(/hubspot-secret-123|"x"/);
  });
});
