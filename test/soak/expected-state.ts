import type { AdminUser } from '../../simulators/okta';
import type { PublicUserJson, SimWriteRecord } from '../../simulators/hubspot';

/**
 * What HubSpot must hold, computed from the simulated Okta org and the rules on its own, without
 * the planner: the checks of the soak and fuzz tests must not share the code they judge. The
 * rules restated here are the product's rules (docs and DESIGN.md), for the rules files the
 * soak and fuzz tests use: default statuses, roles by Title (exact, then loose when unique), no
 * seats budget, the protected list, hands off super admins and unmanaged users.
 */

/** Okta statuses that put an assigned user in scope under the default rules. */
export const IN_SCOPE_STATUSES: ReadonlySet<string> = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'RECOVERY']);

/** One HubSpot user the daemon must have made for one Okta user. */
export interface ExpectedUser {
  oktaUserId: string;
  email: string;
  /** null: Okta has none, so whatever HubSpot holds is fine. */
  firstName: string | null;
  lastName: string | null;
  roleId: string | null;
}

/** A HubSpot role as the simulator lists it. */
export interface RoleRef {
  id: string;
  name: string;
}

const key = (email: string): string => email.trim().toLowerCase();
const loose = (s: string): string => s.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase();

/** The role a Title names: the role with exactly that name, else the only one equal ignoring case and spacing. */
export function roleIdForTitle(title: string | null | undefined, roles: readonly RoleRef[]): string | null {
  const t = (title ?? '').trim();
  if (t === '') {
    return null;
  }
  const exact = roles.filter((r) => r.name.trim() === t);
  if (exact.length === 1) {
    return exact[0]?.id ?? null;
  }
  if (exact.length > 1) {
    return null;
  }
  const similar = roles.filter((r) => loose(r.name) === loose(t));
  return similar.length === 1 ? (similar[0]?.id ?? null) : null;
}

/** Whether a value is an email the daemon may provision (plain ASCII addresses only: what the soak creates). */
export function plainEmail(email: string | null | undefined): email is string {
  return typeof email === 'string' && /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(email.trim());
}

/** Whether a name is one the daemon writes as is (no control, invisible or direction characters, not too long). */
function plainName(value: string | null | undefined, max: number): boolean {
  if (value === null || value === undefined) {
    return true;
  }
  // eslint-disable-next-line no-control-regex -- control characters are what this rejects
  return !/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u.test(value) && [...value.trim()].length <= max;
}

/**
 * The HubSpot users Okta calls for, by lower-case email: every assigned user in an in-scope
 * status with a plain email that no other in-scope user shares, whose email is not one of
 * `handsOffEmails` (super admins, protected users) and whose names and title are clean.
 */
export function expectedUsers(okta: readonly AdminUser[], roles: readonly RoleRef[], handsOffEmails: ReadonlySet<string>, limits = { name: 100, title: 256 }): Map<string, ExpectedUser> {
  const inScope = okta.filter((u) => u.assignment !== null && IN_SCOPE_STATUSES.has(u.status) && plainEmail(u.profile.email));
  const owners = new Map<string, number>();
  for (const u of inScope) {
    const k = key(u.profile.email ?? '');
    owners.set(k, (owners.get(k) ?? 0) + 1);
  }
  const out = new Map<string, ExpectedUser>();
  for (const u of inScope) {
    const email = (u.profile.email ?? '').trim();
    const k = key(email);
    const { firstName, lastName, title } = u.profile;
    if (owners.get(k) !== 1 || handsOffEmails.has(k) || !plainName(firstName, limits.name) || !plainName(lastName, limits.name) || !plainName(title, limits.title)) {
      continue;
    }
    const trimmed = (v: string | null | undefined) => (v === null || v === undefined || v.trim() === '' ? null : v.trim());
    out.set(k, { oktaUserId: u.id, email, firstName: trimmed(firstName), lastName: trimmed(lastName), roleId: roleIdForTitle(title, roles) });
  }
  return out;
}

