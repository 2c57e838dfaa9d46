import { RulesSchema } from '../config/rules-schema';
import { appliedValuesFrom } from '../src/sync/desired-user';
import { generatedSeed } from '../simulators/seeds/generated';
import type { HubSpotUser, LedgerEntry, OktaCandidate, PlanInput } from '../src/sync/types';
import { createRoleMapper } from '../src/sync/role-mapping';
import { createRoleResolver } from '../src/sync/role-sources';
import { createGroupIndex } from '../src/sync/source-values';
import { createTeamResolver } from '../src/sync/team-sources';

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

/** Okta groups of the sources case: 20 regional sales and functional groups. */
const SOURCE_GROUPS = Array.from({ length: 20 }, (_, i) => ({ id: `00g${String(i).padStart(17, '0')}`, name: `Group-${i}` }));

/**
 * The role-seats population with the rules reading every kind of source: the role from the app
 * user's profile, then 20 groups, then a profile attribute, then the Title; the primary team
 * from the app profile, then 20 groups (`teams.byGroup` last); secondary teams from every group.
 * Each user carries a profile, an app profile and one to three of the groups, as the Okta
 * adapter gives them. The managed users are in their teams already, so most are in sync.
 */
export function buildSourcesPopulation(size: PopulationSize): PlanInput {
  const base = buildPopulation(size, 'role');
  const roleNames = base.roles.map((r) => r.name);
  const teams = SOURCE_GROUPS.map((g, i) => ({ id: String(7000 + i), name: `Team ${i}`, userIds: [], secondaryUserIds: [] }));
  const groupsOf = (i: number): string[] => {
    const n = 1 + (i % 3);
    return Array.from({ length: n }, (_, k) => SOURCE_GROUPS[(i * 7 + k * 5) % SOURCE_GROUPS.length]?.id ?? '');
  };
  const candidates = base.candidates.map((c, i) => ({
    ...c,
    profile: { login: c.login, email: c.email, title: c.title, department: i % 11 === 0 ? 'Operations' : (roleNames[i % roleNames.length] ?? null), costCenter: `CC-${i % 40}` },
    // A third of the users get their role from the assigning group's profile (Group Priority).
    appProfile: i % 3 === 0 ? { role: i % 9 === 0 ? 'sales' : (roleNames[(i + 1) % roleNames.length] ?? ''), team: `Team ${i % 20}` } : {},
    groupIds: groupsOf(i),
  }));
  const rules = RulesSchema.parse({
    emailDomains: ['acme.example'],
    seats: { mode: 'role', budget: { 'Sales Rep': 20_000, 'Service Agent': 8_000 } },
    roles: {
      sources: [
        { appAttribute: 'role' },
        { groups: SOURCE_GROUPS.slice(0, 10).map((g, i) => ({ group: i % 2 === 0 ? g.name : g.id, role: roleNames[i % roleNames.length] ?? 'Sales Rep' })) },
        { attribute: 'department' },
        'title',
      ],
      aliases: { sales: 'Sales Rep' },
      patterns: [{ pattern: '^sales', role: 'Sales Rep' }],
    },
    teams: {
      primary: [{ appAttribute: 'team' }, { groups: SOURCE_GROUPS.slice(0, 10).map((g, i) => ({ group: g.name, team: `Team ${i}` })) }],
      secondary: [{ groups: SOURCE_GROUPS.map((g, i) => ({ group: g.name, team: String(7000 + i) })) }],
      byGroup: Object.fromEntries(SOURCE_GROUPS.slice(10).map((g, i) => [g.id, String(7010 + i)])),
    },
  });
  // The managed users already have what the sources give (a previous reconciliation wrote it), bar the drift.
  const groups = createGroupIndex(SOURCE_GROUPS);
  const roleFrom = createRoleResolver(rules.roles.sources, createRoleMapper(base.roles, rules.roles), groups, rules.limits.maxTitleLength);
  const teamsFrom = createTeamResolver(rules.teams, teams, groups, rules.limits.maxTitleLength);
  const byEmail = new Map(candidates.map((c) => [c.email ?? '', c]));
  const byHubSpotId = new Map(base.ledger.map((e) => [e.hubspotUserId, e]));
  const hubspotUsers = base.hubspotUsers.map((u) => {
    const c = byEmail.get(u.email);
    const entry = byHubSpotId.get(u.id);
    if (!c || !entry?.lastApplied) {
      return u;
    }
    const view = { title: c.title, profile: c.profile, appProfile: c.appProfile, groupIds: c.groupIds };
    const role = roleFrom(view).match.role;
    const t = teamsFrom(view);
    const drifted = u.roleId === '2007';
    entry.lastApplied = { ...entry.lastApplied, roleId: role?.id ?? null, primaryTeamId: t.primaryTeamId, secondaryTeamIds: t.secondaryTeamIds ?? [] };
    const roleId = drifted ? '2007' : role?.id;
    return { ...u, roleId, roleIds: roleId ? [roleId] : [], ...(t.primaryTeamId ? { primaryTeamId: t.primaryTeamId } : {}), secondaryTeamIds: t.secondaryTeamIds ?? [] };
  });
  return { ...base, candidates, hubspotUsers, rules, teams, oktaGroups: SOURCE_GROUPS };
}
