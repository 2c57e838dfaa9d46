import { embeddedUser, isoDate, toCandidate, toGroupRef, toLogEvent } from '../../../src/okta/okta-mapping';

const user = {
  id: '00uADA',
  status: 'ACTIVE',
  profile: { login: 'ada@x.example', email: ' Ada@X.example ', firstName: 'Ada', lastName: null, title: 'Sales  Rep', custom: 1 },
};

test('a user and its assignment become a candidate, values untouched', () => {
  const c = toCandidate(user, { id: '00uADA', scope: 'GROUP', created: new Date('2030-01-02T03:04:05Z'), profile: { hubspotRole: ' Sales Rep ', seats: ['Core'] } });
  expect(c).toEqual({
    oktaUserId: '00uADA',
    profile: { login: 'ada@x.example', email: ' Ada@X.example ', firstName: 'Ada', lastName: null, title: 'Sales  Rep', custom: 1 },
    appProfile: { hubspotRole: ' Sales Rep ', seats: ['Core'] },
    login: 'ada@x.example',
    email: ' Ada@X.example ',
    firstName: 'Ada',
    lastName: null,
    title: 'Sales  Rep',
    status: 'ACTIVE',
    assigned: true,
    assignedVia: 'GROUP',
    assignedAt: '2030-01-02T03:04:05.000Z',
  });
});

test('no assignment: not assigned, no scope, no date, no app profile; missing fields become null', () => {
  expect(toCandidate({ id: '00uB', status: 'STAGED', profile: { login: 'b@x.example' } }, null)).toMatchObject({
    appProfile: null,
    assigned: false,
    assignedVia: null,
    assignedAt: null,
    email: null,
    title: null,
  });
  expect(toCandidate({ id: '00uB', profile: { login: 'b@x.example', email: 42 } }, { scope: 'ODD', created: '2030-01-01T00:00:00Z' })).toMatchObject({
    email: null,
    status: 'UNKNOWN',
    assignedVia: null,
    assignedAt: '2030-01-01T00:00:00.000Z',
  });
});

test('an assignment without a profile gives an empty app profile; a user without one an empty profile', () => {
  const c = toCandidate({ id: '00uC', status: 'ACTIVE' }, { id: '00uC', scope: 'USER' });
  expect(c.appProfile).toEqual({});
  expect(c.profile).toEqual({});
});

test('a group becomes its id and name; one without a name is no group', () => {
  expect(toGroupRef({ id: '00gA', profile: { name: 'Sales-EMEA', description: null } })).toEqual({ id: '00gA', name: 'Sales-EMEA' });
  expect(toGroupRef({ id: '00gA', profile: {} })).toBeNull();
  expect(toGroupRef({ profile: { name: 'x' } })).toBeNull();
});

test('a user without an id is refused', () => {
  expect(() => toCandidate({ profile: {} }, null)).toThrow(/without an id/);
});

test('the embedded user is found only where Okta puts it', () => {
  expect(embeddedUser({ _embedded: { user } })).toBe(user);
  expect(embeddedUser({ _embedded: {} })).toBeNull();
  expect(embeddedUser({})).toBeNull();
  expect(embeddedUser(null)).toBeNull();
});

test('dates: Date objects and strings become ISO; garbage stays as given or null', () => {
  expect(isoDate(new Date('2030-01-01T00:00:00Z'))).toBe('2030-01-01T00:00:00.000Z');
  expect(isoDate('2030-01-01T01:00:00+01:00')).toBe('2030-01-01T00:00:00.000Z');
  expect(isoDate('not a date')).toBe('not a date');
  expect(isoDate(undefined)).toBeNull();
  expect(isoDate(new Date(NaN))).toBeNull();
});

test('a log event keeps ids by target type, actor and outcome', () => {
  const e = toLogEvent({
    uuid: 'u1',
    published: new Date('2030-01-01T00:00:00Z'),
    eventType: 'application.user_membership.add',
    actor: { id: '00uADMIN', type: 'User' },
    outcome: { result: 'SUCCESS', reason: null },
    target: [
      { id: '0uaX', type: 'AppUser', alternateId: 'ada@x.example', displayName: 'Ada' },
      { id: '0oaAPP', type: 'AppInstance', alternateId: 'HubSpot', displayName: 'HubSpot' },
      { id: '00uADA', type: 'User', alternateId: 'ada@x.example', displayName: 'Ada', detailEntry: null },
      { id: '00gG', type: 'UserGroup' },
      { type: 'Broken' },
    ],
  });
  expect(e).toMatchObject({
    uuid: 'u1',
    published: '2030-01-01T00:00:00.000Z',
    userIds: ['00uADA'],
    appIds: ['0oaAPP'],
    groupIds: ['00gG'],
    outcome: 'SUCCESS',
    actorId: '00uADMIN',
  });
  expect(e.targets).toHaveLength(4);
  expect(toLogEvent({})).toMatchObject({ uuid: '', eventType: '', userIds: [], outcome: null });
});
