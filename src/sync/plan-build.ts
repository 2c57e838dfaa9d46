import type { PlanContext } from './plan-context';
import type { Decision, ProvisionDecision } from './decisions';
import type { GuardVerdict } from './deletion-guard';
import type { SeatAllocation } from './seats';
import type { DesiredUser, FieldChange, HoldChanges, LedgerChange, Plan, PlanAction, PlanSummary, UnmappedTitle, UnmappedValue } from './types';
import { applySeatShare } from './desired-user';
import { looseKey } from './text';
import { diffUser, isDrift } from './user-diff';

/** What the final step needs from the earlier ones. */
export interface BuildInput {
  decisions: Decision[];
  verdict: GuardVerdict;
  /** How the plan changes the holds it was given; null when it was given none. */
  holdChanges: HoldChanges | null;
  allocation: SeatAllocation;
  ctx: PlanContext;
}

const NONE: readonly string[] = [];

/** The source reasons joined, once per list: users with the same view share one list (see `DesiredContext.decide`). */
const joinedReasons = new WeakMap<readonly string[], string>();

function reasonsText(reasons: readonly string[]): string {
  let text = joinedReasons.get(reasons);
  if (text === undefined) {
    text = reasons.join('; ');
    joinedReasons.set(reasons, text);
  }
  return text;
}

function roleText(desired: DesiredUser): string {
  // A source's reason names it (`from group Sales-EMEA`): it reads on from the role's name.
  const role = desired.roleName === null ? `no role (${desired.roleReason})` : desired.roleReason.startsWith('from ') ? `role "${desired.roleName}" ${desired.roleReason}` : `role "${desired.roleName}" (${desired.roleReason})`;
  return desired.sourceReasons === undefined ? role : `${role}; ${reasonsText(desired.sourceReasons)}`;
}

/** What the per-source report says of a value that matched nothing. */
function unmappedMessage(v: Omit<UnmappedValue, 'message'>): string {
  const what = v.decision === 'role' ? 'role' : v.decision === 'seats' ? 'seat HubSpot lists' : 'HubSpot team';
  return `${v.source}: "${v.value}" (${v.users} user${v.users === 1 ? '' : 's'}) matches no ${what}`;
}

function fieldsText(changes: readonly FieldChange[]): string {
  return changes.map((c) => c.field).join(', ');
}

function provisionAction(d: ProvisionDecision, desired: DesiredUser, ctx: PlanContext): { action: PlanAction | null; inSync: boolean } {
  const roleName = (id: string | null) => (id === null ? null : (ctx.roleById.get(id)?.name ?? null));
  const changes = diffUser(d.kind === 'create' ? null : d.actual, desired, { manageSeats: ctx.desired.seats.mode === 'named', roleName });
  const base = { email: desired.email, oktaUserId: d.oktaUserId };
  const extras: { pairId?: string; ledger?: LedgerChange } = {};
  if (d.pairId !== undefined) {
    extras.pairId = d.pairId;
  }
  if (d.ledger !== undefined) {
    extras.ledger = d.ledger;
  }
  if (d.kind === 'create') {
    return { action: { kind: 'create', code: d.code ?? 'new-assignment', reason: `${d.headline}; ${roleText(desired)}`, ...base, hubspotUserId: null, changes, desired, ...extras }, inSync: false };
  }
  const hubspotUserId = d.actual.id;
  if (d.kind === 'adopt') {
    const what = changes.length > 0 ? `; changes ${fieldsText(changes)}` : '; nothing to change';
    return { action: { kind: 'adopt', code: d.code ?? 'adopt-email-match', reason: `${d.headline}${what}; ${roleText(desired)}`, ...base, hubspotUserId, changes, desired, ...extras }, inSync: false };
  }
  if (changes.length === 0 && d.ledger === undefined) {
    if (d.whenNothingToDo.kind === 'skip') {
      return { action: { kind: 'skip', code: d.whenNothingToDo.code, reason: d.whenNothingToDo.reason, ...base, hubspotUserId }, inSync: false };
    }
    return { action: null, inSync: true };
  }
  const drift = isDrift(changes, d.actual, d.entry?.lastApplied ?? null);
  let reason: string;
  if (d.code !== null) {
    reason = d.headline;
  } else if (changes.length === 0) {
    reason = `${d.headline}; back in scope, so the pending deletion is cancelled`;
  } else {
    reason = `${d.headline}: ${drift ? 'put back edits made in HubSpot to' : 'Okta changed'} ${fieldsText(changes)}; ${roleText(desired)}`;
    if (d.ledger?.downgradedAt === null) {
      reason += '; back in scope, so the pending deletion is cancelled';
    }
  }
  return { action: { kind: 'update', code: d.code ?? (drift ? 'drift' : 'okta-change'), reason, ...base, hubspotUserId, changes, desired, drift, ...extras }, inSync: false };
}

function emptySummary(): PlanSummary {
  return { create: 0, update: 0, delete: 0, adopt: 0, skip: 0, held: 0, drift: 0, unmapped: 0, waitingForSeat: 0, inSync: 0 };
}

