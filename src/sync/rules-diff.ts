import type { HubSpotUser, Plan, PlanAction, PlanInput, PlanSummary, SeatUsage, UnmappedValue } from './types';
import { currentRoleId, sameSeats, sortedSeats } from './hubspot-user';
import { checkRuleNames } from './rules-check';
import { emailKey } from './text';

/**
 * What-if: the same data planned under the current rules and under a proposed rules file, and
 * what would change for people. Pure: both plans come from one read of both sides.
 */

/** A user's HubSpot values once a plan is carried out. */
export interface UserOutcome {
  /** What the plan does to the user: a write, a deletion (held ones too), a skip, or nothing (in sync). */
  kind: 'create' | 'adopt' | 'update' | 'delete' | 'skip' | 'none';
  role: string | null;
  /** Why the role (or no role) when the plan writes the user: `from group Sales`, `waiting for a paid seat …`. */
  roleReason: string | null;
  seats: string[];
  primaryTeamId: string | null;
  secondaryTeamIds: string[];
  /** The reason of the plan's action (the write's, else the skip's); null when in sync. */
  reason: string | null;
}

/** A before → after pair of one value. */
export interface Change<T> {
  current: T;
  proposed: T;
}

/** One user whose role, seats or teams differ between the two plans. */
export interface UserDifference {
  oktaUserId: string;
  email: string | null;
  role?: Change<string | null>;
  /** With a role change: why the proposed rules give that role, or none. */
  roleReason?: string;
  seats?: Change<string[]>;
  primaryTeamId?: Change<string | null>;
  secondaryTeamIds?: Change<string[]>;
  /** The proposed plan's reason (names the source that decided). */
  why: string | null;
}

/** A user created, deleted or skipped under one set of rules and not the other. */
export interface UserMention {
  oktaUserId: string | null;
  email: string | null;
  reason: string;
}

/** Seats over budget (users waiting) under one set of rules. */
export interface SeatPressure {
  seat: string;
  used: number;
  budget: number | null;
  waiting: number;
}

/** What a proposed rules file would change, compared with the current one. */
export interface RulesDiff {
  summary: Change<PlanSummary>;
  /** Users who get another role, seat or team. */
  changed: UserDifference[];
  /** Created (or adopted) under the proposed rules and not under the current ones, and the other way round. */
  created: { proposed: UserMention[]; current: UserMention[] };
  /** Deleted (held deletions included) under the proposed rules and not under the current ones, and the other way round. */
  deleted: { proposed: UserMention[]; current: UserMention[] };
  /** Skipped (bad data, ambiguous role, …) under the proposed rules only. */
  skipped: UserMention[];
  /** Seats with users waiting for one. */
  overBudget: Change<SeatPressure[]>;
  /** Warnings of the proposed plan that the current one does not have. */
  warnings: string[];
  /** HubSpot's team names by id, for the teams the differences name. */
  teamNames: Record<string, string>;
  /**
   * What the proposed rules name that does not exist or cannot work as written: roles, seats and
   * teams HubSpot lacks, groups Okta lacks, attributes no assigned user has (the daemon's own check).
   */
  ruleProblems: string[];
}

const NONE: string[] = [];

/** The rules check of `input.rules` against the catalog and users the plans were made from. */
function ruleProblems(input: PlanInput): string[] {
  const check = checkRuleNames(input.rules, input.roles, input.seats, { teams: input.teams, oktaGroups: input.oktaGroups, candidates: input.mode === 'full' ? input.candidates : undefined });
  return [...check.unknown.map((u) => u.message), ...check.otherProblems];
}

/** The actions of a plan by Okta user (held ones included), in plan order. */
function actionsByUser(plan: Plan): Map<string, PlanAction[]> {
  const map = new Map<string, PlanAction[]>();
  for (const a of [...plan.actions, ...(plan.held?.actions ?? [])]) {
    const key = a.oktaUserId ?? `hubspot:${a.hubspotUserId ?? ''}`;
    const list = map.get(key);
    if (list) {
      list.push(a);
    } else {
      map.set(key, [a]);
    }
  }
  return map;
}

