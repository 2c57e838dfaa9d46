import type { PlanContext } from './plan-context';
import type { Decision, ProvisionDecision, ProvisionExtras, ProvisionTarget } from './decisions';
import type { Scope } from './scope';
import type { CleanCandidate } from './validate-candidate';
import type { HubSpotUser, LedgerEntry, OktaCandidate, ReasonCode } from './types';
import { deriveDesired, type SourcedView } from './desired-user';
import { provisionDecision, remove, skip } from './decisions';
import { decideLeaveScope, decideReplaced } from './leave-scope';
import { emailKey } from './text';
import { describeOktaUser, validateCandidate } from './validate-candidate';
import type { SourceView } from './source-values';

/** Finds the other in-scope Okta users (valid emails) that share an email (by {@link emailKey}). */
export interface EmailOwners {
  othersWith(key: string, oktaUserId: string): OktaCandidate[];
}


interface InScope {
  c: OktaCandidate;
  clean: CleanCandidate;
  /** What the rules' sources read of the user, and the plan's entry for it. */
  view: SourceView;
  sourced: SourcedView;
  scope: Extract<Scope, 'in' | 'strip'>;
  why: string;
  who: string;
}

const CREATE: ProvisionTarget = { kind: 'create', actual: null };

function provision(
  user: InScope,
  ctx: PlanContext,
  target: ProvisionTarget,
  code: ReasonCode | null,
  headline: string,
  entry: LedgerEntry | null,
  extra?: Pick<ProvisionExtras, 'inherits' | 'pairId' | 'ledger'>,
): ProvisionDecision {
  const draft = deriveDesired(user.clean, user.view, user.sourced, user.scope, user.why, ctx.desired);
  const unmapped = ctx.desired.titleGivesRole && draft.match !== null && (draft.match.kind === 'unmapped' || draft.match.kind === 'missing-role');
  return provisionDecision(target, code, headline, user.who, user.c.oktaUserId, user.c.assignedAt, entry, draft, unmapped ? (user.clean.title ?? '(no title)') : null, extra);
}

/** Adopt an unmanaged HubSpot user with the Okta user's email, unless it is hands-off or taken. */
function adoptOrSkip(user: InScope, existing: HubSpotUser, ctx: PlanContext, code: ReasonCode, headline: string, extra: Partial<Pick<ProvisionDecision, 'inherits' | 'pairId' | 'ledger'>> = {}): Decision {
  const ids = { email: user.clean.email, oktaUserId: user.c.oktaUserId, hubspotUserId: existing.id };
  ctx.touched.add(existing.id);
  if (existing.superAdmin) {
    return skip('super-admin', `${user.who}: HubSpot user ${existing.email} (${existing.id}) has this email but is a super admin: never adopted or changed`, ids);
  }
  if (ctx.isProtected(existing.email)) {
    return skip('protected', `${user.who}: HubSpot user ${existing.email} (${existing.id}) is on the protected list: never adopted or changed`, ids);
  }
  const owner = ctx.ledgerByHubspot.get(existing.id);
  if (owner && owner.oktaUserId !== user.c.oktaUserId) {
    return skip('duplicate-email', `${user.who}: HubSpot user ${existing.email} (${existing.id}) is already managed for Okta user ${owner.oktaUserId}`, ids);
  }
  return provision(user, ctx, { kind: 'adopt', actual: existing }, code, headline, null, extra);
}

