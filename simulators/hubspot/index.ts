/** The simulated HubSpot: import from here. */
export { createHubSpotSimulator, type HubSpotSimulator, type HubSpotSimulatorOptions } from './hubspot-simulator';
export { SimAdminError, type AdminSeat, type AdminUserInput, type AdminUserPatch, type HubSpotAdmin } from './hubspot-admin';
export type { BadAnswerKind, FaultMatch, HubSpotFaults, InjectedAnswer } from './hubspot-faults';
export type { SimCounts, SimRequestRecord, SimWriteRecord } from './hubspot-request-log';
export { DEFAULT_SCOPES, SCOPE } from './hubspot-scopes';
export type { HubSpotApiVersion, PublicUserJson } from './hubspot-sim-types';
