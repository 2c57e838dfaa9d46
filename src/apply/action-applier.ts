import type { Rules } from '../../config/rules-schema';
import type { CreateUserInput, HubSpotClientApi, UpdateUserInput } from '../hubspot/hubspot-types';
import { SyncError, TransientError } from '../lib/errors';
import type { State } from '../state/state';
import type { AuditOutcome } from '../state/audit-log';
import { appliedValuesFrom } from '../sync/desired-user';
import { createEmailPolicy } from '../sync/email-policy';
import { currentRoleId, sameSeats } from '../sync/hubspot-user';
import { diffUser } from '../sync/user-diff';
import type { AdoptAction, AppliedValues, CreateAction, DeleteAction, FieldChange, HubSpotUser, LedgerEntry, PlanAction, SkipAction, UpdateAction } from '../sync/types';

/** The actions that write a HubSpot user and link it. */
type WriteAction = CreateAction | AdoptAction | UpdateAction;

/** What carrying out one user's actions did. */
export interface ApplyReport {
  applied: Array<{ kind: 'create' | 'update' | 'delete' | 'adopt'; hubspotUserId: string | null; reason: string }>;
  skipped: Array<{ code: string; reason: string }>;
}

/** Where the actions come from, for the audit trail and the deletion guard's rolling hour. */
export interface ApplyContext {
  jobId: string | null;
  /** Event-driven (and manual) deletions count towards the rolling-hour guard. */
  countDeletions: boolean;
  /** The user's ledger entry as read before planning (pairs delete the HubSpot user it names). */
  entryBefore: LedgerEntry | null;
  /**
   * What a create that meets an existing email (409) does: `adopt` (the default) looks the email
   * up and adopts or refuses it here; `throw` gives the conflict back to a caller that planned
   * without looking the email up, so it can plan again with it.
   */
  conflictOnCreate?: 'adopt' | 'throw';
}

/** The fields of `changes`, as HubSpot's update takes them. */
export function updateFromChanges(changes: readonly FieldChange[]): UpdateUserInput {
  const input: UpdateUserInput = {};
  for (const c of changes) {
    switch (c.field) {
      case 'roleId':
      case 'firstName':
      case 'lastName':
      case 'primaryTeamId':
        input[c.field] = typeof c.after === 'string' ? c.after : null;
        break;
      case 'seatNames':
        input.seatNames = Array.isArray(c.after) ? c.after : [];
        break;
      case 'secondaryTeamIds':
        input.secondaryTeamIds = Array.isArray(c.after) ? c.after : [];
        break;
    }
  }
  return input;
}

function snapshot(user: HubSpotUser | null): Partial<AppliedValues> | null {
  if (!user) {
    return null;
  }
  return {
    email: user.email,
    roleId: currentRoleId(user),
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    seatNames: user.seatNames ?? [],
    primaryTeamId: user.primaryTeamId ?? null,
    ...(user.secondaryTeamIds.length > 0 ? { secondaryTeamIds: [...user.secondaryTeamIds].sort() } : {}),
  };
}

/**
 * Carries out one user's plan actions against HubSpot and records each in the ledger and the
 * audit trail. Safe to repeat: a create whose email already exists (409) adopts the existing
 * user instead of making a second one, and a delete happens only for the HubSpot user the ledger
 * links to this Okta user, re-checked (gone, super admin, protected) right before.
 */
