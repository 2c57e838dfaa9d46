import type { OktaLogEvent } from './okta-types';

/**
 * Which System Log events concern the daemon, and which Okta users an event batch concerns.
 * Events only say whom to look at again; the decision is always made from current state.
 */

/**
 * The System Log filter for the events that can change who is in scope or what they should look
 * like in HubSpot: app membership (and app user profile changes), user lifecycle, profile
 * updates, group membership (of assigned groups and of the groups the rules name), and changes to
 * a group assignment's profile or priority (which change its members' app user profiles).
 */
export const OKTA_EVENT_FILTER =
  'eventType sw "application.user_membership" or eventType sw "user.lifecycle" or eventType eq "user.account.update_profile" or eventType sw "group.user_membership" or eventType eq "group.application_assignment.update"';

/** A group assignment of the app changed (profile or priority): every member's app user profile may have. */
export const GROUP_ASSIGNMENT_UPDATE = 'group.application_assignment.update';

/**
 * The Okta user ids an event batch concerns, in first-seen order without duplicates:
 * - app membership events for `appId` only (other apps' assignments are none of our business);
 * - user lifecycle and profile events always (the user may be in scope);
 * - group membership events when the group matters (assigned to the app, or named by the rules),
 *   or when the caller does not know which groups matter (`assignedGroupIds` undefined: the
 *   intake's case, so a rule group that is not assigned to the app is never missed) or the
 *   event names no group.
 * Events that failed (outcome FAILURE, DENY, …) changed nothing and are ignored. Group
 * assignment changes name no user: see {@link changedGroupAssignments}.
 */
export function affectedUserIds(events: readonly OktaLogEvent[], appId: string, assignedGroupIds?: ReadonlySet<string> | readonly string[]): string[] {
  const groups = assignedGroupIds === undefined ? undefined : new Set(assignedGroupIds);
  const out = new Set<string>();
  for (const e of events) {
    if (e.outcome !== null && e.outcome !== 'SUCCESS') {
      continue;
    }
    const type = e.eventType;
    let relevant = false;
    if (type.startsWith('application.user_membership.')) {
      relevant = e.appIds.includes(appId);
    } else if (type.startsWith('user.lifecycle.') || type === 'user.account.update_profile') {
      relevant = true;
    } else if (type.startsWith('group.user_membership.')) {
      relevant = groups === undefined || e.groupIds.length === 0 || e.groupIds.some((g) => groups.has(g));
    }
    if (relevant) {
      for (const id of e.userIds) {
        out.add(id);
      }
    }
  }
  return [...out];
}

/**
 * The groups whose assignment to `appId` changed (profile or priority) in an event batch, first
 * seen first: their members are synced (the event names no user; Okta recomputes every member's
 * app user profile). Failed events are ignored.
 */
export function changedGroupAssignments(events: readonly OktaLogEvent[], appId: string): string[] {
  const out = new Set<string>();
  for (const e of events) {
    if (e.eventType === GROUP_ASSIGNMENT_UPDATE && (e.outcome === null || e.outcome === 'SUCCESS') && e.appIds.includes(appId)) {
      for (const id of e.groupIds) {
        out.add(id);
      }
    }
  }
  return [...out];
}