/** The HubSpot user an Okta user has now: by ledger link, else by email. */
function actualOf(oktaUserId: string, email: string | null, byId: Map<string, HubSpotUser>, byEmail: Map<string, HubSpotUser>, links: Map<string, string>): HubSpotUser | null {
  const linked = links.get(oktaUserId);
  return (linked !== undefined ? byId.get(linked) : undefined) ?? (email !== null ? byEmail.get(emailKey(email)) : undefined) ?? null;
}

function outcomeOf(actions: readonly PlanAction[] | undefined, actual: HubSpotUser | null, roleName: (id: string | null) => string | null): UserOutcome {
  const now: UserOutcome = {
    kind: 'none',
    role: actual ? roleName(currentRoleId(actual)) : null,
    roleReason: null,
    seats: sortedSeats(actual?.seatNames),
    primaryTeamId: actual?.primaryTeamId ?? null,
    secondaryTeamIds: sortedSeats(actual?.secondaryTeamIds),
    reason: null,
  };
  const write = actions?.find((a) => a.kind === 'create' || a.kind === 'adopt' || a.kind === 'update');
  if (write?.desired) {
    const d = write.desired;
    return {
      kind: write.kind as UserOutcome['kind'],
      role: d.roleName,
      roleReason: d.roleReason,
      // Seats in role mode are not written: they stay as they are.
      seats: write.changes?.some((c) => c.field === 'seatNames') || write.kind === 'create' ? sortedSeats(d.seatNames) : now.seats,
      primaryTeamId: d.primaryTeamId ?? now.primaryTeamId,
      secondaryTeamIds: d.secondaryTeamIds ? sortedSeats(d.secondaryTeamIds) : now.secondaryTeamIds,
      reason: write.reason,
    };
  }
  const removal = actions?.find((a) => a.kind === 'delete');
  if (removal) {
    return { kind: 'delete', role: null, roleReason: null, seats: NONE, primaryTeamId: null, secondaryTeamIds: NONE, reason: removal.reason };
  }
  const skipped = actions?.find((a) => a.kind === 'skip');
  return skipped ? { ...now, kind: 'skip', reason: skipped.reason } : now;
}

function pressure(seats: readonly SeatUsage[]): SeatPressure[] {
  return seats.filter((s) => s.waiting.length > 0 || (s.budget !== null && s.used > s.budget)).map((s) => ({ seat: s.seat, used: s.used, budget: s.budget, waiting: s.waiting.length }));
}

const WRITES = new Set<UserOutcome['kind']>(['create', 'adopt']);

/**
 * Compares the plan of the current rules with the plan of the proposed ones, both made from
 * `input` (the proposed plan with only `rules` changed). A user's outcome is what HubSpot holds
 * once the plan is carried out: the desired values of a write, nothing after a deletion, and
 * HubSpot's values as they are for a user the plan leaves alone.
 */
