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

/**
 * The entries of one `groups` source, resolved once per plan and found by the user's groups: a
 * user is in a few groups and a source may list many, so a lookup goes through the user's
 * groups, never through the entries.
 */
export interface GroupEntries<T> {
  readonly entries: ReadonlyArray<ResolvedGroupEntry<T>>;
  /** The first listed entry whose group the user is in (groups not read: none). */
  first(groupIds: readonly string[] | undefined): ResolvedGroupEntry<T> | undefined;
  /** Every entry whose group the user is in, in the order they are listed. */
  all(groupIds: readonly string[] | undefined): ReadonlyArray<ResolvedGroupEntry<T>>;
}

const NO_ENTRIES: never[] = [];

/** Resolves the groups of a source's entries once and indexes them by Okta id. */
export function resolveGroupEntries<E extends { group: string }, T>(list: readonly E[], index: GroupIndex, value: (e: E) => T): GroupEntries<T> {
  const entries = list.map((e) => ({ id: index.idOf(e.group), label: index.labelOf(e.group), value: value(e) }));
  // Okta id → the positions of the entries naming that group (a group may be listed twice).
  const positions = new Map<string, number[]>();
  entries.forEach((e, i) => {
    if (e.id !== null) {
      const at = positions.get(e.id);
      if (at) {
        at.push(i);
      } else {
        positions.set(e.id, [i]);
      }
    }
  });
  return {
    entries,
    first(groupIds) {
      let best = -1;
      for (const id of groupIds ?? NO_VALUES) {
        const at = positions.get(id)?.[0];
        if (at !== undefined && (best === -1 || at < best)) {
          best = at;
        }
      }
      return best === -1 ? undefined : entries[best];
    },
    all(groupIds) {
      let found: number[] | null = null;
      for (const id of groupIds ?? NO_VALUES) {
        const at = positions.get(id);
        if (at) {
          found = found === null ? [...at] : found.concat(at);
        }
      }
      if (found === null) {
        return NO_ENTRIES;
      }
      return found.length === 1 ? [entries[found[0] ?? 0] as ResolvedGroupEntry<T>] : [...new Set(found)].sort((a, b) => a - b).map((i) => entries[i] as ResolvedGroupEntry<T>);
    },
  };
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

const NOT_READ = Symbol('not read');
const LIST = Symbol('list');
const END = Symbol('end');

type MemoNode = Map<unknown, unknown>;

/**
 * Remembers one entry per distinct view: everything the rules' sources read of a user (the
 * Title, each attribute they read and whether its profile was read, the user's rule groups).
 * Two users with the same view get the same role, seats and teams with the same reasons, and
 * the same verdict on their values, so a plan works each view out once. The views are kept as
 * a tree of maps, one level per value read, so a lookup builds no key. A view that cannot be
 * keyed (an object among the values), and the views beyond `limit`, get a fresh entry each
 * time (`remembered` false).
 */
export function createViewMemo<E>(attributes: readonly AttributeUse[], limit: number, make: (view: SourceView, remembered: boolean) => E): (view: SourceView) => E {
  // An attribute several decisions read is one value of the view.
  const uses = attributes.filter((use, i) => attributes.findIndex((u) => attributeLabel(u.ref) === attributeLabel(use.ref)) === i);
  const root: MemoNode = new Map();
  let size = 0;

  /** The node under `key`, made when `make`; null when missing. */
  const child = (node: MemoNode, key: unknown, create: boolean): MemoNode | null => {
    const next = node.get(key) as MemoNode | undefined;
    if (next !== undefined || !create) {
      return next ?? null;
    }
    const made: MemoNode = new Map();
    node.set(key, made);
    return made;
  };

  /** Walks the view's values; the leaf's node, or null (missing and not `create`, or a value that cannot be keyed). */
  const walk = (view: SourceView, create: boolean): MemoNode | null => {
    let node: MemoNode | null = child(root, view.title, create);
    for (let u = 0; u < uses.length && node !== null; u++) {
      const use = uses[u] as AttributeUse;
      if (!attributeRead(view, use.ref)) {
        node = child(node, NOT_READ, create);
        continue;
      }
      const raw = rawAttribute(view, use.ref);
      if (Array.isArray(raw)) {
        node = child(node, LIST, create);
        for (let i = 0; i < raw.length && node !== null; i++) {
          const item: unknown = raw[i];
          node = typeof item === 'object' && item !== null ? null : child(node, item, create);
        }
        node = node === null ? null : child(node, END, create);
      } else {
        node = typeof raw === 'object' && raw !== null ? null : child(node, raw, create);
      }
    }
    if (node === null) {
      return null;
    }
    if (view.groupIds === undefined) {
      return child(node, NOT_READ, create);
    }
    for (let i = 0; i < view.groupIds.length && node !== null; i++) {
      node = child(node, view.groupIds[i], create);
    }
    return node;
  };

  return (view) => {
    const found = walk(view, false);
    if (found?.has(END)) {
      return found.get(END) as E;
    }
    const leaf = size < limit ? (found ?? walk(view, true)) : null;
    const entry = make(view, leaf !== null);
    if (leaf !== null) {
      leaf.set(END, entry);
      size++;
    }
    return entry;
  };
}
