import type { Rules } from '../../config/rules-schema';
import type { RoleMapper } from './role-mapping';
import type { AppliedValues, HubSpotRole, HubSpotSeat, HubSpotUser, LedgerSeatCounts } from './types';
import { currentRoleId, sortedSeats } from './hubspot-user';
import { exactKey, looseKey } from './text';

/**
 * The kinds of paid seat the plan counts, for one account and rules file. In role mode a kind is
 * a paid role (its id; `requiresBillingWrite`); in named mode it is a seat name from HubSpot's
 * seats list. Everything the seat budget needs goes through here, so the allocation itself does
 * not care which pricing model the account has.
 */
export interface SeatCatalog {
  mode: 'role' | 'named';
  /** Kinds a HubSpot user holds now (read-only: lists may be shared). */
  heldBy(user: HubSpotUser): readonly string[];
  /** Kinds the daemon last gave a managed user (when the HubSpot user is not at hand). */
  heldByApplied(values: AppliedValues): readonly string[];
  /** Kinds an in-scope user should have, given the Title and the role it mapped to. */
  wantedFor(title: string | null, role: HubSpotRole | null): readonly string[];
  /** Named mode: the seats `seats.byTitle` gives a Title; undefined when it names none. */
  forTitle(title: string | null): readonly string[] | undefined;
  /** Named mode: the seats `seats.byRole` gives a role; undefined when it names none. */
  forRole(role: HubSpotRole | null): readonly string[] | undefined;
  /** Named mode: HubSpot's name for a seat a source names (exact, then loose); null when HubSpot lists none such. */
  seatNamed(name: string): string | null;
  /** The rules file's budget for a kind, or null. */
  budgetOf(kind: string): number | null;
  /** HubSpot's free seats of a kind now, or null when unknown. */
  remainingOf(kind: string): number | null;
  /** Managed users holding each kind, from ledger-wide counts (see `PlanInput.ledgerSeatCounts`). */
  countIn(counts: LedgerSeatCounts, kind: string): number;
  /** What a person calls the kind (role name or seat name). */
  label(kind: string): string;
  /** Kinds worth reporting even when nobody holds or wants them (budgeted or listed by HubSpot). */
  reportedKinds(): string[];
  problems: string[];
}

/** Shared empty list: the catalog's lists are read-only, so most users need no list of their own. */
const NONE: string[] = [];

function lookupLoose<V>(entries: Array<[string, V]>): (key: string) => V | undefined {
  const exact = new Map<string, V>();
  const loose = new Map<string, V>();
  for (const [k, v] of entries) {
    exact.set(exactKey(k), v);
    if (!loose.has(looseKey(k))) {
      loose.set(looseKey(k), v);
    }
  }
  return (key) => exact.get(exactKey(key)) ?? loose.get(looseKey(key));
}

function roleCatalog(roles: readonly HubSpotRole[], rules: Rules['seats'], mapper: RoleMapper): SeatCatalog {
  const problems: string[] = [];
  const paid = new Map(roles.filter((r) => r.requiresBillingWrite).map((r) => [r.id, r]));
  const budgets = new Map<string, number>();
  for (const [name, budget] of Object.entries(rules.budget)) {
    const r = mapper.resolveRoleName(name);
    if (r.found !== 'role') {
      problems.push(`seats.budget "${name}" names no single HubSpot role (role mode budgets are per role name): it is ignored`);
    } else if (!r.role.requiresBillingWrite) {
      problems.push(`seats.budget "${name}": role "${r.role.name}" has no paid seat (requiresBillingWrite is false): it is ignored`);
    } else {
      budgets.set(r.role.id, budget);
    }
  }
  const single = new Map([...paid.keys()].map((id) => [id, [id]]));
  const held = (roleId: string | null): string[] => (roleId === null ? NONE : (single.get(roleId) ?? NONE));
  return {
    mode: 'role',
    heldBy: (user) => held(currentRoleId(user)),
    heldByApplied: (values) => held(values.roleId),
    wantedFor: (_title, role) => (role === null ? NONE : (single.get(role.id) ?? NONE)),
    forTitle: () => undefined,
    forRole: () => undefined,
    seatNamed: () => null,
    budgetOf: (kind) => budgets.get(kind) ?? null,
    countIn: (counts, kind) => (Object.hasOwn(counts.byRoleId, kind) ? (counts.byRoleId[kind] ?? 0) : 0),
    remainingOf: () => null,
    label: (kind) => paid.get(kind)?.name ?? kind,
    reportedKinds: () => [...budgets.keys()],
    problems,
  };
}

function namedCatalog(seats: readonly HubSpotSeat[] | null, rules: Rules['seats']): SeatCatalog {
  const problems: string[] = [];
  const known = seats === null ? null : new Map(seats.map((s) => [s.name, s]));
  const canonicalLoose = seats === null ? null : lookupLoose(seats.map((s) => [s.name, s.name] as [string, string]));
  const canonical = (name: string, where: string): string | null => {
    if (canonicalLoose === null) {
      return name.trim();
    }
    const found = canonicalLoose(name);
    if (found === undefined) {
      problems.push(`${where} names seat "${name}", which HubSpot does not list: it is not assigned`);
      return null;
    }
    return found;
  };
  const mapSeats = (names: string[], where: string) => sortedSeats(names.map((n) => canonical(n, where)).filter((n): n is string => n !== null));
  const byTitle = lookupLoose(Object.entries(rules.byTitle).map(([t, names]) => [t, mapSeats(names, `seats.byTitle "${t}"`)]));
  const byRole = lookupLoose(Object.entries(rules.byRole).map(([r, names]) => [r, mapSeats(names, `seats.byRole "${r}"`)]));
  const budgets = new Map<string, number>();
  for (const [name, budget] of Object.entries(rules.budget)) {
    const seat = canonical(name, `seats.budget "${name}"`);
    if (seat !== null) {
      budgets.set(seat, budget);
    }
  }
  return {
    mode: 'named',
    heldBy: (user) => (user.seatNames === undefined || user.seatNames.length === 0 ? NONE : sortedSeats(user.seatNames)),
    heldByApplied: (values) => (values.seatNames.length === 0 ? NONE : sortedSeats(values.seatNames)),
    wantedFor: (title, role) => (title !== null ? byTitle(title) : undefined) ?? (role !== null ? byRole(role.name) : undefined) ?? NONE,
    forTitle: (title) => (title !== null ? byTitle(title) : undefined),
    forRole: (role) => (role !== null ? byRole(role.name) : undefined),
    seatNamed: (name) => (canonicalLoose === null ? name.trim() : (canonicalLoose(name) ?? null)),
    budgetOf: (kind) => budgets.get(kind) ?? null,
    countIn: (counts, kind) => (Object.hasOwn(counts.bySeatName, kind) ? (counts.bySeatName[kind] ?? 0) : 0),
    remainingOf: (kind) => {
      const r = known?.get(kind)?.remainingSeats;
      return r === undefined ? null : Math.max(0, r);
    },
    label: (kind) => kind,
    reportedKinds: () => [...new Set([...(seats ?? []).map((s) => s.name), ...budgets.keys()])],
    problems,
  };
}

/** Builds the catalog for `rules.seats.mode`; problems with the rules come back, never thrown. */
export function createSeatCatalog(roles: readonly HubSpotRole[], seats: readonly HubSpotSeat[] | null, rules: Rules['seats'], mapper: RoleMapper): SeatCatalog {
  return rules.mode === 'role' ? roleCatalog(roles, rules, mapper) : namedCatalog(seats, rules);
}
