/** The simulated Okta org: `createOktaSimulator` and the types callers need. */
export { createOktaSimulator, type OktaSimulator, type OktaSimulatorOptions } from './okta-simulator';
export type { AdminUser, AdminGroup, AdminNewUser, OktaAdmin } from './admin';
export { BAD_ANSWER_KINDS, type OktaFaults, type OktaFaultSettings, type BadAnswerKind, type RoutePattern } from './faults';
export type { RecordedRequest } from './request-log';
export type { RateLimitSettings } from './rate-limits';
export type { OAuthClientSettings } from './oauth-token';
export { OKTA_USER_STATUSES, type OktaUserStatus, type ProfilePatch, type NewUser } from './okta-store';
export { HOOK_ELIGIBLE_EVENT_TYPES, type HookFaultSettings, type HookDeliveryRecord, type EventHooks } from './event-hooks';
