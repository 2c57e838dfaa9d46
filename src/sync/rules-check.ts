import type { Rules } from '../../config/rules-schema';
import { createRoleMapper } from './role-mapping';
import { ruleGroupRefs } from './rule-sources';
import { attributeUses, createGroupIndex } from './source-values';
import { createTeamIndex } from './team-sources';
import { exactKey, looseKey } from './text';
import type { HubSpotRole, HubSpotSeat, HubSpotTeam, OktaCandidate, OktaGroupRef } from './types';

/**
 * What a rules entry names: a HubSpot role, seat or team, an Okta group, or an Okta attribute
 * (that no assigned user has).
 */
export type RuleNameKind = 'role' | 'seat' | 'team' | 'group' | 'attribute';

/** The kinds every report lists (a metric with 0 for them); the others are listed when they occur. */
export const RULE_NAME_KINDS: readonly RuleNameKind[] = ['role', 'seat'];

/** Where a kind lives, for messages: `which HubSpot does not have`. */
const OWNER: Record<RuleNameKind, string> = { role: 'HubSpot', seat: 'HubSpot', team: 'HubSpot', group: 'Okta', attribute: 'no assigned user' };

/** A name in the rules file that HubSpot has no single role or seat for. */
export interface UnknownRuleName {
  kind: RuleNameKind;
  /** Where the rules file names it, e.g. `roles.aliases "Account Executive"` or `seats.budget`. */
  where: string;
  /** The name as the rules file spells it. */
  name: string;
  /** missing: HubSpot has nothing by that name; ambiguous: it matches several roles loosely. */
  problem: 'missing' | 'ambiguous';
  /** The closest name HubSpot has, when one is close enough to be a likely typo. */
  suggestion: string | null;
  /** What happens because of it, for an operator. */
  effect: string;
  /** One line for an operator: where, what, what happens, "did you mean", and the names HubSpot has. */
  message: string;
}

/** The outcome of checking a rules file's role and seat names against one HubSpot account. */
export interface RuleNameCheck {
  unknown: UnknownRuleName[];
  /** Other rules that cannot work as written (an invalid pattern, roles that differ only by case, a budget on a free role). */
  otherProblems: string[];
  /** The role names HubSpot has, sorted. */
  roles: string[];
  /** The seat names HubSpot has, sorted; null when the account lists no seats (or seats are not checked). */
  seats: string[] | null;
  /** The team names HubSpot has, sorted; null when teams were not checked. */
  teams?: string[] | null;
  /** The rule groups found in Okta, sorted by name; null when groups were not checked. */
  groups?: string[] | null;
}

/** What else a check can be given: HubSpot's teams, the rule groups as found in Okta, every assigned user. */
export interface RuleCheckExtras {
  teams?: readonly HubSpotTeam[] | undefined;
  oktaGroups?: readonly OktaGroupRef[] | undefined;
  /** Every assigned user (a full listing): attributes none of them has are reported. */
  candidates?: readonly OktaCandidate[] | undefined;
}

const MAX_LISTED = 25;

/** The names HubSpot has, quoted, for a message (at most {@link MAX_LISTED}). */
export function listNames(names: readonly string[]): string {
  if (names.length === 0) {
    return '(none)';
  }
  const shown = names.slice(0, MAX_LISTED).map((n) => `"${n}"`).join(', ');
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

/**
 * The known name closest to `name` when it is a likely typo or a shortening: within a third of
 * the name's length in edits (at least 2), or one name containing the other. Null otherwise, or
 * when two names are equally close (never guess between them).
 */
export function closestName(name: string, known: readonly string[]): string | null {
  const key = looseKey(name);
  let best: { name: string; score: number } | null = null;
  let tie = false;
  for (const candidate of known) {
    const other = looseKey(candidate);
    const distance = editDistance(key, other);
    const contains = key.length >= 3 && other.length >= 3 && (other.includes(key) || key.includes(other));
    if (distance > Math.max(2, Math.floor(key.length / 3)) && !contains) {
      continue;
    }
    const score = contains ? Math.min(distance, Math.abs(key.length - other.length)) : distance;
    if (best === null || score < best.score) {
      best = { name: candidate, score };
      tie = false;
    } else if (score === best.score && candidate !== best.name) {
      tie = true;
    }
  }
  return best !== null && !tie ? best.name : null;
}

function sortedUnique(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => a.localeCompare(b));
}

/**
 * Checks every role and seat name the rules file gives against HubSpot's roles and seats: the
 * targets of `roles.aliases`, `roles.patterns` and `roles.fallbackRole`, the keys of
 * `seats.byRole`, the keys of `seats.budget` (role names in role mode, seat names in named
 * mode), and in named mode the seat names in `seats.byRole` and `seats.byTitle`. Names are
 * matched as the sync matches them (exact, then ignoring case and spacing). Pure: the doctor
 * and the daemon (at start and on every reconciliation) both use it.
 */