export function compareRulePlans(input: PlanInput, current: Plan, proposed: Plan): RulesDiff {
  const roleNames = new Map(input.roles.map((r) => [r.id, r.name]));
  const roleName = (id: string | null) => (id === null ? null : (roleNames.get(id) ?? id));
  const byId = new Map(input.hubspotUsers.map((u) => [u.id, u]));
  const byEmail = new Map(input.hubspotUsers.map((u) => [emailKey(u.email), u]));
  const links = new Map(input.ledger.map((e) => [e.oktaUserId, e.hubspotUserId]));
  const emails = new Map(input.candidates.map((c) => [c.oktaUserId, c.email]));
  const a = actionsByUser(current);
  const b = actionsByUser(proposed);
  const diff: RulesDiff = {
    summary: { current: current.summary, proposed: proposed.summary },
    changed: [],
    created: { proposed: [], current: [] },
    deleted: { proposed: [], current: [] },
    skipped: [],
    overBudget: { current: pressure(current.seats), proposed: pressure(proposed.seats) },
    warnings: (proposed.warnings ?? []).filter((w) => !(current.warnings ?? []).includes(w)),
    teamNames: {},
    ruleProblems: ruleProblems(input),
  };
  const teamName = new Map((input.teams ?? []).map((t) => [t.id, t.name]));
  const nameTeams = (ids: ReadonlyArray<string | null>) => {
    for (const id of ids) {
      const name = id === null ? undefined : teamName.get(id);
      if (id !== null && name !== undefined) {
        diff.teamNames[id] = name;
      }
    }
  };
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const first = b.get(key)?.[0] ?? a.get(key)?.[0];
    const oktaUserId = key.startsWith('hubspot:') ? null : key;
    const email = first?.email ?? (oktaUserId !== null ? (emails.get(oktaUserId) ?? null) : null);
    const actual = oktaUserId !== null ? actualOf(oktaUserId, email, byId, byEmail, links) : (byId.get(key.slice('hubspot:'.length)) ?? null);
    const before = outcomeOf(a.get(key), actual, roleName);
    const after = outcomeOf(b.get(key), actual, roleName);
    const mention = (o: UserOutcome): UserMention => ({ oktaUserId, email, reason: o.reason ?? '' });
    if (WRITES.has(after.kind) !== WRITES.has(before.kind)) {
      (WRITES.has(after.kind) ? diff.created.proposed : diff.created.current).push(mention(WRITES.has(after.kind) ? after : before));
    }
    if ((after.kind === 'delete') !== (before.kind === 'delete')) {
      (after.kind === 'delete' ? diff.deleted.proposed : diff.deleted.current).push(mention(after.kind === 'delete' ? after : before));
      continue;
    }
    if (after.kind === 'skip' && before.kind !== 'skip' && after.reason !== null) {
      diff.skipped.push(mention(after));
    }
    if (oktaUserId === null || after.kind === 'delete') {
      continue;
    }
    const d: UserDifference = { oktaUserId, email, why: after.reason };
    if (before.role !== after.role) {
      d.role = { current: before.role, proposed: after.role };
      if (after.roleReason !== null) d.roleReason = after.roleReason;
    }
    if (!sameSeats(before.seats, after.seats)) d.seats = { current: before.seats, proposed: after.seats };
    if (before.primaryTeamId !== after.primaryTeamId) d.primaryTeamId = { current: before.primaryTeamId, proposed: after.primaryTeamId };
    if (!sameSeats(before.secondaryTeamIds, after.secondaryTeamIds)) d.secondaryTeamIds = { current: before.secondaryTeamIds, proposed: after.secondaryTeamIds };
    if (d.role || d.seats || d.primaryTeamId || d.secondaryTeamIds) {
      nameTeams([before.primaryTeamId, after.primaryTeamId, ...before.secondaryTeamIds, ...after.secondaryTeamIds]);
      diff.changed.push(d);
    }
  }
  const byEmailThenId = (x: { email: string | null; oktaUserId: string | null }, y: { email: string | null; oktaUserId: string | null }) =>
    (x.email ?? '').localeCompare(y.email ?? '') || (x.oktaUserId ?? '').localeCompare(y.oktaUserId ?? '');
  diff.changed.sort(byEmailThenId);
  [diff.created.proposed, diff.created.current, diff.deleted.proposed, diff.deleted.current, diff.skipped].forEach((l) => l.sort(byEmailThenId));
  return diff;
}

const SHOWN = 50;

function show(v: string | string[] | null): string {
  return v === null ? '(none)' : Array.isArray(v) ? (v.length === 0 ? '(none)' : v.join(', ')) : `"${v}"`;
}

function listed<T>(items: readonly T[], line: (t: T) => string): string[] {
  const out = items.slice(0, SHOWN).map((t) => `  ${line(t)}`);
  if (items.length > SHOWN) {
    out.push(`  … and ${items.length - SHOWN} more (--json lists them all)`);
  }
  return out;
}

