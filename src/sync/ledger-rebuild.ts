import type { Rules } from '../../config/rules-schema';
import { createEmailPolicy, emailKey } from './email-policy';
import { scopeOf } from './scope';
import type { HubSpotUser, LedgerEntry, OktaCandidate, ReplacedUser } from './types';

/**
 * What a ledger rebuild reads before it decides anything: both sides as they are now, the app's
 * assignment history and what is left of the ledger.
 */
export interface LedgerRebuildFacts {
  /** The users assigned to the app now. */
  assigned: ReadonlyArray<Pick<OktaCandidate, 'oktaUserId' | 'email' | 'assigned' | 'status'>>;
  /**
   * The System Log's events about users, oldest first: the app's assignment events
   * (`membership: true`) and profile changes, each with the login it named for the user (null
   * when it named none).
   */
  history: ReadonlyArray<{ oktaUserId: string; login: string | null; membership: boolean }>;
  /**
   * For users in the assignment history but not assigned now: their email in Okta now, or null
   * when Okta no longer has the user.
   */
  formerEmails: ReadonlyMap<string, string | null>;
  /** Every HubSpot user. */
  hubspotUsers: readonly HubSpotUser[];
  /** The entries the ledger still holds (after a data loss: none, or those linked since). */
  ledger: ReadonlyArray<Pick<LedgerEntry, 'oktaUserId' | 'hubspotUserId'>>;
}

/** One link the rebuild writes: `rebuilt` for a user out of scope or gone, `adopted` for one in scope. */
export interface RebuildLink {
  oktaUserId: string;
  hubspotUserId: string;
  /** The HubSpot user's email. */
  email: string;
  how: 'rebuilt' | 'adopted';
  /** An email change interrupted by the data loss: the old HubSpot user, still to be deleted. */
  replaces?: ReplacedUser;
}

/** What the rebuild decided, in the order the links are to be written. */
export interface LedgerRebuildPlan {
  links: RebuildLink[];
  /** Okta users ever assigned in the history window (or assigned now). */
  oktaUsers: number;
  /** Users of the history whose email could not be read (deleted in Okta, and no login with an @): not matched. */
  unknownEmails: number;
}

const hasAt = (login: string | null): login is string => login !== null && login.includes('@');

/**
 * Decides which HubSpot user each Okta user of the app is linked to after the ledger was lost.
 * Users out of scope now, or only in the history (for one deleted in Okta since, the login its
 * last assignment event named), are linked to the HubSpot user with their email (how: rebuilt),
 * so they are still deleted. Users in scope now are linked to the HubSpot user with their email
 * too (how: adopted), as the planner would adopt them, except an email several of them share, a
 * protected email or a domain the rules do not allow. Super admins are never linked, nor a side
 * that is linked already. A user whose email changed is found by the logins its assignment and
 * profile events named: for one in scope, the HubSpot user of an earlier login is preferred while
 * no one else's current email names it (linked as the one the user's current HubSpot user
 * `replaces` when that one exists, else linked itself: the planner completes the email change);
 * for the others, earlier logins are tried when the current email finds nobody.
 */
