/**
 * Seed data shared by the Okta and HubSpot simulators, so one seed name gives a consistent
 * company on both sides (titles that match HubSpot roles, users to adopt, and so on).
 */
export interface SeedPerson {
  /** Stable key used to derive Okta ids. */
  key: string;
  firstName: string;
  lastName: string;
  email: string;
  /** Okta login (usually the email). */
  login: string;
  title: string | null;
  status: 'ACTIVE' | 'STAGED' | 'PROVISIONED' | 'SUSPENDED' | 'DEPROVISIONED' | 'LOCKED_OUT' | 'PASSWORD_EXPIRED' | 'RECOVERY';
  /** Assigned to the HubSpot app: directly, through a group (by group key), or not. */
  assignment: 'direct' | { group: string } | null;
  department?: string;
  /** Other Okta profile attributes, custom ones included (`hubspotRole`, `costCenter`, …). */
  profile?: Record<string, string>;
  /** A direct assignment's own app user profile (`assignment: 'direct'` only). */
  appProfile?: Record<string, string>;
}

export interface SeedGroup {
  key: string;
  name: string;
  /** Whether the group is assigned to the HubSpot app. */
  assignedToApp: boolean;
  /** The group assignment's profile (its group-scoped app user attributes), when assigned. */
  appProfile?: Record<string, string>;
}

export interface SeedRole {
  id: string;
  name: string;
  requiresBillingWrite: boolean;
}

export interface SeedHubSpotUser {
  email: string;
  firstName?: string;
  lastName?: string;
  roleName?: string;
  superAdmin?: boolean;
  seatNames?: string[];
}

export interface SeedSeat {
  name: string;
  description?: string;
  /** Total seats bought; remaining = total − used. */
  total: number;
}

export interface Seed {
  name: string;
  /** The HubSpot app instance in Okta. */
  app: { id: string; label: string };
  groups: SeedGroup[];
  people: SeedPerson[];
  hubspot: { roles: SeedRole[]; teams: Array<{ id: string; name: string }>; users: SeedHubSpotUser[]; seats: SeedSeat[] };
}
