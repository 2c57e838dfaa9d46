import type { SeatSource } from '../../config/rules-schema';
import type { SeatCatalog } from './seat-catalog';
import type { GroupEntries, GroupIndex, SourceView, UnmappedHit } from './source-values';
import type { HubSpotRole } from './types';
import { sortedSeats } from './hubspot-user';
import { attributeLabel, listValue, rawAttribute, resolveGroupEntries } from './source-values';

/** The seats one user should have, why (when a source other than the defaults decided), and values that matched no seat. */
export interface SeatOutcome {
  wants: readonly string[];
  /** `seats ["Sales Hub"] from group Sales`; null with the default sources. */
  reason: string | null;
  unmapped: readonly UnmappedHit[];
}

/** Decides the seats of one user from `rules.seats.sources` (named mode). */
export type SeatResolver = (view: SourceView, role: HubSpotRole | null) => SeatOutcome;

const NONE: string[] = [];
const NO_HITS: UnmappedHit[] = [];

function seatsText(seats: readonly string[]): string {
  return `[${seats.map((s) => `"${s}"`).join(', ')}]`;
}

/**
 * Builds the resolver. Role mode: the seat comes with the role, whatever the sources say. Named
 * mode: the sources are tried in order and the first that gives seats wins: `title`
 * (`seats.byTitle`), `role` (`seats.byRole`, for the role the user gets), an attribute (seat
 * names, a list or comma-separated; names HubSpot does not list are reported and left out), or
 * the first listed group the user is in. The default sources (`title`, then `role`) give what
 * `seats.byTitle` then `seats.byRole` always gave. Problems with seat names in groups entries
 * are added to `problems`.
 */
export function createSeatResolver(sources: readonly SeatSource[], catalog: SeatCatalog, groups: GroupIndex, maxLength: number, problems: string[]): SeatResolver {
  const isDefault = sources.length === 2 && sources[0] === 'title' && sources[1] === 'role';
  if (catalog.mode === 'role' || isDefault) {
    return (view, role) => ({ wants: catalog.wantedFor(view.title, role), reason: null, unmapped: NO_HITS });
  }
  type Compiled =
    | { kind: 'title' }
    | { kind: 'role' }
    | { kind: 'attribute'; label: string; source: Extract<SeatSource, { attribute: string } | { appAttribute: string }> }
    | { kind: 'groups'; entries: GroupEntries<readonly string[]> };
  const compiled = sources.map((source, i): Compiled => {
    if (source === 'title' || source === 'role') {
      return { kind: source };
    }
    if ('groups' in source) {
      return {
        kind: 'groups',
        entries: resolveGroupEntries(source.groups, groups, (e) =>
          sortedSeats(
            e.seats.flatMap((name) => {
              const seat = catalog.seatNamed(name);
              if (seat === null) {
                problems.push(`seats.sources[${i}] group "${e.group}" names seat "${name}", which HubSpot does not list: it is not assigned`);
                return [];
              }
              return [seat];
            }),
          ),
        ),
      };
    }
    return { kind: 'attribute', label: attributeLabel(source), source };
  });

  return (view, role) => {
    let hits: UnmappedHit[] = NO_HITS;
    for (const source of compiled) {
      if (source.kind === 'title' || source.kind === 'role') {
        const seats = source.kind === 'title' ? catalog.forTitle(view.title) : catalog.forRole(role);
        if (seats !== undefined) {
          const from = source.kind === 'title' ? `seats.byTitle "${view.title ?? ''}"` : `seats.byRole "${role?.name ?? ''}"`;
          return { wants: seats, reason: `seats ${seatsText(seats)} from ${from}`, unmapped: hits };
        }
        continue;
      }
      if (source.kind === 'groups') {
        const entry = source.entries.first(view.groupIds);
        if (entry !== undefined) {
          return { wants: entry.value, reason: `seats ${seatsText(entry.value)} from group ${entry.label}`, unmapped: hits };
        }
        continue;
      }
      const read = listValue(rawAttribute(view, source.source), maxLength);
      if (!read.ok || read.value.length === 0) {
        continue;
      }
      const seats: string[] = [];
      for (const name of read.value) {
        const seat = catalog.seatNamed(name);
        if (seat === null) {
          hits = [...hits, { decision: 'seats', source: source.label, value: name }];
        } else {
          seats.push(seat);
        }
      }
      if (seats.length > 0) {
        const wants = sortedSeats(seats);
        return { wants, reason: `seats ${seatsText(wants)} from ${source.label} = "${read.value.join(', ')}"`, unmapped: hits };
      }
    }
    return { wants: NONE, reason: null, unmapped: hits };
  };
}