export function planLedgerRebuild(facts: LedgerRebuildFacts, rules: Pick<Rules, 'scope' | 'emailDomains' | 'protected'>): LedgerRebuildPlan {
  const policy = createEmailPolicy(rules);
  // Okta user id → email of the users to link (how: rebuilt): out of scope now, or in the history only.
  const gone = new Map<string, string | null>();
  // Okta user id → email of the users in scope now (how: adopted); pending ones are left alone.
  const inScope = new Map<string, string | null>();
  const pending = new Set<string>();
  for (const c of facts.assigned) {
    const scope = scopeOf(c, rules.scope.statuses).scope;
    if (scope === 'out' || scope === 'strip') {
      gone.set(c.oktaUserId, c.email);
    } else if (scope === 'in') {
      inScope.set(c.oktaUserId, c.email);
    } else {
      pending.add(c.oktaUserId);
    }
  }
  // Okta user id → the login the last assignment event named; every login the events named, oldest first.
  const lastAssignmentLogin = new Map<string, string | null>();
  const logins = new Map<string, string[]>();
  for (const e of facts.history) {
    if (hasAt(e.login)) {
      const login = e.login;
      const seen = logins.get(e.oktaUserId) ?? [];
      if (!seen.some((l) => emailKey(l) === emailKey(login))) seen.push(login);
      logins.set(e.oktaUserId, seen);
    }
    if (e.membership) {
      lastAssignmentLogin.set(e.oktaUserId, e.login ?? lastAssignmentLogin.get(e.oktaUserId) ?? null);
    }
  }
  let unknownEmails = 0;
  for (const [id, login] of lastAssignmentLogin) {
    if (!gone.has(id) && !inScope.has(id) && !pending.has(id)) {
      const email = facts.formerEmails.get(id) ?? (hasAt(login) ? login : null);
      gone.set(id, email);
      if (!email) unknownEmails++;
    }
  }
  // The last HubSpot user listed with an email wins (HubSpot holds one per email).
  const byEmail = new Map<string, HubSpotUser>();
  for (const u of facts.hubspotUsers) {
    byEmail.set(emailKey(u.email), u);
  }
  const owners = new Map<string, number>();
  for (const email of inScope.values()) {
    if (email) owners.set(emailKey(email), (owners.get(emailKey(email)) ?? 0) + 1);
  }
  const adoptable = new Map([...inScope].filter(([, email]) => email !== null && owners.get(emailKey(email)) === 1 && !policy.isProtected(email) && policy.domainAllowed(email)));

  const linkedOkta = new Set(facts.ledger.map((e) => e.oktaUserId));
  const linkedHubSpot = new Set(facts.ledger.map((e) => e.hubspotUserId));
  const links: RebuildLink[] = [];
  /** Links the HubSpot user with this email unless it is a super admin or either side is linked already. */
  const link = (oktaUserId: string, email: string | null | undefined, how: RebuildLink['how']): boolean => {
    const hs = email ? byEmail.get(emailKey(email)) : undefined;
    if (!hs || hs.superAdmin || (how === 'adopted' && policy.isProtected(hs.email)) || linkedOkta.has(oktaUserId) || linkedHubSpot.has(hs.id)) {
      return false;
    }
    links.push({ oktaUserId, hubspotUserId: hs.id, email: hs.email, how });
    linkedOkta.add(oktaUserId);
    linkedHubSpot.add(hs.id);
    return true;
  };
  /** Links an in-scope user to the HubSpot user with their current email, replacing the one of an earlier login. */
  const linkReplacing = (oktaUserId: string, current: HubSpotUser, old: HubSpotUser): boolean => {
    if (current.superAdmin || old.superAdmin || policy.isProtected(current.email) || policy.isProtected(old.email) || linkedOkta.has(oktaUserId) || linkedHubSpot.has(current.id) || linkedHubSpot.has(old.id)) {
      return false;
    }
    links.push({ oktaUserId, hubspotUserId: current.id, email: current.email, how: 'adopted', replaces: { hubspotUserId: old.id, email: old.email } });
    linkedOkta.add(oktaUserId);
    linkedHubSpot.add(current.id);
    linkedHubSpot.add(old.id);
    return true;
  };
  const groups = [
    [gone, 'rebuilt'],
    [adoptable, 'adopted'],
  ] as const;
  /** Logins the user had before the current email, newest first. */
  const formerLogins = (oktaUserId: string, current: string | null): string[] =>
    [...(logins.get(oktaUserId) ?? [])].reverse().filter((l) => current === null || emailKey(l) !== emailKey(current));
  // Whose current email each HubSpot user has: an email's current owner wins over a user who once had it.
  const currentOwner = new Map<string, string>();
  for (const [group] of groups) {
    for (const [oktaUserId, email] of group) {
      const hs = email ? byEmail.get(emailKey(email)) : undefined;
      if (hs && !currentOwner.has(hs.id)) currentOwner.set(hs.id, oktaUserId);
    }
  }
  // An in-scope user whose email changed, and whose HubSpot user still has an earlier one (the
  // change was not carried out before the data was lost): when a HubSpot user has the current
  // email too (the new user was made, the old one not yet deleted), that one is linked with the
  // old one as `replaces`; otherwise the old one is linked and the planner completes the change.
  for (const [oktaUserId, email] of adoptable) {
    const current = email ? byEmail.get(emailKey(email)) : undefined;
    for (const login of formerLogins(oktaUserId, email)) {
      const old = byEmail.get(emailKey(login));
      const owner = old ? currentOwner.get(old.id) : undefined;
      if (!old || (owner !== undefined && owner !== oktaUserId)) {
        continue;
      }
      if ((current && current.id !== old.id && linkReplacing(oktaUserId, current, old)) || link(oktaUserId, login, 'adopted')) {
        break;
      }
    }
  }
  const unlinked: Array<[string, RebuildLink['how']]> = [];
  for (const [group, how] of groups) {
    for (const [oktaUserId, email] of group) {
      if (!link(oktaUserId, email, how)) {
        unlinked.push([oktaUserId, how]);
      }
    }
  }
  for (const [oktaUserId, how] of unlinked) {
    for (const login of formerLogins(oktaUserId, null)) {
      if (link(oktaUserId, login, how)) {
        break;
      }
    }
  }
  return { links, oktaUsers: gone.size + inScope.size + pending.size, unknownEmails };
}
