import type { Rules } from '../../config/rules-schema';
import type { OktaCandidate, OktaGroupRef, SourcedDecision } from './types';
import { findForbiddenCharacter, looseKey } from './text';

/**
 * How the rules' sources read an Okta user: an attribute of the user's profile or of the app
 * user's profile, and membership of the rule groups. Pure: values are raw from Okta, so reading
 * one may find bad data (a list where one value is expected, an object, a control character),
 * which the planner turns into a skip naming the user and the field.
 */

/** A source that reads one attribute. */
export type AttributeRef = { attribute: string } | { appAttribute: string };

/** The source as people read it in reasons: `attribute department`, `app attribute role`. */
export function attributeLabel(ref: AttributeRef): string {
  return 'attribute' in ref ? `attribute ${ref.attribute}` : `app attribute ${ref.appAttribute}`;
}

/** The raw value of an attribute source for one user (undefined when absent or not read). */
export function rawAttribute(c: Pick<OktaCandidate, 'profile' | 'appProfile'>, ref: AttributeRef): unknown {
  if ('attribute' in ref) {
    return c.profile && Object.hasOwn(c.profile, ref.attribute) ? c.profile[ref.attribute] : undefined;
  }
  return c.appProfile && Object.hasOwn(c.appProfile, ref.appAttribute) ? c.appProfile[ref.appAttribute] : undefined;
}

/** A value read, or why it cannot be used. */
export type ValueRead<T> = { ok: true; value: T } | { ok: false; issue: string };

const NO_VALUES: string[] = [];

function scalarText(v: unknown): string | null | undefined {
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'number' || typeof v === 'boolean') {
    return String(v);
  }
  return v === null || v === undefined ? null : undefined;
}

function textIssue(value: string, max: number): string | null {
  const bad = findForbiddenCharacter(value);
  if (bad) {
    return `contains ${bad.what} (${bad.codePoint})`;
  }
  return value.length > max ? `is longer than ${max} characters` : null;
}

/**
 * One value (a role, a primary team): text, a number or a boolean; a list of one value counts
 * as that value. Blank or absent: null. Anything else is bad data.
 */
export function singleValue(raw: unknown, max: number): ValueRead<string | null> {
  const v = Array.isArray(raw) && raw.length <= 1 ? raw[0] : raw;
  if (Array.isArray(v)) {
    return { ok: false, issue: `is a list of ${v.length} values where one is expected` };
  }
  const text = scalarText(v);
  if (text === undefined) {
    return { ok: false, issue: 'is not text' };
  }
  const issue = text === null ? null : textIssue(text, max);
  return issue === null ? { ok: true, value: text } : { ok: false, issue };
}

/** Several values (seats, secondary teams): a list, or names separated by commas. Blank entries are dropped. */
export function listValue(raw: unknown, max: number): ValueRead<string[]> {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : raw === null || raw === undefined ? NO_VALUES : [raw];
  const out: string[] = [];
  for (const item of items) {
    const text = scalarText(item);
    if (text === undefined) {
      return { ok: false, issue: 'holds a value that is not text' };
    }
    if (text !== null) {
      const issue = textIssue(text, max);
      if (issue !== null) {
        return { ok: false, issue };
      }
      out.push(text);
    }
  }
  return { ok: true, value: out.length === 0 ? NO_VALUES : out };
}

/** Every attribute the rules read, with the shape each is read as (one value or a list). */
export interface AttributeUse {
  ref: AttributeRef;
  label: string;
  shape: 'single' | 'list';
  decision: SourcedDecision;
}

/** The attribute sources of the rules, in order (roles, seats in named mode, primary, secondary teams). */
export function attributeUses(rules: Pick<Rules, 'roles' | 'seats' | 'teams'>): AttributeUse[] {
  const uses: AttributeUse[] = [];
  const add = (sources: ReadonlyArray<unknown>, shape: AttributeUse['shape'], decision: SourcedDecision) => {
    for (const s of sources) {
      if (s !== null && typeof s === 'object' && ('attribute' in s || 'appAttribute' in s)) {
        const ref = s as AttributeRef;
        uses.push({ ref, label: attributeLabel(ref), shape, decision });
      }
    }
  };
  add(rules.roles.sources, 'single', 'role');
  if (rules.seats.mode === 'named') {
    add(rules.seats.sources, 'list', 'seats');
  }
  add(rules.teams.primary, 'single', 'primary team');
  add(rules.teams.secondary, 'list', 'secondary teams');
  return uses;
}

