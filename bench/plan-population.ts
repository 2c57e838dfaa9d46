import { RulesSchema } from '../config/rules-schema';
import { appliedValuesFrom } from '../src/sync/desired-user';
import { generatedSeed } from '../simulators/seeds/generated';
import type { HubSpotUser, LedgerEntry, OktaCandidate, PlanInput } from '../src/sync/types';

/** The shape of a large account for planning benchmarks. */
export interface PopulationSize {
  okta: number;
  /** Managed users in sync (a few drifted or with a changed Title). */
  managed: number;
  /** Managed users whose Okta user is gone: deletions (held by the guard at this scale). */
  leavers: number;
  /** Managed users deleted by hand in HubSpot. */
  vanished: number;
  /** Unmanaged HubSpot users with an Okta user's email: adoptions. */
  adoptable: number;
  /** HubSpot users nobody in Okta knows. */
  agency: number;
}

/** 100,000 Okta users, 10,000 HubSpot users, a ledger of 10,000. */
export const LARGE: PopulationSize = { okta: 100_000, managed: 9_000, leavers: 500, vanished: 500, adoptable: 300, agency: 200 };

const STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'STAGED', 'SUSPENDED'];

/**
 * A deterministic planner input of the given size, built on the generated seed (its roles and
 * Titles): mostly active users, some pending or suspended, managed users already in sync with a
 * little drift, leavers, users deleted by hand, users to adopt and agency users. `seats` picks the
 * pricing model: role (paid roles with a budget) or named (seat names with HubSpot's free seats).
 */
export function buildPopulation(size: PopulationSize, seats: 'role' | 'named'): PlanInput {
  const seed = generatedSeed(size.okta);
  const roles = seed.hubspot.roles.map((r) => ({ id: r.id, name: r.name, requiresBillingWrite: r.requiresBillingWrite }));
  const roleByName = new Map(roles.map((r) => [r.name, r]));
  const candidates: OktaCandidate[] = seed.people.map((p, i) => ({
    oktaUserId: `00u${String(i).padStart(8, '0')}`,
    login: p.login,
    email: p.email,
    firstName: p.firstName,
    lastName: p.lastName,
    title: i % 997 === 5 ? `${p.title ?? ''} (Contract)` : p.title,
    status: i < size.managed ? 'ACTIVE' : (STATUSES[i % STATUSES.length] ?? 'ACTIVE'),
    assigned: true,
    assignedVia: i % 3 === 0 ? 'GROUP' : 'USER',
    assignedAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
  }));
  const hubspotUsers: HubSpotUser[] = [];
  const ledger: LedgerEntry[] = [];
  const seatFor = (title: string | null): string[] =>
    title === 'Sales Rep' ? ['Sales Hub Professional'] : title === 'Service Agent' ? ['Service Hub Professional'] : title === 'Sales Manager' ? ['Core', 'Sales Hub Professional'] : [];
  let nextId = 5_000_000;
  const manage = (c: OktaCandidate, inHubSpot: boolean) => {
    const role = roleByName.get(c.title ?? '') ?? null;
    const id = String(nextId++);
    const email = c.email ?? '';
    const seatNames = seats === 'named' ? seatFor(c.title) : [];
    const desired = { oktaUserId: c.oktaUserId, email, firstName: c.firstName, lastName: c.lastName, roleId: role?.id ?? null, roleName: role?.name ?? null, seatNames, primaryTeamId: null, roleReason: '' };
    ledger.push({ hubspotUserId: id, oktaUserId: c.oktaUserId, email, how: 'created', managedSince: '2025-06-01T00:00:00.000Z', lastApplied: appliedValuesFrom(desired) });
    if (inHubSpot) {
      const drifted = hubspotUsers.length % 50 === 7;
      const roleId = drifted ? '2007' : role?.id;
      hubspotUsers.push({ id, email, firstName: c.firstName ?? undefined, lastName: c.lastName ?? undefined, roleId, roleIds: roleId ? [roleId] : [], secondaryTeamIds: [], superAdmin: false, seatNames });
    }
  };
  candidates.slice(0, size.managed).forEach((c) => manage(c, true));
  candidates.slice(size.managed, size.managed + size.vanished).forEach((c) => manage(c, false));
  const leavers = Array.from({ length: size.leavers }, (_, i) => ({
    oktaUserId: `00ugone${i}`,
    login: `gone${i}@acme.example`,
    email: `gone${i}@acme.example`,
    firstName: 'Gone',
    lastName: String(i),
    title: 'Sales Rep',
    status: 'ACTIVE',
    assigned: true,
    assignedVia: 'USER' as const,
    assignedAt: null,
  }));
  leavers.forEach((c) => manage(c, true));
  for (const c of candidates.slice(size.managed + size.vanished, size.managed + size.vanished + size.adoptable)) {
    hubspotUsers.push({ id: String(nextId++), email: (c.email ?? '').toUpperCase(), roleIds: [], secondaryTeamIds: [], superAdmin: false, seatNames: [] });
  }
  for (let i = 0; i < size.agency; i++) {
    hubspotUsers.push({ id: String(nextId++), email: `agency${i}@partner.example`, roleIds: [], secondaryTeamIds: [], superAdmin: i === 0, seatNames: [] });
  }
  const rules = RulesSchema.parse(
    seats === 'role'
      ? { emailDomains: ['acme.example'], seats: { mode: 'role', budget: { 'Sales Rep': 20_000, 'Service Agent': 8_000 } }, roles: { patterns: [{ pattern: '^sales', role: 'Sales Rep' }] } }
      : {
          emailDomains: ['acme.example'],
          seats: { mode: 'named', byTitle: { 'Sales Rep': ['Sales Hub Professional'], 'Service Agent': ['Service Hub Professional'] }, byRole: { 'Sales Manager': ['Sales Hub Professional', 'Core'] }, budget: { Core: 30_000 } },
          roles: { patterns: [{ pattern: '^sales', role: 'Sales Rep' }] },
        },
  );
  return {
    mode: 'full',
    candidates,
    hubspotUsers,
    roles,
    seats: seats === 'named' ? [{ name: 'Core', remainingSeats: 20_000 }, { name: 'Sales Hub Professional', remainingSeats: 5_000 }, { name: 'Service Hub Professional', remainingSeats: 2_000 }] : null,
    ledger,
    rules,
    now: '2026-12-01T12:00:00.000Z',
    recentDeletions: 0,
    approvedDeletions: [],
  };
}
