import type { Rules } from '../../config/rules-schema';

/**
 * The Okta groups the rules read (by name or id, as written): every `groups` source of roles,
 * seats and teams, and the keys of `teams.byGroup`. The Okta side reads the members of these
 * groups (once per reconciliation) and tells the planner which of them each user is in.
 */
export function ruleGroupRefs(rules: Pick<Rules, 'roles' | 'seats' | 'teams'>): string[] {
  const refs = new Set<string>();
  const add = (sources: ReadonlyArray<unknown>) => {
    for (const source of sources) {
      if (source !== null && typeof source === 'object' && 'groups' in source) {
        for (const entry of (source as { groups: ReadonlyArray<{ group: string }> }).groups) {
          refs.add(entry.group);
        }
      }
    }
  };
  add(rules.roles.sources);
  if (rules.seats.mode === 'named') {
    add(rules.seats.sources);
  }
  add(rules.teams.primary);
  add(rules.teams.secondary);
  for (const groupId of Object.keys(rules.teams.byGroup)) {
    refs.add(groupId);
  }
  return [...refs];
}

/** The rules read the app user's profile (some source is an `appAttribute`). */
export function rulesReadAppProfile(rules: Pick<Rules, 'roles' | 'seats' | 'teams'>): boolean {
  const all: unknown[] = [...rules.roles.sources, ...(rules.seats.mode === 'named' ? rules.seats.sources : []), ...rules.teams.primary, ...rules.teams.secondary];
  return all.some((s) => s !== null && typeof s === 'object' && 'appAttribute' in s);
}
