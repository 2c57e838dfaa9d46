/** The simulated Okta org: `createOktaSimulator` and the types callers need. */
export { createOktaSimulator, type OktaSimulator, type OktaSimulatorOptions } from './okta-simulator';
export type { AdminUser, AdminGroup, AdminNewUser, OktaAdmin } from './admin';
export type { OktaFaults, OktaFaultSettings, BadAnswerKind, RoutePattern } from './faults';
export type { RecordedRequest } from './request-log';
export type { RateLimitSettings } from './rate-limits';
export type { OAuthClientSettings } from './oauth-token';
export type { OktaUserStatus, ProfilePatch } from './okta-store';