/** A managed user whose HubSpot user is gone (deleted by hand, or the link is stale). */
function decideVanished(user: InScope, entry: LedgerEntry, ctx: PlanContext): Decision[] {
  const ids = { email: user.clean.email, oktaUserId: user.c.oktaUserId, hubspotUserId: entry.hubspotUserId };
  const byEmail = user.scope === 'in' ? ctx.hubspotByEmail.get(emailKey(user.clean.email)) : undefined;
  if (byEmail) {
    return [adoptOrSkip(user, byEmail, ctx, 'adopt-email-match', `${user.who}: the managed HubSpot user ${entry.hubspotUserId} is gone and HubSpot user ${byEmail.id} has the email: adopt it`)];
  }
  const policy = ctx.rules.policies.deletedInHubSpot;
  if (policy === 'recreate' && user.scope === 'in') {
    return [provision(user, ctx, CREATE, 'recreate', `${user.who}: the managed HubSpot user ${entry.hubspotUserId} was deleted in HubSpot: create it again (policies.deletedInHubSpot is "recreate")`, null)];
  }
  if (policy === 'recreate') {
    return [skip('deleted-in-hubspot', `${user.who}: the managed HubSpot user ${entry.hubspotUserId} was deleted in HubSpot; not created again while ${user.why}`, ids)];
  }
  if (entry.forgottenAt) {
    return [skip('deleted-in-hubspot', `${user.who}: HubSpot user ${entry.hubspotUserId} was deleted in HubSpot (noticed ${entry.forgottenAt}); not created again (policies.deletedInHubSpot is "forget")`, ids)];
  }
  return [skip('deleted-in-hubspot', `${user.who}: HubSpot user ${entry.hubspotUserId} was deleted in HubSpot; the daemon stops managing it and does not create it again (policies.deletedInHubSpot is "forget")`, ids, { forgottenAt: ctx.now })];
}

/** Okta changed the email of a managed user: HubSpot cannot, so report it or replace the user. */
function decideEmailChange(user: InScope, entry: LedgerEntry, old: HubSpotUser, ctx: PlanContext): Decision[] {
  const ids = { email: user.clean.email, oktaUserId: user.c.oktaUserId, hubspotUserId: old.id };
  const change = `${user.who}: email changed in Okta from ${entry.email} to ${user.clean.email}`;
  if (ctx.rules.policies.emailChange === 'report') {
    return [skip('email-changed', `${change}; HubSpot cannot change an email, so the user is left as it is (policies.emailChange is "report")`, ids)];
  }
  if (user.scope === 'strip') {
    return [skip('email-changed', `${change}; not replaced while ${user.why}`, ids)];
  }
  if (entry.replaces && ctx.hubspotById.has(entry.replaces.hubspotUserId)) {
    return [skip('email-changed', `${change}; replaced once the old HubSpot user ${entry.replaces.email} (${entry.replaces.hubspotUserId}) of the previous email change is deleted`, ids)];
  }
  const pairId = `email-change:${user.c.oktaUserId}`;
  const inherits = ctx.desired.seats.heldBy(old);
  // The new user is linked at once, naming the old one it replaces: its deletion may wait in a hold.
  const ledger = { replaces: { hubspotUserId: old.id, email: old.email } };
  const existing = ctx.hubspotByEmail.get(emailKey(user.clean.email));
  const first = existing
    ? adoptOrSkip(user, existing, ctx, 'email-change-replace', `${change}: adopt HubSpot user ${existing.id}, which has the new email, in place of ${old.id}`, { inherits, pairId, ledger })
    : provision(user, ctx, CREATE, 'email-change-replace', `${change}: create the new user, then delete ${old.id}`, null, { inherits, pairId, ledger });
  if (first.type !== 'provision') {
    return [first];
  }
  return [first, remove('email-change-replace', `${change}: delete ${old.email} (${old.id}) once the new user exists`, old, user.c.oktaUserId, pairId)];
}

/** A managed user in scope, and the old HubSpot user of an email change still to be deleted. */
function decideManaged(user: InScope, entry: LedgerEntry, ctx: PlanContext): Decision[] {
  return [...decideLinked(user, entry, ctx), ...decideReplaced(entry, 'now that the new user exists', ctx)];
}

function decideLinked(user: InScope, entry: LedgerEntry, ctx: PlanContext): Decision[] {
  const actual = ctx.hubspotById.get(entry.hubspotUserId);
  if (!actual) {
    return decideVanished(user, entry, ctx);
  }
  ctx.touched.add(actual.id);
  const ids = { email: user.clean.email, oktaUserId: user.c.oktaUserId, hubspotUserId: actual.id };
  if (actual.superAdmin) {
    return [skip('super-admin', `${user.who}: HubSpot user ${actual.email} (${actual.id}) is a super admin: never changed`, ids)];
  }
  if (ctx.isProtected(actual.email)) {
    return [skip('protected', `${user.who}: HubSpot user ${actual.email} (${actual.id}) is on the protected list: never changed`, ids)];
  }
  if (emailKey(entry.email) !== emailKey(user.clean.email)) {
    return decideEmailChange(user, entry, actual, ctx);
  }
  const headline = user.scope === 'strip' ? `${user.who}: ${user.why}` : `${user.who}: managed`;
  const ledger = entry.downgradedAt ? { downgradedAt: null } : undefined;
  return [provision(user, ctx, { kind: 'update', actual }, null, headline, entry, ledger ? { ledger } : {})];
}

