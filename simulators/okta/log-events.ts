import { eventUuid, oktaRequestId } from './okta-ids';

/**
 * System Log events as the simulator stores them (compact, so 100,000 seeded assignments stay
 * small) and as it serves them (the full `LogEvent` shape of Okta's API). Unknown values are
 * omitted rather than sent as `null`, so answers validate against the published schema.
 */

/** One entry of an event's `target[]` (or its `actor`). */
export interface LogRef {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  changeDetails?: { from: Record<string, unknown>; to: Record<string, unknown> };
}

/** What the simulator keeps per event. `seq` is the persistence order (1, 2, …). */
export interface StoredLogEvent {
  seq: number;
  publishedMs: number;
  eventType: string;
  actor: LogRef;
  targets: LogRef[];
  /** The change this event belongs to (events of one change share it); rendered as an id. */
  tx: number;
  requestUri: string;
  outcome: 'SUCCESS' | 'FAILURE';
}

/** The event types the simulator emits, with Okta's display messages and legacy names. */
export const EVENT_CATALOG: Readonly<Record<string, { displayMessage: string; legacyEventType?: string }>> = {
  'application.user_membership.add': {
    displayMessage: 'Add user to application membership',
    legacyEventType: 'app.generic.provision.assign_user_to_app',
  },
  'application.user_membership.remove': { displayMessage: 'Remove users application membership' },
  'application.user_membership.update': { displayMessage: 'Update user application property' },
  'group.user_membership.add': { displayMessage: 'Add user to group membership', legacyEventType: 'core.user_group_member.user_add' },
  'group.user_membership.remove': { displayMessage: 'Remove user from group membership', legacyEventType: 'core.user_group_member.user_remove' },
  'group.application_assignment.add': { displayMessage: 'Add assigned application to group' },
  'group.application_assignment.remove': { displayMessage: 'Remove assigned application from group' },
  'group.application_assignment.update': { displayMessage: 'Update assigned application in group' },
  'user.lifecycle.create': { displayMessage: 'Create Okta user' },
  'user.lifecycle.activate': { displayMessage: 'Activate Okta user' },
  'user.lifecycle.deactivate': { displayMessage: 'Deactivate Okta User', legacyEventType: 'core.user.config.user_deactivated' },
  'user.lifecycle.reactivate': { displayMessage: 'Reactivate Okta user' },
  'user.lifecycle.suspend': { displayMessage: 'Suspend Okta user' },
  'user.lifecycle.unsuspend': { displayMessage: 'Unsuspend Okta user' },
  'user.lifecycle.delete.initiated': { displayMessage: 'Delete Okta user initiated' },
  'user.lifecycle.delete.completed': { displayMessage: 'Delete Okta user completed' },
  'user.account.update_profile': { displayMessage: 'Update user profile for Okta' },
  'event_hook.delivery': { displayMessage: 'Event hook delivery' },
};

/** The transaction (request) id of a change, as events and `debugData.requestId` show it. */
export function logTransactionId(tx: number, nonce: string): string {
  return oktaRequestId(tx, `${nonce}|tx`);
}

/** The LogEvent JSON Okta's `/api/v1/logs` returns for a stored event. */
export function renderLogEvent(e: StoredLogEvent, nonce: string): Record<string, unknown> {
  const transactionId = logTransactionId(e.tx, nonce);
  const info = EVENT_CATALOG[e.eventType] ?? { displayMessage: e.eventType };
  const event: Record<string, unknown> = {
    actor: { id: e.actor.id, type: e.actor.type, alternateId: e.actor.alternateId, displayName: e.actor.displayName },
    client: {
      userAgent: { rawUserAgent: 'okta-simulator', os: 'Unknown', browser: 'UNKNOWN' },
      zone: 'null',
      device: 'Unknown',
      ipAddress: '127.0.0.1',
      geographicalContext: { city: 'Springfield', state: 'Oregon', country: 'United States', postalCode: '97477' },
    },
    authenticationContext: { authenticationStep: 0, externalSessionId: 'trs-simulated-session' },
    displayMessage: info.displayMessage,
    eventType: e.eventType,
    outcome: { result: e.outcome },
    published: new Date(e.publishedMs).toISOString(),
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    severity: 'INFO',
    debugContext: { debugData: { requestId: transactionId, requestUri: e.requestUri } },
    legacyEventType: info.legacyEventType,
    transaction: { type: 'WEB', id: transactionId, detail: {} },
    uuid: eventUuid(nonce, e.seq),
    version: '0',
    request: { ipChain: [{ ip: '127.0.0.1', version: 'V4', source: 'simulator' }] },
    target: e.targets.map((t) => {
      const target: Record<string, unknown> = { id: t.id, type: t.type, alternateId: t.alternateId, displayName: t.displayName };
      if (t.changeDetails) {
        target.changeDetails = t.changeDetails;
      }
      return target;
    }),
  };
  if (event.legacyEventType === undefined) {
    delete event.legacyEventType;
  }
  return event;
}
