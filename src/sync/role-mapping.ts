import type { Rules } from '../../config/rules-schema';
import type { HubSpotRole } from './types';
import { exactKey, looseKey } from './text';

/** How a Title found its role (or why it found none). */
export type RoleMatchKind = 'exact' | 'loose' | 'alias' | 'pattern' | 'group' | 'fallback' | 'unmapped' | 'ambiguous' | 'missing-role';

/** The outcome of mapping one Title: a role, or null with the reason a person needs. */
export interface RoleMatch {
  role: HubSpotRole | null;
  kind: RoleMatchKind;
  /** "exact title match", `alias "AE" → "Sales Rep"`, `unmapped title "Chief Happiness Officer"`, … */
  reason: string;
}

/** A role name from the rules file, resolved against the account's roles. */
export type RoleNameResolution =
  | { found: 'role'; role: HubSpotRole; loose: boolean }
  | { found: 'ambiguous'; roles: HubSpotRole[] }
  | { found: 'missing' };

/** Maps Titles to roles for one account and rules file; built once per plan, cached per Title. */
export interface RoleMapper {
  roleForTitle(title: string | null): RoleMatch;
  /**
   * A value from another source (an attribute, an app attribute), matched like a Title (aliases,
   * names, patterns) but without the fallback: an unmatched value lets the next source decide.
   */
  roleForText(value: string | null): RoleMatch;
  /** What `fallbackRole` gives once no source gave a role ("unmapped" when it is null). */
  fallbackMatch(): RoleMatch;
  resolveRoleName(name: string): RoleNameResolution;
  /** Rules that cannot work against this account (roles that do not exist, bad patterns, …). */
  problems: string[];
  /** The entries of `problems` about a rule naming a role that resolves to none or several (`checkRuleNames` reports those in detail). */
  targetProblems: ReadonlySet<string>;
}