/**
 * The first problem with the attribute values the rules read for one user, as a phrase naming
 * the field (`app attribute role is a list of 2 values where one is expected`); null when every
 * value can be used.
 */
export function sourceValueProblem(c: Pick<OktaCandidate, 'profile' | 'appProfile'>, uses: readonly AttributeUse[], max: number): string | null {
  for (const use of uses) {
    const raw = rawAttribute(c, use.ref);
    if (raw === undefined || raw === null) {
      continue;
    }
    const read = use.shape === 'single' ? singleValue(raw, max) : listValue(raw, max);
    if (!read.ok) {
      return `${use.label} ${read.issue}`;
    }
  }
  return null;
}

/**
 * The rule groups as found in Okta: a rule names a group by id or by name; the user's
 * `groupIds` hold ids. Without `oktaGroups` (not read), a rule's group is taken as an id, as
 * `teams.byGroup` always did.
 */
export interface GroupIndex {
  /** The Okta id of the group a rule names; null when Okta has no such group. */
  idOf(ref: string): string | null;
  /** The group's name for reasons (its Okta name when known, else the rule's text). */
  labelOf(ref: string): string;
  /** Okta's groups were given: a group missing from them exists in no Okta group. */
  known: boolean;
}

/** Builds the index: a rule's group matches Okta's group by id first, then by name ignoring case. */
export function createGroupIndex(oktaGroups: readonly OktaGroupRef[] | undefined): GroupIndex {
  if (oktaGroups === undefined) {
    return { idOf: (ref) => ref, labelOf: (ref) => ref, known: false };
  }
  const byId = new Map(oktaGroups.map((g) => [g.id, g]));
  const byName = new Map<string, OktaGroupRef>();
  for (const g of oktaGroups) {
    const key = looseKey(g.name);
    if (!byName.has(key)) {
      byName.set(key, g);
    }
  }
  const find = (ref: string) => byId.get(ref.trim()) ?? byName.get(looseKey(ref));
  return { idOf: (ref) => find(ref)?.id ?? null, labelOf: (ref) => find(ref)?.name ?? ref, known: true };
}

/** A `groups` entry with its group resolved once per plan. */
export interface ResolvedGroupEntry<T> {
  /** Okta id; null: no such group in Okta (the entry matches nobody). */
  id: string | null;
  label: string;
  value: T;
}

/** Resolves the groups of a source's entries once. */
export function resolveGroupEntries<E extends { group: string }, T>(entries: readonly E[], index: GroupIndex, value: (e: E) => T): Array<ResolvedGroupEntry<T>> {
  return entries.map((e) => ({ id: index.idOf(e.group), label: index.labelOf(e.group), value: value(e) }));
}

/** The user is in the group (groups not read: in none). */
export function inGroup(groupIds: readonly string[] | undefined, id: string | null): boolean {
  return id !== null && groupIds !== undefined && groupIds.includes(id);
}

/** A value a source gave that matched nothing, for the per-source report. */
export interface UnmappedHit {
  decision: SourcedDecision;
  source: string;
  value: string;
}

/** What the sources read of one valid Okta user: the trimmed Title and the raw profiles and groups. */
export interface SourceView {
  title: string | null;
  profile?: Readonly<Record<string, unknown>> | undefined;
  appProfile?: Readonly<Record<string, unknown>> | null | undefined;
  groupIds?: readonly string[] | undefined;
}

/** The profile an attribute source reads was read for this user (undefined: not read). */
export function attributeRead(view: SourceView, ref: AttributeRef): boolean {
  return 'attribute' in ref ? view.profile !== undefined : view.appProfile !== undefined;
}

/** How a text value is quoted after its source: `title "AE"`, `attribute department = "Sales"`. */
export function valuePhrase(source: string, value: string): string {
  return source === 'title' ? `title "${value}"` : `${source} = "${value}"`;
}