function decideUnmanaged(user: InScope, ctx: PlanContext): Decision[] {
  if (user.scope === 'strip') {
    return [];
  }
  const existing = ctx.hubspotByEmail.get(emailKey(user.clean.email));
  if (existing) {
    return [adoptOrSkip(user, existing, ctx, 'adopt-email-match', `${user.who}: HubSpot user ${existing.id} already has this email: adopt it`)];
  }
  return [provision(user, ctx, CREATE, 'new-assignment', `${user.who}: assigned and in scope: create`, null)];
}

/**
 * Everything the plan does about one Okta user (and the HubSpot user it manages or matches):
 * scope, data checks, duplicate emails, email domains, the protected list, then adoption,
 * creation, update, email change or leaving scope. Bad data never throws: it becomes a skip
 * naming the user and the field, and a managed user is then left as it is.
 */
export function decideOktaUser(c: OktaCandidate, owners: EmailOwners, ctx: PlanContext): Decision[] {
  const entry = ctx.ledgerByOkta.get(c.oktaUserId) ?? null;
  const { scope, why } = ctx.scopeOf(c);
  if (scope === 'out') {
    return entry ? decideLeaveScope(entry, why, ctx) : [];
  }
  const who = describeOktaUser(c);
  const managedActual = entry ? ctx.hubspotById.get(entry.hubspotUserId) : undefined;
  if (managedActual) {
    ctx.touched.add(managedActual.id);
  }
  const kept = entry ? `; the managed HubSpot user ${entry.hubspotUserId} is left as it is` : '';
  const ids = (email: string | null, hubspotUserId: string | null = entry?.hubspotUserId ?? null) => ({ email, oktaUserId: c.oktaUserId, hubspotUserId });
  if (scope === 'pending') {
    return [skip('not-yet-active', `${who}: ${why}${kept}`, ids(c.email))];
  }
  const valid = validateCandidate(c, ctx.rules.limits);
  if (!valid.ok) {
    return [skip('bad-data', `${valid.problem.reason}${kept}`, ids(c.email))];
  }
  const clean = valid.value;
  const view: SourceView = { title: clean.title, profile: c.profile, appProfile: c.appProfile, groupIds: c.groupIds };
  const sourced = ctx.desired.sourced(view);
  if (sourced.problem !== null) {
    return [skip('bad-data', `${who}: ${clean.email}'s ${sourced.problem}${kept}`, ids(clean.email))];
  }
  const sharing = owners.othersWith(emailKey(clean.email), c.oktaUserId);
  if (sharing.length > 0) {
    const others = sharing.map((o) => `${o.login} (${o.oktaUserId})`).join(', ');
    return [skip('duplicate-email', `${who}: email ${clean.email} is also the email of Okta user ${others}; none of them is provisioned until one remains${kept}`, ids(clean.email))];
  }
  if (!ctx.domainAllowed(clean.email)) {
    return [skip('domain-not-allowed', `${who}: email domain of ${clean.email} is not in emailDomains${kept}`, ids(clean.email))];
  }
  if (ctx.isProtected(clean.email) || (entry && ctx.isProtected(entry.email))) {
    const existing = managedActual ?? ctx.hubspotByEmail.get(emailKey(clean.email));
    if (existing) {
      ctx.touched.add(existing.id);
    }
    return [skip('protected', `${who}: ${clean.email} is on the protected list: never created, changed or deleted`, ids(clean.email, existing?.id ?? null))];
  }
  const user: InScope = { c, clean, view, sourced, scope, why, who };
  return entry ? decideManaged(user, entry, ctx) : decideUnmanaged(user, ctx);
}
