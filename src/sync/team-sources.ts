import type { Rules, TeamSource } from '../../config/rules-schema';
import type { GroupEntries, GroupIndex, SourceView, UnmappedHit } from './source-values';
import type { HubSpotTeam } from './types';
import { attributeLabel, attributeRead, listValue, rawAttribute, resolveGroupEntries, singleValue } from './source-values';
import { exactKey, looseKey } from './text';

/** The teams one user should be in. */
export interface TeamOutcome {
  /** null: leave the primary team alone (no source gave one). */
  primaryTeamId: string | null;
  /** Sorted, without the primary team; null: leave the secondary teams alone. */
  secondaryTeamIds: string[] | null;
  /** Where the teams came from, for the action's reason (empty when nothing decided). */
  reasons: readonly string[];
  unmapped: readonly UnmappedHit[];
}

/** Decides the teams of one user from `rules.teams`. */
export type TeamResolver = (view: SourceView) => TeamOutcome;

/** A team a rule or an Okta value names, as HubSpot has it. */
export interface TeamIndex {
  /** The team id of a value (an id, else a name: exact, then ignoring case and spacing); null when HubSpot has none. */
  idOf(value: string): string | null;
  /** The team's name, for reasons. */
  nameOf(id: string): string;
}

/** Without HubSpot's teams (not read), values are taken as team ids, as `teams.byGroup` always did. */
export function createTeamIndex(teams: readonly HubSpotTeam[] | undefined): TeamIndex {
  if (teams === undefined) {
    return { idOf: (v) => v.trim(), nameOf: (id) => id };
  }
  const byId = new Map(teams.map((t) => [t.id, t]));
  const byExact = new Map<string, HubSpotTeam>();
  const byLoose = new Map<string, HubSpotTeam[]>();
  for (const t of teams) {
    if (!byExact.has(exactKey(t.name))) {
      byExact.set(exactKey(t.name), t);
    }
    byLoose.set(looseKey(t.name), [...(byLoose.get(looseKey(t.name)) ?? []), t]);
  }
  return {
    idOf: (v) => {
      const loose = byLoose.get(looseKey(v));
      // Two teams that differ only by case match a loose value equally: never guess.
      return (byId.get(v.trim()) ?? byExact.get(exactKey(v)) ?? (loose?.length === 1 ? loose[0] : undefined))?.id ?? null;
    },
    nameOf: (id) => byId.get(id)?.name ?? id,
  };
}

/** The primary team's sources: `teams.primary`, then `teams.byGroup` (group id → team id) as a groups source. */
export function primaryTeamSources(teams: Rules['teams']): TeamSource[] {
  const byGroup = Object.entries(teams.byGroup);
  return byGroup.length === 0 ? [...teams.primary] : [...teams.primary, { groups: byGroup.map(([group, team]) => ({ group, team })) }];
}

const NONE: string[] = [];
const NO_HITS: UnmappedHit[] = [];

type Compiled =
  | { kind: 'attribute'; label: string; source: Extract<TeamSource, { attribute: string } | { appAttribute: string }> }
  | { kind: 'groups'; entries: GroupEntries<{ name: string; id: string | null }> };

function compile(sources: readonly TeamSource[], groups: GroupIndex, index: TeamIndex): Compiled[] {
  return sources.map((source): Compiled => {
    if ('groups' in source) {
      return { kind: 'groups', entries: resolveGroupEntries(source.groups, groups, (e) => ({ name: e.team, id: index.idOf(e.team) })) };
    }
    return { kind: 'attribute', label: attributeLabel(source), source };
  });
}

/**
 * Builds the resolver. Primary team: the first source that gives a team HubSpot has (an
 * attribute's value, or the team of the first listed group the user is in), `teams.byGroup`
 * last; none: the primary team is left alone. Secondary teams: every source adds (every group
 * the user is in, every name of an attribute's list), the primary team left out; no secondary
 * source, or a source whose data was not read (groups, app profile): left alone. Values are
 * team ids or names.
 */
export function createTeamResolver(rules: Rules['teams'], teams: readonly HubSpotTeam[] | undefined, groups: GroupIndex, maxLength: number): TeamResolver {
  const index = createTeamIndex(teams);
  const primary = compile(primaryTeamSources(rules), groups, index);
  const secondary = compile(rules.secondary, groups, index);
  if (primary.length === 0 && secondary.length === 0) {
    const none: TeamOutcome = { primaryTeamId: null, secondaryTeamIds: null, reasons: NONE, unmapped: NO_HITS };
    return () => none;
  }
  const named = (id: string) => `"${index.nameOf(id)}"`;

  return (view) => {
    let hits: UnmappedHit[] = NO_HITS;
    const reasons: string[] = [];
    let primaryTeamId: string | null = null;
    for (const source of primary) {
      if (source.kind === 'groups') {
        const entry = source.entries.first(view.groupIds);
        if (entry === undefined) {
          continue;
        }
        if (entry.value.id === null) {
          hits = [...hits, { decision: 'primary team', source: `group ${entry.label}`, value: entry.value.name }];
          continue;
        }
        primaryTeamId = entry.value.id;
        reasons.push(`primary team ${named(primaryTeamId)} from group ${entry.label}`);
        break;
      }
      const read = singleValue(rawAttribute(view, source.source), maxLength);
      if (!read.ok || read.value === null) {
        continue;
      }
      const id = index.idOf(read.value);
      if (id === null) {
        hits = [...hits, { decision: 'primary team', source: source.label, value: read.value }];
        continue;
      }
      primaryTeamId = id;
      reasons.push(`primary team ${named(id)} from ${source.label} = "${read.value}"`);
      break;
    }
    if (secondary.length === 0) {
      return { primaryTeamId, secondaryTeamIds: null, reasons, unmapped: hits };
    }
    const found = new Set<string>();
    const from: string[] = [];
    for (const source of secondary) {
      if (source.kind === 'groups') {
        if (view.groupIds === undefined) {
          return { primaryTeamId, secondaryTeamIds: null, reasons, unmapped: hits };
        }
        for (const entry of source.entries.all(view.groupIds)) {
          if (entry.value.id === null) {
            hits = [...hits, { decision: 'secondary teams', source: `group ${entry.label}`, value: entry.value.name }];
          } else if (entry.value.id !== primaryTeamId && !found.has(entry.value.id)) {
            found.add(entry.value.id);
            from.push(`${named(entry.value.id)} from group ${entry.label}`);
          }
        }
        continue;
      }
      if (!attributeRead(view, source.source)) {
        return { primaryTeamId, secondaryTeamIds: null, reasons, unmapped: hits };
      }
      const read = listValue(rawAttribute(view, source.source), maxLength);
      for (const value of read.ok ? read.value : NONE) {
        const id = index.idOf(value);
        if (id === null) {
          hits = [...hits, { decision: 'secondary teams', source: source.label, value }];
        } else if (id !== primaryTeamId && !found.has(id)) {
          found.add(id);
          from.push(`${named(id)} from ${source.label} = "${value}"`);
        }
      }
    }
    reasons.push(from.length === 0 ? 'no secondary team' : `secondary teams ${from.join(', ')}`);
    return { primaryTeamId, secondaryTeamIds: found.size === 0 ? NONE : [...found].sort(), reasons, unmapped: hits };
  };
}

/** The rules map teams (some primary or secondary source, or `teams.byGroup`): the plan needs HubSpot's teams. */
export function rulesMapTeams(rules: Pick<Rules, 'teams'>): boolean {
  return rules.teams.primary.length > 0 || rules.teams.secondary.length > 0 || Object.keys(rules.teams.byGroup).length > 0;
}
