import type { HubSpotRole, HubSpotSeat, HubSpotTeam, HubSpotUser } from '../sync/types';

/**
 * The HubSpot operations the daemon uses, implemented by `createHubSpotClient` over
 * `@hubspot/api-client`. Every method throws `SyncError` subclasses (see `src/lib/errors.ts`).
 */

/** The fields the daemon writes on a HubSpot user; on an update, a key that is absent is left alone and `roleId: null` removes the role. */
export interface UserFieldsInput {
  firstName?: string | null;
  lastName?: string | null;
  roleId?: string | null;
  seatNames?: readonly string[];
  primaryTeamId?: string | null;
  /** The whole list of secondary teams (an empty list removes them all). */
  secondaryTeamIds?: readonly string[];
}

export interface CreateUserInput extends UserFieldsInput {
  email: string;
  sendWelcomeEmail: boolean;
}

/** Fields to change (see {@link UserFieldsInput}). */
export type UpdateUserInput = UserFieldsInput;

/** What the last answer said about the rate budget. */
export interface HubSpotRateState {
  max: number | null;
  remaining: number | null;
  intervalMs: number | null;
  dailyRemaining: number | null;
  at: number;
}

export interface HubSpotClientApi {
  /** Pages through every user (100 per page). */
  listUsers(): AsyncIterable<HubSpotUser[]>;
  getUser(id: string): Promise<HubSpotUser | null>;
  getUserByEmail(email: string): Promise<HubSpotUser | null>;
  /** Refused in dry-run mode. A 409 (email exists) is a PermanentError with code HUBSPOT_CONFLICT. */
  createUser(input: CreateUserInput): Promise<HubSpotUser>;
  /** Refused in dry-run mode. */
  updateUser(id: string, input: UpdateUserInput): Promise<HubSpotUser>;
  /** Refused in dry-run mode. Returns false when the user was already gone (404). */
  deleteUser(id: string): Promise<boolean>;
  listRoles(): Promise<HubSpotRole[]>;
  listTeams(): Promise<HubSpotTeam[]>;
  /** Named seats with remaining counts; null when the account or token has no seats API. */
  listSeats(): Promise<HubSpotSeat[] | null>;
  /** The rate budget as the last answer's `X-HubSpot-RateLimit-*` headers told it; null before any. */
  rateState(): HubSpotRateState | null;
}

/** Told before each HTTP request (after dry-run refusal), so a caller can wait for a shared rate budget. */
export interface HubSpotRequestInfo {
  method: string;
  /** Route template, e.g. `/settings/v3/users/{userId}`. */
  route: string;
}

/** Told after each HTTP request, answered or not (status 0: no answer, e.g. network error or timeout). */
export interface HubSpotResponseInfo {
  api: 'hubspot';
  route: string;
  method: string;
  status: number;
  durationMs: number;
  /** What this answer's rate headers said; null when it carried none. */
  rate: HubSpotRateState | null;
}

/** Hooks the pipeline gives the client: a shared rate budget before, metrics and budget feedback after. */
export interface HubSpotClientHooks {
  beforeRequest?(info: HubSpotRequestInfo): Promise<void>;
  afterResponse?(info: HubSpotResponseInfo): void;
}
