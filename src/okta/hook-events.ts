/**
 * The System Log event types the daemon's Okta event hook subscribes to: those of
 * `OKTA_EVENT_FILTER` that Okta lets an event hook carry (Okta's event-type catalog,
 * `event-hook-eligible`). `application.user_membership.provision/deprovision`,
 * `user.lifecycle.delete.completed` and the primary-email change are not eligible: the poll
 * still reads them.
 */
export const OKTA_HOOK_EVENT_TYPES: readonly string[] = [
  'application.user_membership.add',
  'application.user_membership.remove',
  'application.user_membership.update',
  'user.lifecycle.create',
  'user.lifecycle.activate',
  'user.lifecycle.deactivate',
  'user.lifecycle.suspend',
  'user.lifecycle.unsuspend',
  'user.lifecycle.reactivate',
  'user.lifecycle.delete.initiated',
  'user.account.update_profile',
  'group.user_membership.add',
  'group.user_membership.remove',
  'group.application_assignment.update',
];

/** What Okta writes to the System Log when a delivery to an event hook failed (not hook-eligible itself). */
export const HOOK_DELIVERY_EVENT = 'event_hook.delivery';

/** The poll's filter with the hook's delivery failures added, so the poll reports them. */
export function withHookDeliveryFailures(filter: string): string {
  return `${filter} or eventType eq "${HOOK_DELIVERY_EVENT}"`;
}

/** The name the daemon gives its hook in Okta (how `hooks status`, `hooks remove` and `doctor` find it). */
export const OKTA_HOOK_NAME = 'okta-hubspot-sync';