/** What HubSpot held and was asked, for {@link compareState}. */
export interface HubSpotFacts {
  users: readonly PublicUserJson[];
  /** Every mutating request the simulated HubSpot received. */
  writes: readonly SimWriteRecord[];
}

/** A HubSpot user the daemon must never write to, as it was before the run. */
export type HandsOffUser = PublicUserJson;

/**
 * Every way HubSpot differs from what it must hold: a missing or wrong managed user, a user that
 * should not be there, an email held twice, a hands-off user changed or written to, a deletion
 * Okta never asked for. Empty when HubSpot is exactly right.
 */
export function compareState(expected: ReadonlyMap<string, ExpectedUser>, facts: HubSpotFacts, handsOff: readonly HandsOffUser[], allowedDeletions: ReadonlySet<string>): string[] {
  const breaches: string[] = [];
  const byEmail = new Map<string, PublicUserJson[]>();
  for (const u of facts.users) {
    const list = byEmail.get(key(u.email)) ?? [];
    list.push(u);
    byEmail.set(key(u.email), list);
  }
  for (const [email, list] of byEmail) {
    if (list.length > 1) {
      breaches.push(`email ${email} exists ${list.length} times in HubSpot (ids ${list.map((u) => u.id).join(', ')})`);
    }
  }
  const handsOffByEmail = new Map(handsOff.map((u) => [key(u.email), u]));
  for (const [email, want] of expected) {
    const got = byEmail.get(email)?.[0];
    if (!got) {
      breaches.push(`missing in HubSpot: ${want.email} (Okta user ${want.oktaUserId})`);
      continue;
    }
    const role = got.roleId ?? got.roleIds[0] ?? null;
    const wrong: string[] = [];
    if (role !== want.roleId) wrong.push(`roleId ${role} (want ${want.roleId})`);
    if (got.roleIds.length > 1) wrong.push(`roleIds ${got.roleIds.join(',')}`);
    if (want.firstName !== null && got.firstName !== want.firstName) wrong.push(`firstName ${JSON.stringify(got.firstName)} (want ${JSON.stringify(want.firstName)})`);
    if (want.lastName !== null && got.lastName !== want.lastName) wrong.push(`lastName ${JSON.stringify(got.lastName)} (want ${JSON.stringify(want.lastName)})`);
    if (got.superAdmin) wrong.push('superAdmin');
    if (wrong.length > 0) {
      breaches.push(`wrong in HubSpot: ${want.email} (Okta user ${want.oktaUserId}): ${wrong.join('; ')}`);
    }
  }
  for (const [email, list] of byEmail) {
    if (!expected.has(email) && !handsOffByEmail.has(email)) {
      breaches.push(`in HubSpot but not called for by Okta: ${list.map((u) => `${u.email} (${u.id})`).join(', ')}`);
    }
  }
  for (const before of handsOff) {
    const now = facts.users.find((u) => u.id === before.id);
    if (!now) {
      breaches.push(`hands-off user ${before.email} (${before.id}) was deleted`);
    } else if (JSON.stringify(now) !== JSON.stringify(before)) {
      breaches.push(`hands-off user ${before.email} (${before.id}) changed: ${JSON.stringify(before)} → ${JSON.stringify(now)}`);
    }
    const touched = facts.writes.filter((w) => w.userId === before.id || (w.email !== null && key(w.email) === key(before.email)));
    if (touched.length > 0) {
      breaches.push(`hands-off user ${before.email} (${before.id}) was written to: ${touched.map((w) => `${w.method} ${w.route} → ${w.status}`).join(', ')}`);
    }
  }
  for (const w of facts.writes) {
    if (w.method === 'DELETE' && w.status < 300 && (w.email === null || !allowedDeletions.has(key(w.email)))) {
      breaches.push(`deleted ${w.email ?? `user ${w.userId}`} in HubSpot, which Okta never asked for`);
    }
  }
  return breaches;
}
