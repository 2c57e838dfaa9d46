import { affectedUserIds, OKTA_EVENT_FILTER } from '../../../src/okta/okta-events';
import type { OktaLogEvent } from '../../../src/okta/okta-types';
import { matchesScimFilter, parseScimFilter } from '../../../simulators/okta/scim-filter';

const APP = '0oaHUBSPOT';
const SALES = '00gSALES';

function ev(eventType: string, over: Partial<OktaLogEvent> = {}): OktaLogEvent {
  return { uuid: `${eventType}-${Math.random()}`, published: '2030-01-01T00:00:00.000Z', eventType, userIds: ['00uA'], appIds: [], groupIds: [], outcome: 'SUCCESS', ...over };
}

test('app membership events count only for this app', () => {
  const events = [
    ev('application.user_membership.add', { userIds: ['00uA'], appIds: [APP] }),
    ev('application.user_membership.remove', { userIds: ['00uB'], appIds: ['0oaOTHER'] }),
    ev('application.user_membership.update', { userIds: ['00uC'], appIds: [APP] }),
  ];
  expect(affectedUserIds(events, APP)).toEqual(['00uA', '00uC']);
});

test('lifecycle and profile events always count', () => {
  const events = [ev('user.lifecycle.deactivate', { userIds: ['00uA'] }), ev('user.account.update_profile', { userIds: ['00uB'] }), ev('user.lifecycle.delete.completed', { userIds: ['00uC'] })];
  expect(affectedUserIds(events, APP)).toEqual(['00uA', '00uB', '00uC']);
});

test('group membership counts for assigned groups, or when the assigned groups are unknown', () => {
  const events = [ev('group.user_membership.add', { userIds: ['00uA'], groupIds: [SALES] }), ev('group.user_membership.remove', { userIds: ['00uB'], groupIds: ['00gENG'] })];
  expect(affectedUserIds(events, APP, [SALES])).toEqual(['00uA']);
  expect(affectedUserIds(events, APP, new Set<string>())).toEqual([]);
  expect(affectedUserIds(events, APP)).toEqual(['00uA', '00uB']);
});

test('failed and unrelated events are ignored; ids come once, in first-seen order', () => {
  const events = [
    ev('user.lifecycle.activate', { userIds: ['00uB'] }),
    ev('user.lifecycle.deactivate', { userIds: ['00uX'], outcome: 'FAILURE' }),
    ev('user.session.start', { userIds: ['00uY'] }),
    ev('user.account.update_profile', { userIds: ['00uA'] }),
    ev('user.lifecycle.suspend', { userIds: ['00uB'] }),
    ev('user.lifecycle.unsuspend', { userIds: ['00uC'], outcome: null }),
  ];
  expect(affectedUserIds(events, APP)).toEqual(['00uB', '00uA', '00uC']);
});

test('the event filter is valid SCIM and selects exactly the event families that matter', () => {
  const filter = parseScimFilter(OKTA_EVENT_FILTER);
  const wanted = [
    'application.user_membership.add',
    'application.user_membership.remove',
    'user.lifecycle.deactivate',
    'user.lifecycle.delete.completed',
    'user.account.update_profile',
    'group.user_membership.add',
  ];
  const unwanted = ['user.session.start', 'user.account.lock', 'group.lifecycle.create', 'application.lifecycle.update', 'user.authentication.sso'];
  for (const t of wanted) {
    expect({ t, match: matchesScimFilter(filter, { eventType: t }) }).toEqual({ t, match: true });
  }
  for (const t of unwanted) {
    expect({ t, match: matchesScimFilter(filter, { eventType: t }) }).toEqual({ t, match: false });
  }
});
