import type { Rules } from '../../config/rules-schema';
import type { HubSpotRole, HubSpotSeat, HubSpotTeam, OktaCandidate, OktaGroupRef, SourcedDecision } from './types';
import { createRoleMapper } from './role-mapping';
import { createSeatCatalog } from './seat-catalog';
import { attributeLabel, createGroupIndex, listValue, rawAttribute, resolveGroupEntries, singleValue, type AttributeRef } from './source-values';
import { createTeamIndex, primaryTeamSources } from './team-sources';
import { looseKey } from './text';

/**
 * What each rule source finds among the assigned users, for `doctor`: every value (or group) it
 * reads, how many users have it, and what it gives (a role, seats, a team) or that it gives
 * nothing. Pure: the users are given.
 */

/** One value a source found, with how many users have it and what it maps to (null: nothing). */
export interface CensusValue {
  value: string;
  users: number;
  gives: string | null;
}

/** One source of one decision and the values it found. */
export interface SourceCensus {
  decision: SourcedDecision;
  /** `app attribute role`, `groups`. */
  source: string;
  values: CensusValue[];
  /** Users the source reads nothing for (no value, in none of the groups). */
  without: number;
}

/** What the census needs of HubSpot and Okta besides the users. */
export interface CensusCatalog {
  roles: readonly HubSpotRole[];
  seats: readonly HubSpotSeat[] | null;
  teams?: readonly HubSpotTeam[] | undefined;
  oktaGroups?: readonly OktaGroupRef[] | undefined;
}

type Source = Rules['roles']['sources'][number] | Rules['seats']['sources'][number] | Rules['teams']['primary'][number];
type Give = (value: string) => string | null;

function tally(out: Map<string, CensusValue>, value: string, gives: string | null): void {
  const key = looseKey(value);
  const seen = out.get(key);
  if (seen) {
    seen.users++;
  } else {
    out.set(key, { value, users: 1, gives });
  }
}

function sorted(values: Map<string, CensusValue>): CensusValue[] {
  return [...values.values()].sort((a, b) => b.users - a.users || a.value.localeCompare(b.value));
}

/**
 * The census of every source of the rules other than the Title (which `doctor` reports by
 * Title) and `role` (seats from the role): roles, seats in named mode, primary and secondary
 * teams. Attribute values are counted as read (a list counts each name); a groups source counts
 * the users of each listed group.
 */
export function censusOfSources(rules: Rules, candidates: readonly OktaCandidate[], catalog: CensusCatalog): SourceCensus[] {
  const mapper = createRoleMapper(catalog.roles, rules.roles);
  const seats = createSeatCatalog(catalog.roles, catalog.seats, rules.seats, mapper);
  const teams = createTeamIndex(catalog.teams);
  const groups = createGroupIndex(catalog.oktaGroups);
  const max = rules.limits.maxTitleLength;
  const out: SourceCensus[] = [];

  const teamName = (id: string | null) => (id === null ? null : teams.nameOf(id));
  const add = (decision: SourcedDecision, sources: readonly Source[], shape: 'single' | 'list', giveText: Give, giveGroup: (entry: Record<string, unknown>) => string | null) => {
    for (const source of sources) {
      if (typeof source !== 'object') {
        continue;
      }
      const values = new Map<string, CensusValue>();
      let without = 0;
      if ('groups' in source) {
        const entries = resolveGroupEntries(source.groups as ReadonlyArray<{ group: string } & Record<string, unknown>>, groups, giveGroup);
        for (const c of candidates) {
          const hit = entries.all(c.groupIds);
          if (hit.length === 0) {
            without++;
          }
          hit.forEach((e) => tally(values, `group ${e.label}`, e.value));
        }
        out.push({ decision, source: 'groups', values: sorted(values), without });
        continue;
      }
      const ref = source as AttributeRef;
      for (const c of candidates) {
        const raw = rawAttribute(c, ref);
        const read = shape === 'single' ? singleValue(raw, max) : listValue(raw, max);
        const list = !read.ok ? [] : Array.isArray(read.value) ? read.value : read.value === null ? [] : [read.value];
        if (list.length === 0) {
          without++;
        }
        list.forEach((v) => tally(values, v, giveText(v)));
      }
      out.push({ decision, source: attributeLabel(ref), values: sorted(values), without });
    }
  };

  add('role', rules.roles.sources, 'single', (v) => mapper.roleForText(v).role?.name ?? null, (e) => {
    const r = mapper.resolveRoleName(String(e.role));
    return r.found === 'role' ? r.role.name : null;
  });
  if (rules.seats.mode === 'named') {
    add('seats', rules.seats.sources, 'list', (v) => seats.seatNamed(v), (e) => {
      const names = (e.seats as string[]).map((n) => seats.seatNamed(n)).filter((n): n is string => n !== null);
      return names.length === 0 ? null : names.join(', ');
    });
  }
  add('primary team', primaryTeamSources(rules.teams), 'single', (v) => teamName(teams.idOf(v)), (e) => teamName(teams.idOf(String(e.team))));
  add('secondary teams', rules.teams.secondary, 'list', (v) => teamName(teams.idOf(v)), (e) => teamName(teams.idOf(String(e.team))));
  return out;
}

const SHOWN = 12;

/** One line per source: `roles from app attribute role: "sales" 40 → Sales Rep, "ops" 3 → no role`. */
export function renderCensus(census: SourceCensus): string {
  const what = census.decision === 'role' ? 'roles' : census.decision;
  const none = census.decision === 'role' ? 'no role' : census.decision === 'seats' ? 'no seat' : 'no team';
  const shown = census.values.slice(0, SHOWN).map((v) => `${census.source === 'groups' ? v.value : `"${v.value}"`} ${v.users} → ${v.gives ?? none}`);
  const more = census.values.length > SHOWN ? `, and ${census.values.length - SHOWN} more values` : '';
  const without = census.without > 0 ? `; ${census.without} users with none` : '';
  return `${what} from ${census.source}: ${shown.length === 0 ? 'no values found' : shown.join(', ')}${more}${without}`;
}
