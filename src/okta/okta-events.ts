import type { OktaLogEvent } from './okta-types';

/**
 * Which System Log events concern the daemon, and which Okta users an event batch concerns.
 * Events only say whom to look at again; the decision is always made from current state.
 */

/**
 * The System Log filter for the events that can change who is in scope or what they should look
 * like in HubSpot: app membership, user lifecycle, profile updates and group membership.
 */
export const OKTA_EVENT_FILTER =
  'eventType sw "application.user_membership" or eventType sw "user.lifecycle" or eventType eq "user.account.update_profile" or eventType sw "group.user_membership"';

/**
 * The Okta user ids an event batch concerns, in first-seen order without duplicates:
 * - app membership events for `appId` only (other apps' assignments are none of our business);
 * - user lifecycle and profile events always (the user may be in scope);
 * - group membership events when the group is assigned to the app, or when the caller does not
 *   know the assigned groups (`assignedGroupIds` undefined) or the event names no group.
 * Events that failed (outcome FAILURE, DENY, …) changed nothing and are ignored.
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
