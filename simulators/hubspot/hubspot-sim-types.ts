/**
 * Shapes inside the simulated HubSpot. Users are stored once; each API version renders them
 * (with or without `seatNames`) when it answers.
 */

/** The API versions the simulator serves: legacy v3 (what the SDK calls) and two date versions. */
export type HubSpotApiVersion = 'v3' | '2026-03' | '2026-09-beta';

/** A stored user. `seatNames` is empty when the user has no named seat. */
export interface SimUser {
  id: string;
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  roleId?: string | undefined;
  primaryTeamId?: string | undefined;
  secondaryTeamIds: string[];
  superAdmin: boolean;
  seatNames: string[];
}

export interface SimRole {
  id: string;
  name: string;
  requiresBillingWrite: boolean;
}

export interface SimTeam {
  id: string;
  name: string;
}

/** A named seat with how many were bought; used seats are counted from the users. */
export interface SimSeat {
  name: string;
  description?: string | undefined;
  total: number;
}

/** A user as the API renders it (`PublicUser` in HubSpot's spec). */
export interface PublicUserJson {
  id: string;
  email: string;
  firstName?: string;
  lastName?: string;
  roleId?: string;
  roleIds: string[];
  primaryTeamId?: string;
  secondaryTeamIds: string[];
  superAdmin: boolean;
  sendWelcomeEmail: boolean;
  seatNames?: string[];
}

export interface PublicTeamJson {
  id: string;
  name: string;
  userIds: string[];
  secondaryUserIds: string[];
}

export interface PublicSeatJson {
  name: string;
  description?: string;
  remainingSeats: number;
}

/** An error the simulator answers with: HTTP status and a HubSpot-shaped body (without correlationId). */
export interface SimErrorAnswer {
  status: number;
  category: string;
  message: string;
  subCategory?: string;
  errors?: Array<{ message: string; in?: string; code?: string; subCategory?: string; context?: Record<string, string[]> }>;
  context?: Record<string, string[]>;
  links?: Record<string, string>;
}

/** Either a value or the error HubSpot would answer with. */
export type SimResult<T> = { ok: true; value: T } | { ok: false; error: SimErrorAnswer };
