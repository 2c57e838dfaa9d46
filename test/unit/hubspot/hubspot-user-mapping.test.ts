import { createBody, nextCursor, toHubSpotUser, updateBody } from '../../../src/hubspot/hubspot-user-mapping';

describe('toHubSpotUser', () => {
  test('keeps what HubSpot sent', () => {
    const raw = { id: '1000004', email: 'ada@acme.example', firstName: 'Ada', roleId: '2001', roleIds: ['2001'], secondaryTeamIds: ['3002'], superAdmin: false, seatNames: ['Core'] };
    expect(toHubSpotUser(raw)).toEqual({ ok: true, value: raw });
  });

  test('derives roleIds from roleId and reads a missing superAdmin as false', () => {
    const r = toHubSpotUser({ id: '7', email: 'a@b.example', roleId: '2001' });
    expect(r).toEqual({ ok: true, value: { id: '7', email: 'a@b.example', roleId: '2001', roleIds: ['2001'], secondaryTeamIds: [], superAdmin: false } });
  });

  test.each([
    ['no id', { email: 'a@b.example' }],
    ['numeric id', { id: 7, email: 'a@b.example' }],
    ['no email', { id: '7' }],
    ['superAdmin as text', { id: '7', email: 'a@b.example', superAdmin: 'false' }],
    ['roleIds as text', { id: '7', email: 'a@b.example', roleIds: '2001' }],
    ['roleId as number', { id: '7', email: 'a@b.example', roleId: 2001 }],
    ['not an object', '<html>'],
  ])('rejects an answer with %s', (_label, raw) => {
    expect(toHubSpotUser(raw).ok).toBe(false);
  });
});

test('nextCursor: absent paging ends the listing; a broken cursor is a problem', () => {
  expect(nextCursor({ results: [] })).toEqual({ ok: true, value: undefined });
  expect(nextCursor({ results: [], paging: { next: { after: '1000100' } } })).toEqual({ ok: true, value: '1000100' });
  expect(nextCursor({ results: [], paging: { next: { after: 5 } } }).ok).toBe(false);
});

describe('request bodies', () => {
  test('create leaves nulls out and sends seatNames only on the seat-aware path', () => {
    const input = { email: 'a@b.example', firstName: null, roleId: '2001', sendWelcomeEmail: false, seatNames: ['Core'] };
    expect(createBody(input, false)).toEqual({ email: 'a@b.example', roleId: '2001', sendWelcomeEmail: false });
    expect(createBody(input, true)).toEqual({ email: 'a@b.example', roleId: '2001', sendWelcomeEmail: false, seatNames: ['Core'] });
  });

  test('update sends only given keys and null to remove', () => {
    expect(updateBody({ roleId: null }, false)).toEqual({ roleId: null });
    expect(JSON.stringify(updateBody({ roleId: null, lastName: 'X', seatNames: [] }, true))).toBe('{"lastName":"X","roleId":null,"seatNames":[]}');
    expect(updateBody({}, true)).toEqual({});
  });
});
