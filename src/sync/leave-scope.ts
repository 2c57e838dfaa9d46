import type { PlanContext } from './plan-context';
import type { Decision } from './decisions';
import type { HubSpotUser, LedgerEntry } from './types';
import { provisionDecision, remove, skip } from './decisions';

const DAY_MS = 86_400_000;

/** How a managed user is named in reasons when only the ledger knows them. */
export function describeManaged(entry: LedgerEntry): string {
  return `${entry.email} (Okta ${entry.oktaUserId}, HubSpot ${entry.hubspotUserId})`;
}

/**
 * The old HubSpot user of an email change that is still to be deleted (see
 * `LedgerEntry.replaces`): its deletion, or a skip when it became hands-off; nothing when it is
 * gone or unknown. `why` says when it goes (with the change, or with the user leaving scope).
 */
export function decideReplaced(entry: LedgerEntry, why: string, ctx: PlanContext): Decision[] {
  const old = entry.replaces ? ctx.hubspotById.get(entry.replaces.hubspotUserId) : undefined;
  if (!old) {
    return [];
  }
  ctx.touched.add(old.id);
  const ids = { email: old.email, oktaUserId: entry.oktaUserId, hubspotUserId: old.id };
  const who = `${entry.email} (Okta ${entry.oktaUserId})`;
  if (old.superAdmin || ctx.isProtected(old.email)) {
    return [skip(old.superAdmin ? 'super-admin' : 'protected', `${who}: the old HubSpot user ${old.email} (${old.id}) of an email change is ${old.superAdmin ? 'a super admin' : 'on the protected list'}: never deleted`, ids)];
  }
  return [remove('email-change-replace', `${who}: delete the old HubSpot user ${old.email} (${old.id}) of the email change ${why}`, old, entry.oktaUserId)];
}

/**
 * A managed user has left scope (`why` says how). Policy `delete` deletes; `report` only
 * reports; `downgrade` strips role and seat at once (the worker records `downgradedAt`) and
 * deletes once `graceDays` have passed (0: at once). Super admins and protected users are never
 * touched; a HubSpot user already gone only drops the ledger entry.
 */
export function decideLeaveScope(entry: LedgerEntry, why: string, ctx: PlanContext): Decision[] {
  const ids = { email: entry.email, oktaUserId: entry.oktaUserId, hubspotUserId: entry.hubspotUserId };
  const who = describeManaged(entry);
  const actual = ctx.hubspotById.get(entry.hubspotUserId);
  if (!actual) {
    return [skip('deleted-in-hubspot', `${who} left scope (${why}); its HubSpot user is already gone, so the daemon stops tracking it`, ids, { remove: true })];
  }
  ctx.touched.add(actual.id);
  if (actual.superAdmin) {
    return [skip('super-admin', `${who} left scope (${why}) but is a super admin in HubSpot: never changed or deleted`, ids)];
  }
  if (ctx.isProtected(actual.email) || ctx.isProtected(entry.email)) {
    return [skip('protected', `${who} left scope (${why}) but is on the protected list: never changed or deleted`, ids)];
  }
  const { leaveScope } = ctx.rules.policies;
  if (leaveScope === 'report') {
    return [skip('report-only', `${who} left scope (${why}); policies.leaveScope is "report", so nothing is changed`, ids)];
  }
  return [...decideLeaving(entry, actual, why, ctx), ...decideReplaced(entry, 'now that the user left scope', ctx)];
}

/** What leaving scope does to the linked HubSpot user, by `policies.leaveScope` (not `report`). */
function decideLeaving(entry: LedgerEntry, actual: HubSpotUser, why: string, ctx: PlanContext): Decision[] {
  const who = describeManaged(entry);
  const { leaveScope, graceDays } = ctx.rules.policies;
  if (leaveScope === 'delete') {
    return [remove('left-scope', `${who} left scope (${why}): delete`, actual, entry.oktaUserId)];
  }
  if (graceDays === 0) {
    return [remove('left-scope', `${who} left scope (${why}): delete (policies.graceDays is 0)`, actual, entry.oktaUserId)];
  }
  const downgradedMs = entry.downgradedAt ? Date.parse(entry.downgradedAt) : Number.NaN;
  const already = !Number.isNaN(downgradedMs);
  if (already && ctx.nowMs - downgradedMs >= graceDays * DAY_MS) {
    return [remove('grace-expired', `${who} left scope (${why}) and was downgraded at ${entry.downgradedAt}; ${graceDays} day(s) have passed: delete`, actual, entry.oktaUserId)];
  }
  const deleteAfter = already ? new Date(downgradedMs + graceDays * DAY_MS).toISOString() : null;
  const draft = {
    desired: { oktaUserId: entry.oktaUserId, email: actual.email, firstName: null, lastName: null, roleId: null, roleName: null, seatNames: [], primaryTeamId: null, roleReason: 'left scope: downgraded' },
    wants: [],
    match: null,
    unmapped: [],
  };
  const headline = already
    ? `${who} left scope (${why}) and was downgraded at ${entry.downgradedAt}: keep it without role or seat until ${deleteAfter}`
    : `${who} left scope (${why}): remove role and seat now, delete after ${graceDays} day(s) (policies.leaveScope is "downgrade")`;
  const extras = {
    ...(already ? {} : { ledger: { downgradedAt: ctx.now } }),
    guarded: !already,
    whenNothingToDo: { kind: 'skip', code: 'left-scope-downgrade', reason: `${who} left scope (${why}); downgraded at ${entry.downgradedAt}, deleted after ${deleteAfter}` },
  } as const;
  return [provisionDecision({ kind: 'update', actual }, 'left-scope-downgrade', headline, who, entry.oktaUserId, null, entry, draft, null, extras)];
}
