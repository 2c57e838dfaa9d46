import type { RoleSource } from '../../config/rules-schema';
import type { RoleMapper, RoleMatch, RoleNameResolution } from './role-mapping';
import type { GroupEntries, GroupIndex, SourceView, UnmappedHit } from './source-values';
import { attributeLabel, rawAttribute, resolveGroupEntries, singleValue, valuePhrase } from './source-values';

/** The role one user gets from the rules' sources, and the values that matched no role on the way. */
export interface RoleOutcome {
  match: RoleMatch;
  unmapped: readonly UnmappedHit[];
}

/** Decides roles from `rules.roles.sources` for one plan. */
export type RoleResolver = (view: SourceView) => RoleOutcome;

const NO_HITS: UnmappedHit[] = [];

type CompiledSource =
  | { kind: 'text'; label: string; read: (view: SourceView) => string | null }
  | { kind: 'groups'; entries: GroupEntries<{ name: string; found: RoleNameResolution }> };

/** How a value found its role, in a word or two, for a reason that already names the value. */
function how(match: RoleMatch): string {
  switch (match.kind) {
    case 'exact':
      return 'the role name';
    case 'loose':
      return 'the role name, loosely';
    case 'alias':
      return 'alias';
    case 'pattern':
      return match.reason.replace(/ → .*$/u, '');
    default:
      return match.kind;
  }
}

/**
 * Builds the resolver: the sources are tried in order and the first that gives a role wins. A
 * text value (the Title, an attribute, an app attribute) goes through the Title matcher (aliases,
 * exact then loose name, patterns); a groups source gives the role of the first listed group the
 * user is in. When none gives a role, the first value that named a role HubSpot lacks (or
 * several roles) decides, as it does for a Title; else `fallbackRole`. With the default sources
 * (the Title alone) the outcome is exactly the Title matcher's, reasons included.
 */
export function createRoleResolver(sources: readonly RoleSource[], mapper: RoleMapper, groups: GroupIndex, maxLength: number): RoleResolver {
  if (sources.length === 1 && sources[0] === 'title') {
    return (view) => ({ match: mapper.roleForTitle(view.title), unmapped: NO_HITS });
  }
  const compiled: CompiledSource[] = sources.map((source): CompiledSource => {
    if (source === 'title') {
      return { kind: 'text', label: 'title', read: (view) => view.title };
    }
    if ('groups' in source) {
      return { kind: 'groups', entries: resolveGroupEntries(source.groups, groups, (e) => ({ name: e.role, found: mapper.resolveRoleName(e.role) })) };
    }
    return {
      kind: 'text',
      label: attributeLabel(source),
      read: (view) => {
        // Bad values were turned into skips before: here an unusable value is simply absent.
        const read = singleValue(rawAttribute(view, source), maxLength);
        return read.ok ? read.value : null;
      },
    };
  });

  return (view) => {
    let failure: RoleMatch | null = null;
    let hits: UnmappedHit[] = NO_HITS;
    const miss = (hit: UnmappedHit) => {
      hits = hits === NO_HITS ? [hit] : [...hits, hit];
    };
    for (const source of compiled) {
      if (source.kind === 'text') {
        const value = source.read(view);
        if (value === null) {
          continue;
        }
        const m = mapper.roleForText(value);
        if (m.role !== null) {
          return { match: { role: m.role, kind: m.kind, reason: `from ${valuePhrase(source.label, value)} (${how(m)})` }, unmapped: hits };
        }
        if (m.kind === 'unmapped') {
          miss({ decision: 'role', source: source.label, value });
        } else {
          failure ??= { role: null, kind: m.kind, reason: `${valuePhrase(source.label, value)}: ${m.reason}` };
        }
        continue;
      }
      const entry = source.entries.first(view.groupIds);
      if (entry === undefined) {
        continue;
      }
      const found = entry.value.found;
      if (found.found === 'role') {
        return { match: { role: found.role, kind: 'group', reason: `from group ${entry.label}` }, unmapped: hits };
      }
      failure ??=
        found.found === 'ambiguous'
          ? { role: null, kind: 'ambiguous', reason: `group ${entry.label} names role "${entry.value.name}", which matches ${found.roles.map((r) => `"${r.name}" (${r.id})`).join(' and ')}` }
          : { role: null, kind: 'missing-role', reason: `group ${entry.label} names role "${entry.value.name}", which does not exist in HubSpot` };
    }
    if (failure !== null) {
      return { match: failure, unmapped: hits };
    }
    const fallback = mapper.fallbackMatch();
    if (fallback.role === null && fallback.kind === 'unmapped' && hits.length > 0) {
      const seen = hits.map((h) => valuePhrase(h.source, h.value)).join(', ');
      return { match: { role: null, kind: 'unmapped', reason: `no source gives a role (${seen} ${hits.length === 1 ? 'matches' : 'match'} no role)` }, unmapped: hits };
    }
    return { match: fallback, unmapped: hits };
  };
}