/**
 * A plan whose actions come one at a time, so a caller can store them in chunks without ever
 * holding them all. `rest()` is the plan without its actions (`actions` empty); it is complete
 * once `actions` has been read to the end, and throws before.
 */
export interface PlanStream {
  actions: Iterable<PlanAction>;
  rest(): Plan;
}

/** Turns decisions into the plan's actions, one at a time: applies the seat shares, diffs, splits off held actions, counts. */
export function streamPlan({ decisions, verdict, holdChanges, allocation, ctx }: BuildInput): PlanStream {
  const held: PlanAction[] = [];
  const summary = emptySummary();
  const unmapped = new Map<string, UnmappedTitle>();
  const unmappedValues = new Map<string, Omit<UnmappedValue, 'message'>>();
  let finished = false;
  const count = (a: PlanAction): PlanAction => {
    summary[a.kind]++;
    if (a.kind === 'update' && a.drift) {
      summary.drift++;
    }
    return a;
  };
  function* actions(): Generator<PlanAction, void, undefined> {
    for (const d of decisions) {
      if (d.type === 'report') {
        yield count(d.action);
        continue;
      }
      if (d.type === 'delete') {
        if (d.held) {
          held.push(d.action);
        } else {
          yield count(d.action);
        }
        continue;
      }
      const index = d.seatRequest;
      const granted = d.held ? null : index === undefined ? NONE : (allocation.granted[index] ?? NONE);
      const desired = granted === null ? d.draft.desired : applySeatShare(d.draft.desired, d.draft.wants, granted, ctx.desired.seats);
      const { action, inSync } = provisionAction(d, desired, ctx);
      if (inSync) {
        summary.inSync++;
      }
      if (action && d.held) {
        held.push(action);
      } else if (action) {
        yield count(action);
      }
      if (d.held) {
        continue;
      }
      if (index !== undefined && (allocation.waiting[index]?.length ?? 0) > 0) {
        summary.waitingForSeat++;
      }
      const byTitle = d.reportsTitle !== null && desired.roleId === null;
      if (byTitle) {
        const key = looseKey(d.reportsTitle ?? '');
        const group = unmapped.get(key) ?? { title: d.reportsTitle ?? '', users: [] };
        group.users.push({ oktaUserId: d.oktaUserId, email: desired.email });
        unmapped.set(key, group);
      }
      for (const hit of d.draft.unmapped) {
        if (byTitle && hit.decision === 'role' && hit.source === 'title') {
          continue; // reported by Title (unmappedTitles) already
        }
        const key = `${hit.decision}\u0000${hit.source}\u0000${looseKey(hit.value)}`;
        const seen = unmappedValues.get(key);
        if (seen) {
          seen.users++;
        } else {
          unmappedValues.set(key, { ...hit, users: 1 });
        }
      }
      if (d.draft.match?.kind === 'ambiguous') {
        yield count({
          kind: 'skip',
          code: 'ambiguous-role',
          reason: `${d.who}: ${d.draft.match.reason}; provisioned without a role until the Title or the HubSpot roles are fixed`,
          email: desired.email,
          oktaUserId: d.oktaUserId,
          hubspotUserId: d.actual?.id ?? null,
        });
      }
    }
    finished = true;
  }
  function rest(): Plan {
    if (!finished) {
      throw new Error('the plan is complete only once all its actions have been read');
    }
    summary.held = held.filter((a) => a.kind === 'delete' || a.code === 'left-scope-downgrade').length;
    const unmappedTitles = [...unmapped.values()].sort((a, b) => b.users.length - a.users.length || a.title.localeCompare(b.title));
    summary.unmapped = unmappedTitles.reduce((n, t) => n + t.users.length, 0);
    const values: UnmappedValue[] = [...unmappedValues.values()]
      .sort((a, b) => b.users - a.users || a.decision.localeCompare(b.decision) || a.source.localeCompare(b.source) || a.value.localeCompare(b.value))
      .map((v) => ({ ...v, message: unmappedMessage(v) }));
    return {
      summary,
      actions: [],
      ...(held.length > 0 ? { held: { reason: verdict.reason ?? 'held by the deletion guard', actions: held } } : {}),
      ...(holdChanges && (holdChanges.released.length > 0 || holdChanges.holdAllLifted) ? { holdChanges } : {}),
      unmappedTitles,
      ...(values.length > 0 ? { unmappedValues: values } : {}),
      seats: allocation.usage,
      warnings: values.length > 0 ? [...ctx.warnings, ...values.map((v) => v.message)] : ctx.warnings,
    };
  }
  return { actions: actions(), rest };
}

/** Turns decisions into the plan: applies the seat shares, diffs, splits off held actions, counts. */
export function buildPlan(input: BuildInput): Plan {
  const stream = streamPlan(input);
  const actions = [...stream.actions];
  const { summary, held, holdChanges, unmappedTitles, unmappedValues, seats, warnings } = stream.rest();
  return { summary, actions, ...(held ? { held } : {}), ...(holdChanges ? { holdChanges } : {}), unmappedTitles, ...(unmappedValues ? { unmappedValues } : {}), seats, ...(warnings ? { warnings } : {}) };
}
