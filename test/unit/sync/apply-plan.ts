import { appliedValuesFrom } from '../../../src/sync/desired-user';
import type { FieldChange, HubSpotSeat, HubSpotUser, LedgerEntry, Plan, PlanAction } from '../../../src/sync/types';

/** The state the planner reads that workers change: HubSpot's users and seats, and the ledger. */
export interface SyncState {
  hubspotUsers: HubSpotUser[];
  ledger: LedgerEntry[];
  seats: HubSpotSeat[] | null;
}

function withChanges(user: HubSpotUser, changes: readonly FieldChange[]): HubSpotUser {
  const next: HubSpotUser = { ...user, roleIds: [...user.roleIds], secondaryTeamIds: [...user.secondaryTeamIds] };
  for (const change of changes) {
    const after = change.after;
    switch (change.field) {
      case 'roleId':
        next.roleId = typeof after === 'string' ? after : undefined;
        next.roleIds = typeof after === 'string' ? [after] : [];
        break;
      case 'firstName':
      case 'lastName':
        next[change.field] = typeof after === 'string' ? after : undefined;
        break;
      case 'seatNames':
        next.seatNames = Array.isArray(after) ? [...after] : [];
        break;
      case 'primaryTeamId':
        next.primaryTeamId = typeof after === 'string' ? after : undefined;
        break;
      case 'secondaryTeamIds':
        next.secondaryTeamIds = Array.isArray(after) ? [...after] : [];
        break;
    }
  }
  return next;
}

/**
 * What the workers would do with a plan, done to plain data: create assigns an id, create and
 * adopt add a ledger entry (replacing the Okta user's old one, naming the old HubSpot user of an
 * email change as `replaces`), update writes the changes and
 * refreshes `lastApplied`, delete removes the user and its ledger entry (or the `replaces` naming it), ledger changes on skips
 * are honoured, and HubSpot's free seats follow the seats given and taken back. Held actions are
 * not carried out. A pure function: the input state is not changed.
 */
export function applyPlan(state: SyncState, plan: Plan, now: string): SyncState {
  const users = new Map(state.hubspotUsers.map((u) => [u.id, u]));
  let ledger = [...state.ledger];
  const remaining = new Map((state.seats ?? []).map((s) => [s.name, s.remainingSeats]));
  let nextId = 1;
  const freshId = () => {
    while (users.has(`9${String(nextId).padStart(6, '0')}`)) {
      nextId++;
    }
    return `9${String(nextId++).padStart(6, '0')}`;
  };
  const seatDelta = (before: readonly string[] | undefined, after: readonly string[] | undefined) => {
    for (const s of before ?? []) {
      const r = remaining.get(s);
      if (r !== undefined) remaining.set(s, r + 1);
    }
    for (const s of after ?? []) {
      const r = remaining.get(s);
      if (r !== undefined) remaining.set(s, r - 1);
    }
  };
  const setEntry = (oktaUserId: string, patch: (e: LedgerEntry) => LedgerEntry) => {
    ledger = ledger.map((e) => (e.oktaUserId === oktaUserId ? patch(e) : e));
  };
  const apply = (action: PlanAction) => {
    const oktaUserId = action.oktaUserId ?? '';
    switch (action.kind) {
      case 'create': {
        const desired = action.desired;
        if (!desired) throw new Error('create without desired');
        const id = freshId();
        const created = withChanges({ id, email: desired.email, roleIds: [], secondaryTeamIds: [], superAdmin: false }, action.changes ?? []);
        users.set(id, created);
        seatDelta([], created.seatNames);
        ledger = ledger.filter((e) => e.oktaUserId !== oktaUserId);
        ledger.push({ hubspotUserId: id, oktaUserId, email: desired.email, how: 'created', managedSince: now, lastApplied: appliedValuesFrom(desired), ...(action.ledger?.replaces ? { replaces: action.ledger.replaces } : {}) });
        break;
      }
      case 'adopt': {
        const desired = action.desired;
        const user = users.get(action.hubspotUserId ?? '');
        if (!desired || !user) throw new Error('adopt without desired or user');
        const next = withChanges(user, action.changes ?? []);
        seatDelta(user.seatNames, next.seatNames);
        users.set(user.id, next);
        ledger = ledger.filter((e) => e.oktaUserId !== oktaUserId);
        ledger.push({ hubspotUserId: user.id, oktaUserId, email: user.email, how: 'adopted', managedSince: now, lastApplied: appliedValuesFrom(desired), ...(action.ledger?.replaces ? { replaces: action.ledger.replaces } : {}) });
        break;
      }
      case 'update': {
        const desired = action.desired;
        const user = users.get(action.hubspotUserId ?? '');
        if (!desired || !user) throw new Error('update without desired or user');
        const next = withChanges(user, action.changes ?? []);
        seatDelta(user.seatNames, next.seatNames);
        users.set(user.id, next);
        setEntry(oktaUserId, (e) => {
          const updated: LedgerEntry = { ...e, lastApplied: appliedValuesFrom(desired, e.lastApplied) };
          if (action.ledger?.downgradedAt !== undefined) updated.downgradedAt = action.ledger.downgradedAt;
          return updated;
        });
        break;
      }
      case 'delete': {
        const user = users.get(action.hubspotUserId ?? '');
        if (!user) throw new Error(`delete of a missing user ${action.hubspotUserId}`);
        seatDelta(user.seatNames, []);
        users.delete(user.id);
        ledger = ledger.filter((e) => e.hubspotUserId !== user.id).map((e) => (e.replaces?.hubspotUserId === user.id ? { ...e, replaces: null } : e));
        break;
      }
      case 'skip': {
        if (action.ledger?.remove) {
          ledger = ledger.filter((e) => e.oktaUserId !== oktaUserId);
        } else if (action.ledger?.forgottenAt !== undefined) {
          setEntry(oktaUserId, (e) => ({ ...e, forgottenAt: action.ledger?.forgottenAt ?? null }));
        }
        break;
      }
    }
  };
  plan.actions.forEach(apply);
  const seats = state.seats === null ? null : state.seats.map((s) => ({ ...s, remainingSeats: remaining.get(s.name) }));
  return { hubspotUsers: [...users.values()], ledger, seats };
}