export function checkRuleNames(rules: Pick<Rules, 'roles' | 'seats'> & Partial<Pick<Rules, 'teams'>>, roles: readonly HubSpotRole[], seats: readonly HubSpotSeat[] | null, extras: RuleCheckExtras = {}): RuleNameCheck {
  const mapper = createRoleMapper(roles, rules.roles);
  const roleNames = sortedUnique(roles.map((r) => r.name));
  const named = rules.seats.mode === 'named';
  const seatNames = named && seats !== null ? sortedUnique(seats.map((s) => s.name)) : null;
  const unknown: UnknownRuleName[] = [];

  const teamNames = extras.teams ? sortedUnique(extras.teams.map((t) => t.name)) : null;
  const groupNames = extras.oktaGroups ? sortedUnique(extras.oktaGroups.map((g) => g.name)) : null;
  const knownAttributes = new Map<string, string[]>();
  const knownOf = (kind: RuleNameKind, where: string): readonly string[] =>
    kind === 'role' ? roleNames : kind === 'seat' ? (seatNames ?? []) : kind === 'team' ? (teamNames ?? []) : kind === 'group' ? (groupNames ?? []) : (knownAttributes.get(where) ?? []);
  const report = (kind: RuleNameKind, where: string, name: string, problem: UnknownRuleName['problem'], effect: string, detail = ''): void => {
    const known = knownOf(kind, where);
    const suggestion = problem === 'missing' ? closestName(name, known) : null;
    const what = problem === 'missing' ? (kind === 'attribute' ? 'which no assigned user has' : `which ${OWNER[kind]} does not have`) : `which matches several HubSpot roles${detail}`;
    const listed = kind === 'group' ? 'The rule groups Okta has' : kind === 'attribute' ? 'Attributes the assigned users have' : `HubSpot's ${kind}s`;
    const message = `${where} names ${kind} "${name}", ${what}: ${effect}.` + `${suggestion ? ` Did you mean "${suggestion}"?` : ''} ${listed}: ${listNames(known)}.`;
    unknown.push({ kind, where, name, problem, suggestion, effect, message });
  };

  const checkRole = (where: string, name: string, effect: string): void => {
    const found = mapper.resolveRoleName(name);
    if (found.found === 'missing') {
      report('role', where, name, 'missing', effect);
    } else if (found.found === 'ambiguous') {
      report('role', where, name, 'ambiguous', effect, ` (${found.roles.map((r) => `"${r.name}" (${r.id})`).join(' and ')})`);
    }
  };

  for (const [title, role] of Object.entries(rules.roles.aliases)) {
    checkRole(`roles.aliases "${title}"`, role, 'users with that Title get no role');
  }
  rules.roles.patterns.forEach(({ pattern, role }, i) => {
    checkRole(`roles.patterns[${i}] /${pattern}/`, role, 'users whose Title matches it get no role');
  });
  if (rules.roles.fallbackRole !== null) {
    checkRole('roles.fallbackRole', rules.roles.fallbackRole, 'users whose Title matches nothing get no role');
  }
  for (const role of Object.keys(rules.seats.byRole)) {
    checkRole('seats.byRole', role, 'its seats are given to nobody');
  }
  rules.roles.sources.forEach((source, i) => {
    if (typeof source === 'object' && 'groups' in source) {
      source.groups.forEach((e) => checkRole(`roles.sources[${i}] group "${e.group}"`, e.role, 'its members get no role from it'));
    }
  });

  const otherProblems: string[] = [];
  if (named) {
    if (seatNames !== null) {
      const exact = new Set(seatNames.map(exactKey));
      const loose = new Set(seatNames.map(looseKey));
      const checkSeat = (where: string, name: string, effect: string): void => {
        if (!exact.has(exactKey(name)) && !loose.has(looseKey(name))) {
          report('seat', where, name, 'missing', effect);
        }
      };
      for (const [role, list] of Object.entries(rules.seats.byRole)) {
        list.forEach((seat) => checkSeat(`seats.byRole "${role}"`, seat, 'it is not assigned'));
      }
      for (const [title, list] of Object.entries(rules.seats.byTitle)) {
        list.forEach((seat) => checkSeat(`seats.byTitle "${title}"`, seat, 'it is not assigned'));
      }
      for (const seat of Object.keys(rules.seats.budget)) {
        checkSeat('seats.budget', seat, 'its budget is ignored');
      }
      rules.seats.sources.forEach((source, i) => {
        if (typeof source === 'object' && 'groups' in source) {
          source.groups.forEach((e) => e.seats.forEach((seat) => checkSeat(`seats.sources[${i}] group "${e.group}"`, seat, 'it is not assigned')));
        }
      });
    }
  } else {
    for (const name of Object.keys(rules.seats.budget)) {
      const found = mapper.resolveRoleName(name);
      if (found.found === 'role') {
        if (!found.role.requiresBillingWrite) {
          otherProblems.push(`seats.budget "${name}": role "${found.role.name}" has no paid seat (requiresBillingWrite is false): its budget is ignored`);
        }
      } else {
        checkRole('seats.budget', name, 'its budget is ignored (in role mode budgets are per role name)');
      }
    }
  }

  if (rules.teams) {
    checkSourceNames(rules as Pick<Rules, 'roles' | 'seats' | 'teams'>, extras, report, knownAttributes);
  }

  // The mapper's problems about names are the ones reported above, in more detail.
  otherProblems.push(...mapper.problems.filter((p) => !mapper.targetProblems.has(p)));
  const result: RuleNameCheck = { unknown, otherProblems, roles: roleNames, seats: seatNames };
  if (teamNames !== null) {
    result.teams = teamNames;
  }
  if (groupNames !== null) {
    result.groups = groupNames;
  }
  return result;
}