function describeRoles(roles: HubSpotRole[]): string {
  return roles.map((r) => `"${r.name}" (${r.id})`).join(' and ');
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/**
 * Builds the Title → role mapping. Order: aliases (Title → role name; the Title key matched
 * exactly, then loosely), the role whose name equals the Title (an exact, case-sensitive match
 * wins over a loose one that ignores case and spacing), the ordered regex patterns, then
 * `fallbackRole`. Two roles that equal the Title only loosely give no role ("ambiguous": never
 * guess). A rule naming a role the account lacks gives no role and a problem, never an exception.
 */
export function createRoleMapper(roles: readonly HubSpotRole[], rules: Rules['roles']): RoleMapper {
  const problems: string[] = [];
  const byExact = new Map<string, HubSpotRole[]>();
  const byLoose = new Map<string, HubSpotRole[]>();
  for (const role of roles) {
    pushTo(byExact, exactKey(role.name), role);
    pushTo(byLoose, looseKey(role.name), role);
  }
  for (const same of byLoose.values()) {
    if (same.length > 1) {
      problems.push(`HubSpot roles ${describeRoles(same)} differ only by case or spacing: Titles that match them only loosely get no role`);
    }
  }

  const resolveRoleName = (name: string): RoleNameResolution => {
    const exact = byExact.get(exactKey(name)) ?? [];
    if (exact.length === 1 && exact[0]) {
      return { found: 'role', role: exact[0], loose: false };
    }
    if (exact.length > 1) {
      return { found: 'ambiguous', roles: exact };
    }
    const loose = byLoose.get(looseKey(name)) ?? [];
    if (loose.length === 1 && loose[0]) {
      return { found: 'role', role: loose[0], loose: true };
    }
    return loose.length > 1 ? { found: 'ambiguous', roles: loose } : { found: 'missing' };
  };

  const targetProblems = new Set<string>();
  const checkTarget = (what: string, target: string): void => {
    const r = resolveRoleName(target);
    const problem =
      r.found === 'missing' ? `${what} names role "${target}", which does not exist in HubSpot: matching users get no role`
      : r.found === 'ambiguous' ? `${what} names role "${target}", which matches ${describeRoles(r.roles)}: matching users get no role`
      : null;
    if (problem !== null) {
      problems.push(problem);
      targetProblems.add(problem);
    }
  };

  const aliasExact = new Map<string, string>();
  const aliasLoose = new Map<string, { title: string; role: string }>();
  for (const [title, role] of Object.entries(rules.aliases)) {
    aliasExact.set(exactKey(title), role);
    const key = looseKey(title);
    const earlier = aliasLoose.get(key);
    if (earlier && earlier.role !== role) {
      problems.push(`roles.aliases "${earlier.title}" and "${title}" differ only by case or spacing but name different roles: a Title that matches neither exactly uses "${earlier.role}"`);
    } else if (!earlier) {
      aliasLoose.set(key, { title, role });
    }
    checkTarget(`roles.aliases "${title}"`, role);
  }

  const patterns: Array<{ source: string; regex: RegExp; role: string }> = [];
  rules.patterns.forEach(({ pattern, role }, i) => {
    try {
      patterns.push({ source: pattern, regex: new RegExp(pattern, 'i'), role });
      checkTarget(`roles.patterns[${i}] /${pattern}/`, role);
    } catch (err) {
      problems.push(`roles.patterns[${i}] /${pattern}/ is not a valid regular expression (${(err as Error).message}): it is ignored`);
    }
  });
  if (rules.fallbackRole !== null) {
    checkTarget('roles.fallbackRole', rules.fallbackRole);
  }

  const viaRule = (target: string, kind: 'alias' | 'pattern' | 'fallback', how: string): RoleMatch => {
    const r = resolveRoleName(target);
    if (r.found === 'role') {
      return { role: r.role, kind, reason: `${how} → "${r.role.name}"` };
    }
    if (r.found === 'ambiguous') {
      return { role: null, kind: 'ambiguous', reason: `${how} names "${target}", which matches ${describeRoles(r.roles)}` };
    }
    return { role: null, kind: 'missing-role', reason: `${how} names role "${target}", which does not exist in HubSpot` };
  };

  const compute = (title: string | null, withFallback: boolean): RoleMatch => {
    if (title === null) {
      return withFallback && rules.fallbackRole !== null ? viaRule(rules.fallbackRole, 'fallback', 'no title: fallback role') : { role: null, kind: 'unmapped', reason: 'no title' };
    }
    const alias = aliasExact.get(title) ?? aliasLoose.get(looseKey(title))?.role;
    if (alias !== undefined) {
      return viaRule(alias, 'alias', `alias "${title}"`);
    }
    const byName = resolveRoleName(title);
    if (byName.found === 'role') {
      return { role: byName.role, kind: byName.loose ? 'loose' : 'exact', reason: byName.loose ? 'title matches the role name loosely' : 'title matches the role name' };
    }
    if (byName.found === 'ambiguous') {
      return { role: null, kind: 'ambiguous', reason: `title "${title}" matches ${describeRoles(byName.roles)} equally` };
    }
    for (const p of patterns) {
      if (p.regex.test(title)) {
        return viaRule(p.role, 'pattern', `pattern /${p.source}/`);
      }
    }
    if (withFallback && rules.fallbackRole !== null) {
      return viaRule(rules.fallbackRole, 'fallback', 'fallback role');
    }
    return { role: null, kind: 'unmapped', reason: `unmapped title "${title}"` };
  };

  const cached = (cache: Map<string | null, RoleMatch>, withFallback: boolean) => (raw: string | null): RoleMatch => {
    const title = raw === null || raw.trim() === '' ? null : raw.trim();
    let match = cache.get(title);
    if (!match) {
      match = compute(title, withFallback);
      cache.set(title, match);
    }
    return match;
  };
  const roleForTitle = cached(new Map(), true);
  const roleForText = cached(new Map(), false);
  const fallback: RoleMatch =
    rules.fallbackRole !== null ? viaRule(rules.fallbackRole, 'fallback', 'fallback role') : { role: null, kind: 'unmapped', reason: 'no source gives a role' };

  return { roleForTitle, roleForText, fallbackMatch: () => fallback, resolveRoleName, problems, targetProblems };
}

/** One-off convenience: the role a Title gets. Build a mapper for many Titles. */
export function roleForTitle(title: string | null, roles: readonly HubSpotRole[], rules: Rules['roles']): RoleMatch {
  return createRoleMapper(roles, rules).roleForTitle(title);
}
