import { affectedUserIds, changedGroupAssignments, OKTA_EVENT_FILTER } from '../../../src/okta/okta-events';
import { OKTA_HOOK_EVENT_TYPES } from '../../../src/okta/hook-events';
import { HOOK_ELIGIBLE_EVENT_TYPES } from '../../../simulators/okta/event-hooks';
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
    'group.application_assignment.update',
  ];
  const unwanted = [
    'user.session.start',
    'user.account.lock',
    'group.lifecycle.create',
    'application.lifecycle.update',
    'user.authentication.sso',
    'group.application_assignment.add',
    'group.profile.update',
  ];
  for (const t of wanted) {
    expect({ t, match: matchesScimFilter(filter, { eventType: t }) }).toEqual({ t, match: true });
  }
  for (const t of unwanted) {
    expect({ t, match: matchesScimFilter(filter, { eventType: t }) }).toEqual({ t, match: false });
  }
});

test("a group assignment's profile or priority change names the group (its members are synced), for this app only", () => {
  const events = [
    ev('group.application_assignment.update', { userIds: [], appIds: [APP], groupIds: [SALES] }),
    ev('group.application_assignment.update', { userIds: [], appIds: ['0oaOTHER'], groupIds: ['00gOTHER'] }),
    ev('group.application_assignment.update', { userIds: [], appIds: [APP], groupIds: ['00gFAILED'], outcome: 'FAILURE' }),
    ev('group.application_assignment.add', { userIds: [], appIds: [APP], groupIds: ['00gADDED'] }),
    ev('group.application_assignment.update', { userIds: [], appIds: [APP], groupIds: [SALES] }),
  ];
  expect(changedGroupAssignments(events, APP)).toEqual([SALES]);
  // It names no user itself.
  expect(affectedUserIds(events, APP)).toEqual([]);
});

test('every event type the hook subscribes to is polled too and is hook-eligible', () => {
  const filter = parseScimFilter(OKTA_EVENT_FILTER);
  for (const t of OKTA_HOOK_EVENT_TYPES) {
    expect({ t, polled: matchesScimFilter(filter, { eventType: t }), eligible: HOOK_ELIGIBLE_EVENT_TYPES.has(t) }).toEqual({ t, polled: true, eligible: true });
  }
  expect(OKTA_HOOK_EVENT_TYPES).toEqual(expect.arrayContaining(['application.user_membership.update', 'group.user_membership.add', 'group.user_membership.remove', 'group.application_assignment.update']));
});