/** Where each group is first named, for messages: `roles.sources[0]`, `teams.byGroup`. */
function groupPlaces(rules: Pick<Rules, 'roles' | 'seats' | 'teams'>): Map<string, string> {
  const places = new Map<string, string>();
  const note = (where: string, sources: ReadonlyArray<unknown>) =>
    sources.forEach((s, i) => {
      if (s !== null && typeof s === 'object' && 'groups' in s) {
        for (const e of (s as { groups: ReadonlyArray<{ group: string }> }).groups) {
          if (!places.has(e.group)) {
            places.set(e.group, `${where}[${i}]`);
          }
        }
      }
    });
  note('roles.sources', rules.roles.sources);
  note('seats.sources', rules.seats.sources);
  note('teams.primary', rules.teams.primary);
  note('teams.secondary', rules.teams.secondary);
  Object.keys(rules.teams.byGroup).forEach((g) => places.has(g) || places.set(g, 'teams.byGroup'));
  return places;
}

type Report = (kind: RuleNameKind, where: string, name: string, problem: UnknownRuleName['problem'], effect: string) => void;

/**
 * The names the rules' sources give beyond roles and seats: teams HubSpot lacks (when its teams
 * are given), groups Okta lacks (when the rule groups as found in Okta are given), and
 * attributes no assigned user has (when every assigned user is given and their profiles were
 * read). `knownAttributes` is filled with the attribute names the users have, per place.
 */
function checkSourceNames(rules: Pick<Rules, 'roles' | 'seats' | 'teams'>, extras: RuleCheckExtras, report: Report, knownAttributes: Map<string, string[]>): void {
  if (extras.teams) {
    const index = createTeamIndex(extras.teams);
    const checkTeam = (where: string, team: string) => {
      if (index.idOf(team) === null) {
        report('team', where, team, 'missing', 'its members get no team from it');
      }
    };
    rules.teams.primary.forEach((s, i) => 'groups' in s && s.groups.forEach((e) => checkTeam(`teams.primary[${i}] group "${e.group}"`, e.team)));
    rules.teams.secondary.forEach((s, i) => 'groups' in s && s.groups.forEach((e) => checkTeam(`teams.secondary[${i}] group "${e.group}"`, e.team)));
    for (const [group, team] of Object.entries(rules.teams.byGroup)) {
      checkTeam(`teams.byGroup "${group}"`, team);
    }
  }
  if (extras.oktaGroups) {
    const groups = createGroupIndex(extras.oktaGroups);
    const places = groupPlaces(rules);
    for (const ref of ruleGroupRefs(rules)) {
      if (groups.idOf(ref) === null) {
        report('group', places.get(ref) ?? 'rules', ref, 'missing', 'it matches nobody');
      }
    }
  }
  const candidates = extras.candidates;
  if (candidates && candidates.length > 0) {
    const keys = { attribute: new Set<string>(), appAttribute: new Set<string>() };
    const read = { attribute: false, appAttribute: false };
    for (const c of candidates) {
      if (c.profile) {
        read.attribute = true;
        Object.entries(c.profile).forEach(([k, v]) => v !== null && v !== undefined && v !== '' && keys.attribute.add(k));
      }
      if (c.appProfile) {
        read.appAttribute = true;
        Object.entries(c.appProfile).forEach(([k, v]) => v !== null && v !== undefined && v !== '' && keys.appAttribute.add(k));
      }
    }
    const seen = new Set<string>();
    for (const use of attributeUses(rules)) {
      const [which, name] = 'attribute' in use.ref ? (['attribute', use.ref.attribute] as const) : (['appAttribute', use.ref.appAttribute] as const);
      const where = `${use.decision} source ${use.label}`;
      if (!read[which] || keys[which].has(name) || seen.has(where)) {
        continue;
      }
      seen.add(where);
      knownAttributes.set(where, sortedUnique(keys[which]));
      report('attribute', where, name, 'missing', `this source gives no ${use.decision}`);
    }
  }
}

/** Unknown names counted by kind (role and seat always present, 0 when none; the other kinds when they occur). */
export function countByKind(unknown: readonly Pick<UnknownRuleName, 'kind'>[]): Partial<Record<RuleNameKind, number>> & Record<'role' | 'seat', number> {
  const counts: Partial<Record<RuleNameKind, number>> & Record<'role' | 'seat', number> = { role: 0, seat: 0 };
  for (const u of unknown) {
    counts[u.kind] = (counts[u.kind] ?? 0) + 1;
  }
  return counts;
}