export function createActionApplier(deps: { hubspot: HubSpotClientApi; state: State; rules: Rules; now?: () => Date }) {
  const { hubspot, state, rules } = deps;
  const now = () => (deps.now ? deps.now() : new Date());
  const { isProtected } = createEmailPolicy(rules);
  const manageSeats = rules.seats.mode === 'named';
  /** The diff options: labels are for people reading a plan, not for the write. */
  const diffOptions = { manageSeats, roleName: () => null };

  async function audit(a: PlanAction, ctx: ApplyContext, outcome: AuditOutcome, reason: string, before: Partial<AppliedValues> | null, after: Partial<AppliedValues> | null, hubspotUserId = a.hubspotUserId) {
    await state.audit.append({ action: a.kind, email: a.email, oktaUserId: a.oktaUserId, hubspotUserId, before, after, jobId: ctx.jobId, outcome, reason });
  }

  async function recordManaged(a: WriteAction, hubspotUserId: string, how: LedgerEntry['how'], previous: LedgerEntry | null): Promise<void> {
    const entry: LedgerEntry = {
      hubspotUserId,
      oktaUserId: a.oktaUserId,
      email: a.desired.email,
      how: previous && previous.hubspotUserId === hubspotUserId ? previous.how : how,
      managedSince: previous && previous.hubspotUserId === hubspotUserId ? previous.managedSince : now().toISOString(),
      lastApplied: appliedValuesFrom(a.desired),
    };
    const downgradedAt = a.ledger?.downgradedAt !== undefined ? a.ledger.downgradedAt : (previous?.downgradedAt ?? null);
    if (downgradedAt) {
      entry.downgradedAt = downgradedAt;
    }
    // An email change links the new user at once and keeps the old one here until it is deleted.
    const replaces = a.ledger?.replaces ?? (previous && previous.hubspotUserId === hubspotUserId ? previous.replaces : null);
    if (replaces && replaces.hubspotUserId !== hubspotUserId) {
      entry.replaces = replaces;
    }
    await state.ledger.upsert(entry, { whileComplete: true });
  }

  /**
   * A write in a batch that also deletes a user (an email change's pair, or the old user of one
   * still to go): the seats it adds wait until after the deletion, since HubSpot may have none
   * free until then. Returns the write without them, and the seats held back; the write itself
   * when it adds none.
   */
  function holdBackAddedSeats<T extends WriteAction>(a: T): { first: T; added: string[] } {
    const seatChange = a.changes.find((c) => c.field === 'seatNames');
    const before = a.kind === 'create' ? [] : Array.isArray(seatChange?.before) ? seatChange.before : a.desired.seatNames;
    const added = a.desired.seatNames.filter((s) => !before.includes(s));
    if (added.length === 0) {
      return { first: a, added };
    }
    const seatNames = a.desired.seatNames.filter((s) => !added.includes(s));
    const changes = a.changes.flatMap((c) => (c.field !== 'seatNames' ? [c] : sameSeats(before, seatNames) ? [] : [{ ...c, after: seatNames }]));
    return { first: { ...a, desired: { ...a.desired, seatNames }, changes }, added };
  }

  /** Gives a user the seats held back by {@link holdBackAddedSeats} (`first` was written), now that the deletion is done. */
  async function giveHeldBackSeats(a: WriteAction, first: WriteAction, added: readonly string[], linked: LedgerEntry, ctx: ApplyContext, report: ApplyReport): Promise<void> {
    const hubspotUserId = linked.hubspotUserId;
    await hubspot.updateUser(hubspotUserId, { seatNames: a.desired.seatNames });
    await recordManaged(a, hubspotUserId, a.kind === 'adopt' ? 'adopted' : 'created', linked);
    const reason = `${a.desired.email}: seat ${added.join(', ')} given once the deletion freed it`;
    await audit(a, ctx, 'applied', reason, { seatNames: first.desired.seatNames }, { seatNames: a.desired.seatNames }, hubspotUserId);
    report.applied.push({ kind: 'update', hubspotUserId, reason });
  }

  async function create(a: CreateAction, ctx: ApplyContext, report: ApplyReport): Promise<void> {
    const desired = a.desired;
    const input: CreateUserInput = {
      email: desired.email,
      firstName: desired.firstName,
      lastName: desired.lastName,
      roleId: desired.roleId,
      sendWelcomeEmail: rules.policies.sendWelcomeEmail,
    };
    if (manageSeats) {
      input.seatNames = desired.seatNames;
    }
    if (desired.primaryTeamId !== null) {
      input.primaryTeamId = desired.primaryTeamId;
    }
    if (desired.secondaryTeamIds && desired.secondaryTeamIds.length > 0) {
      input.secondaryTeamIds = desired.secondaryTeamIds;
    }
    let created: HubSpotUser;
    try {
      created = await hubspot.createUser(input);
    } catch (err) {
      if (err instanceof SyncError && err.code === 'HUBSPOT_CONFLICT' && ctx.conflictOnCreate !== 'throw') {
        await adoptAfterConflict(a, ctx, report);
        return;
      }
      throw err;
    }
    await recordManaged(a, created.id, 'created', await state.ledger.get(desired.oktaUserId));
    await audit(a, ctx, 'applied', a.reason, null, appliedValuesFrom(desired), created.id);
    report.applied.push({ kind: 'create', hubspotUserId: created.id, reason: a.reason });
  }

  /** The email exists after all (created by someone else, or by an earlier try of this job). */
  async function adoptAfterConflict(a: CreateAction, ctx: ApplyContext, report: ApplyReport): Promise<void> {
    const desired = a.desired;
    const existing = await hubspot.getUserByEmail(desired.email);
    if (!existing) {
      throw new TransientError(`${desired.email}: HubSpot said the email exists but does not find it yet`, { code: 'HUBSPOT_CONFLICT_RACE' });
    }
    const owner = await state.ledger.getByHubSpotId(existing.id);
    if (existing.superAdmin || isProtected(existing.email) || (owner && owner.oktaUserId !== desired.oktaUserId)) {
      const why = existing.superAdmin ? 'is a super admin' : owner && owner.oktaUserId !== desired.oktaUserId ? `is managed for Okta user ${owner.oktaUserId}` : 'is on the protected list';
      await audit(a, ctx, 'refused', `${desired.email}: create refused: HubSpot user ${existing.id} has this email and ${why}`, null, null, existing.id);
      report.skipped.push({ code: 'create-conflict', reason: `${desired.email}: HubSpot user ${existing.id} has this email and ${why}` });
      return;
    }
    const changes = updateFromChanges(diffUser(existing, desired, diffOptions));
    if (Object.keys(changes).length > 0) {
      await hubspot.updateUser(existing.id, changes);
    }
    await recordManaged(a, existing.id, 'adopted', await state.ledger.get(desired.oktaUserId));
    await audit(a, ctx, 'applied', `${a.reason} (the email already existed in HubSpot: adopted ${existing.id})`, snapshot(existing), appliedValuesFrom(desired), existing.id);
    report.applied.push({ kind: 'adopt', hubspotUserId: existing.id, reason: `${a.reason} (the email already existed in HubSpot)` });
  }

  async function update(a: AdoptAction | UpdateAction, ctx: ApplyContext, report: ApplyReport, how: 'adopted' | 'created'): Promise<void> {
    const hubspotUserId = a.hubspotUserId;
    const changes = updateFromChanges(a.changes);
    const before: Partial<AppliedValues> = {};
    const after: Partial<AppliedValues> = {};
    for (const c of a.changes) {
      Object.assign(before, { [c.field]: c.before });
      Object.assign(after, { [c.field]: c.after });
    }
    if (Object.keys(changes).length > 0) {
      await hubspot.updateUser(hubspotUserId, changes);
    }
    await recordManaged(a, hubspotUserId, how, await state.ledger.get(a.oktaUserId));
    await audit(a, ctx, 'applied', a.reason, before, after);
    report.applied.push({ kind: a.kind === 'adopt' ? 'adopt' : 'update', hubspotUserId, reason: a.reason });
  }

  async function remove(a: DeleteAction, ctx: ApplyContext, report: ApplyReport): Promise<void> {
    const id = a.hubspotUserId;
    const who = a.email ?? a.oktaUserId ?? id ?? 'unknown user';
    const current = a.oktaUserId ? await state.ledger.get(a.oktaUserId) : null;
    const links = (e: LedgerEntry | null) => e !== null && id !== null && e.oktaUserId === a.oktaUserId && (e.hubspotUserId === id || e.replaces?.hubspotUserId === id);
    const linked = [ctx.entryBefore, current].some(links);
    if (!id || !linked) {
      await audit(a, ctx, 'refused', `${who}: delete refused: the ledger does not link HubSpot user ${id} to Okta user ${a.oktaUserId}`, null, null);
      report.skipped.push({ code: 'delete-refused', reason: `${who}: HubSpot user ${id} is not linked to this Okta user` });
      return;
    }
    const fresh = await hubspot.getUser(id);
    if (fresh && (fresh.superAdmin || isProtected(fresh.email))) {
      const why = fresh.superAdmin ? 'is a super admin' : 'is on the protected list';
      await audit(a, ctx, 'refused', `${who}: delete refused: HubSpot user ${id} ${why}`, snapshot(fresh), snapshot(fresh));
      report.skipped.push({ code: fresh.superAdmin ? 'super-admin' : 'protected', reason: `${who}: HubSpot user ${id} ${why}` });
      return;
    }
    const existed = fresh ? await hubspot.deleteUser(id) : false;
    const stillLinked = a.oktaUserId ? await state.ledger.get(a.oktaUserId) : null;
    if (a.oktaUserId && stillLinked && stillLinked.hubspotUserId === id) {
      await state.ledger.remove(a.oktaUserId);
    } else if (stillLinked?.replaces?.hubspotUserId === id) {
      await state.ledger.upsert({ ...stillLinked, replaces: null }, { whileComplete: true });
    }
    await state.approvals.consume(id);
    if (existed && ctx.countDeletions) {
      await state.deletions.record(id);
    }
    await audit(a, ctx, 'applied', existed ? a.reason : `${a.reason} (already gone from HubSpot)`, snapshot(fresh), null);
    report.applied.push({ kind: 'delete', hubspotUserId: id, reason: a.reason });
  }

  async function skip(a: SkipAction, ctx: ApplyContext, report: ApplyReport): Promise<void> {
    report.skipped.push({ code: a.code, reason: a.reason });
    if (a.ledger?.remove && a.oktaUserId) {
      await state.ledger.remove(a.oktaUserId);
      await state.audit.append({ action: 'forget', email: a.email, oktaUserId: a.oktaUserId, hubspotUserId: a.hubspotUserId, before: null, after: null, jobId: ctx.jobId, outcome: 'applied', reason: a.reason });
      return;
    }
    if (a.ledger?.forgottenAt && a.oktaUserId) {
      const entry = await state.ledger.get(a.oktaUserId);
      if (entry) {
        await state.ledger.upsert({ ...entry, forgottenAt: a.ledger.forgottenAt }, { whileComplete: true });
      }
      await state.audit.append({ action: 'forget', email: a.email, oktaUserId: a.oktaUserId, hubspotUserId: a.hubspotUserId, before: null, after: null, jobId: ctx.jobId, outcome: 'applied', reason: a.reason });
      return;
    }
    if (a.code !== 'in-sync') {
      await audit(a, ctx, 'reported', a.reason, null, null);
    }
  }

  /**
   * Carries out one user's actions: creates and adoptions first, then updates, deletions last
   * (so an email-change pair creates the new user before deleting the old one). The new user of
   * a pair is linked at once with the old one as `replaces`, so a delete that fails, is
   * interrupted or waits in a hold still knows which user to delete, and the person can sign in
   * with the new email meanwhile.
   */
  async function apply(actions: readonly PlanAction[], ctx: ApplyContext): Promise<ApplyReport> {
    const order: Record<PlanAction['kind'], number> = { create: 0, adopt: 0, update: 1, skip: 2, delete: 3 };
    const report: ApplyReport = { applied: [], skipped: [] };
    // Seats a write adds wait for the deletions of the same batch (see holdBackAddedSeats).
    const deletes = manageSeats && actions.some((a) => a.kind === 'delete');
    const heldBack: Array<{ a: WriteAction; first: WriteAction; added: string[] }> = [];
    for (const a of [...actions].sort((x, y) => order[x.kind] - order[y.kind])) {
      let write: PlanAction = a;
      if (deletes && (a.kind === 'create' || a.kind === 'adopt' || a.kind === 'update')) {
        const { first, added } = holdBackAddedSeats(a);
        if (added.length > 0) {
          heldBack.push({ a, first, added });
        }
        write = first;
      }
      switch (write.kind) {
        case 'create':
          await create(write, ctx, report);
          break;
        case 'adopt':
          await update(write, ctx, report, 'adopted');
          break;
        case 'update':
          await update(write, ctx, report, 'created');
          break;
        case 'delete':
          await remove(write, ctx, report);
          break;
        case 'skip':
          await skip(write, ctx, report);
          break;
      }
    }
    // When no deletion happened (refused, or gone already), the next plan gives the seats as they come free.
    if (heldBack.length > 0 && report.applied.some((r) => r.kind === 'delete')) {
      for (const { a, first, added } of heldBack) {
        const linked = await state.ledger.get(a.oktaUserId);
        if (linked) {
          await giveHeldBackSeats(a, first, added, linked, ctx, report);
        }
      }
    }
    return report;
  }

  return { apply };
}

/** The action applier's API. */
export type ActionApplier = ReturnType<typeof createActionApplier>;