/** The comparison as text for people: counts first, then who changes and how. */
export function renderRulesDiff(diff: RulesDiff): string {
  const out: string[] = [];
  const s = diff.summary;
  if (diff.ruleProblems.length > 0) {
    out.push('The proposed rules name what does not exist or cannot work as written:', ...listed(diff.ruleProblems, (p) => `- ${p}`), '');
  }
  const counts = (p: PlanSummary) => `${p.create} create, ${p.update} update, ${p.delete} delete (+${p.held} held), ${p.adopt} adopt, ${p.skip} skip, ${p.unmapped} unmapped`;
  out.push(`Current rules:  ${counts(s.current)}`);
  out.push(`Proposed rules: ${counts(s.proposed)}`);
  out.push('');
  const roleChanges = diff.changed.filter((d) => d.role).length;
  const seatChanges = diff.changed.filter((d) => d.seats).length;
  const teamChanges = diff.changed.filter((d) => d.primaryTeamId || d.secondaryTeamIds).length;
  out.push(`${diff.changed.length} users change under the proposed rules: ${roleChanges} role, ${seatChanges} seats, ${teamChanges} teams.`);
  out.push(
    ...listed(diff.changed, (d) => {
      const parts: string[] = [];
      const team = (id: string) => (diff.teamNames[id] ? `${diff.teamNames[id]} (${id})` : id);
      const teams = (v: string | string[] | null) => show(v === null ? null : Array.isArray(v) ? v.map(team) : team(v));
      // No role says why (a seat to wait for, a group naming a role HubSpot lacks, …).
      if (d.role) parts.push(`role ${show(d.role.current)} → ${d.role.proposed === null && d.roleReason ? `(none: ${d.roleReason})` : show(d.role.proposed)}`);
      if (d.seats) parts.push(`seats ${show(d.seats.current)} → ${show(d.seats.proposed)}`);
      if (d.primaryTeamId) parts.push(`team ${teams(d.primaryTeamId.current)} → ${teams(d.primaryTeamId.proposed)}`);
      if (d.secondaryTeamIds) parts.push(`secondary teams ${teams(d.secondaryTeamIds.current)} → ${teams(d.secondaryTeamIds.proposed)}`);
      return `${d.email ?? d.oktaUserId}: ${parts.join('; ')}`;
    }),
  );
  const section = (title: string, items: readonly UserMention[]) => {
    if (items.length > 0) {
      out.push('', `${items.length} ${title}:`, ...listed(items, (m) => `${m.email ?? m.oktaUserId ?? '?'}: ${m.reason}`));
    }
  };
  section('would be created or adopted only under the proposed rules', diff.created.proposed);
  section('would be created or adopted only under the current rules', diff.created.current);
  section('would be deleted only under the proposed rules', diff.deleted.proposed);
  section('would be deleted only under the current rules', diff.deleted.current);
  section('would be skipped under the proposed rules', diff.skipped);
  if (diff.overBudget.proposed.length > 0 || diff.overBudget.current.length > 0) {
    out.push('', 'Seats over budget (users waiting):');
    const line = (p: SeatPressure) => `${p.seat}: ${p.used} used of ${p.budget ?? 'no budget'}, ${p.waiting} waiting`;
    out.push(`  current:  ${diff.overBudget.current.map(line).join('; ') || 'none'}`);
    out.push(`  proposed: ${diff.overBudget.proposed.map(line).join('; ') || 'none'}`);
  }
  if (diff.warnings.length > 0) {
    out.push('', 'New warnings under the proposed rules:', ...listed(diff.warnings, (w) => w));
  }
  return `${out.join('\n')}\n`;
}

/** The JSON document of a what-if: `reconcile --dry-run --rules FILE --json` and `POST /api/rules/what-if`. */
export interface WhatIfJson {
  dryRun: true;
  /** Where the proposed rules came from: the file's path, or the ops server's request. */
  proposedRules: string;
  diff: RulesDiff;
  unmappedValues: { current: UnmappedValue[]; proposed: UnmappedValue[] };
}

/** A what-if's outcome (both plans and their comparison) as the CLI and the ops API answer it. */
export function whatIfJson(source: string, outcome: { current: Pick<Plan, 'unmappedValues'>; proposed: Pick<Plan, 'unmappedValues'>; diff: RulesDiff }): WhatIfJson {
  return { dryRun: true, proposedRules: source, diff: outcome.diff, unmappedValues: { current: outcome.current.unmappedValues ?? [], proposed: outcome.proposed.unmappedValues ?? [] } };
}
