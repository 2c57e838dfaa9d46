import type { AdminUser, OktaAdmin } from '../../simulators/okta';
import type { SeededRandom } from './random';

/**
 * Random changes an Okta admin makes, one per `step`: hires, Title changes, leavers
 * (deactivated or deleted), unassignments and reassignments, email changes, suspensions and
 * their reversal, renames and rehires. It remembers which emails Okta asked to take out of
 * HubSpot (a user leaving scope, or an email replaced), which is what a deletion may target.
 */

export type ChangeKind = 'hire' | 'title' | 'leaver' | 'delete' | 'unassign' | 'reassign' | 'email' | 'suspend' | 'unsuspend' | 'rename' | 'rehire';

const WEIGHTS: ReadonlyArray<[ChangeKind, number]> = [
  ['title', 28],
  ['hire', 14],
  ['leaver', 8],
  ['delete', 2],
  ['unassign', 8],
  ['reassign', 8],
  ['email', 8],
  ['suspend', 7],
  ['unsuspend', 6],
  ['rename', 6],
  ['rehire', 3],
];

/** Titles a change may give: the seed's, a few written loosely, and some that match no role. */
export const CHAOS_TITLES = [
  'Sales Rep',
  'Sales Manager',
  'Marketing Manager',
  'Marketing Viewer',
  'Service Agent',
  'Support Viewer',
  'sales  rep',
  'MARKETING VIEWER',
  'Intern',
  'Engineer',
  'Chief Vibes Officer',
];

export interface OktaChaosOptions {
  admin: OktaAdmin;
  random: SeededRandom;
  /** Email domain of new hires and changed emails. */
  domain: string;
  /** Lower-case emails of Okta users the chaos leaves alone (the hands-off fixtures). */
  untouchable: ReadonlySet<string>;
}

export function createOktaChaos(opts: OktaChaosOptions) {
  const { admin, random } = opts;
  const counts: Record<ChangeKind, number> = { hire: 0, title: 0, leaver: 0, delete: 0, unassign: 0, reassign: 0, email: 0, suspend: 0, unsuspend: 0, rename: 0, rehire: 0 };
  const removable = new Set<string>();
  const story = new Map<string, string[]>();
  let serial = 0;
  let lastHire = '';
  const started = Date.now();
  const totalWeight = WEIGHTS.reduce((n, [, w]) => n + w, 0);

  const emailOf = (u: AdminUser): string => (u.profile.email ?? u.login).toLowerCase();
  const free = (u: AdminUser): boolean => !opts.untouchable.has(emailOf(u));

  function chooseKind(): ChangeKind {
    let r = random.next() * totalWeight;
    for (const [kind, w] of WEIGHTS) {
      r -= w;
      if (r < 0) {
        return kind;
      }
    }
    return 'title';
  }

  function one(users: readonly AdminUser[], test: (u: AdminUser) => boolean): AdminUser | null {
    const fit = users.filter((u) => free(u) && test(u));
    return fit.length === 0 ? null : random.pick(fit);
  }

  const assigned = (u: AdminUser) => u.assignment !== null;
  const active = (u: AdminUser) => u.status === 'ACTIVE';

  /** Okta asks HubSpot to lose this user's current email (it leaves scope now or may later). */
  function leaving(u: AdminUser): void {
    removable.add(emailOf(u));
  }

  /** Remembers what happened to an email, for reports that explain a breach. */
  function tell(u: AdminUser | null, what: string): void {
    if (u) {
      const k = emailOf(u);
      story.set(k, [...(story.get(k) ?? []), `${((Date.now() - started) / 1000).toFixed(1)}s ${what}`]);
    }
  }

  function apply(kind: ChangeKind, users: readonly AdminUser[]): boolean {
    switch (kind) {
      case 'hire': {
        const n = ++serial;
        const email = `hire${String(n).padStart(5, '0')}.${random.int(100, 999)}@${opts.domain}`;
        lastHire = email;
        tell(admin.createUser({ login: email, email, firstName: `Hire${n}`, lastName: 'Soak', title: random.pick(CHAOS_TITLES), assign: true }), 'hired');
        return true;
      }
      case 'title': {
        const u = one(users, (x) => assigned(x));
        return u !== null && (tell(admin.updateProfile(u.id, { title: random.pick(CHAOS_TITLES) }), 'title'), true);
      }
      case 'rename': {
        const u = one(users, (x) => assigned(x));
        return u !== null && (tell(admin.updateProfile(u.id, { lastName: `Renamed${++serial}` }), 'renamed'), true);
      }
      case 'leaver': {
        const u = one(users, (x) => x.status !== 'DEPROVISIONED');
        if (!u) return false;
        leaving(u);
        tell(admin.deactivate(u.id), 'deactivated');
        return true;
      }
      case 'delete': {
        const u = one(users, () => true);
        if (!u) return false;
        leaving(u);
        admin.deleteUser(u.id);
        tell(u, 'deleted');
        return true;
      }
      case 'unassign': {
        const u = one(users, (x) => x.assignment?.scope === 'USER');
        if (!u) return false;
        leaving(u);
        tell(admin.unassign(u.id), 'unassigned');
        return true;
      }
      case 'reassign': {
        const u = one(users, (x) => !assigned(x) && x.status !== 'DEPROVISIONED');
        return u !== null && (tell(admin.assign(u.id), 'assigned'), true);
      }
      case 'email': {
        const u = one(users, (x) => x.status !== 'DEPROVISIONED');
        if (!u) return false;
        leaving(u);
        const local = emailOf(u).split('@')[0]?.replace(/\.m\d+$/, '') ?? 'user';
        const email = `${local}.m${++serial}@${opts.domain}`;
        tell(u, `email changed to ${email}`);
        tell(admin.updateProfile(u.id, { login: email, email }), `email changed from ${emailOf(u)}`);
        return true;
      }
      case 'suspend': {
        const u = one(users, (x) => active(x));
        if (!u) return false;
        leaving(u);
        tell(admin.suspend(u.id), 'suspended');
        return true;
      }
      case 'unsuspend': {
        const u = one(users, (x) => x.status === 'SUSPENDED');
        return u !== null && (tell(admin.unsuspend(u.id), 'unsuspended'), true);
      }
      case 'rehire': {
        const u = one(users, (x) => x.status === 'DEPROVISIONED');
        if (!u) return false;
        admin.activate(u.id);
        tell(admin.assign(u.id), 'rehired');
        return true;
      }
    }
  }

  return {
    /** Makes one random change; returns its kind, or null when none fitted this time. */
    step(): ChangeKind | null {
      const users = admin.listUsers();
      const kind = chooseKind();
      if (!apply(kind, users)) {
        return null;
      }
      counts[kind]++;
      return kind;
    },
    /**
     * Unassigns `n` users at once (an app assignment removed by mistake, a group emptied): active
     * users assigned directly whose email `eligible` accepts (e.g. the ones HubSpot holds now).
     * Returns them, fewer when fewer fit; each counts as an `unassign`.
     */
    massUnassign(n: number, eligible: (email: string) => boolean): Array<{ oktaUserId: string; email: string }> {
      const fit = admin.listUsers().filter((u) => free(u) && active(u) && u.assignment?.scope === 'USER' && eligible(emailOf(u)));
      const chosen: AdminUser[] = [];
      while (chosen.length < n && fit.length > 0) {
        chosen.push(...fit.splice(random.int(0, fit.length - 1), 1));
      }
      for (const u of chosen) {
        leaving(u);
        tell(admin.unassign(u.id), 'unassigned (mass unassignment)');
        counts.unassign++;
      }
      return chosen.map((u) => ({ oktaUserId: u.id, email: emailOf(u) }));
    },
    /** Hires one person (a growth burst calls this many times); returns the new email. */
    hire(): string {
      apply('hire', []);
      counts.hire++;
      return lastHire;
    },
    /** Changes made so far, by kind. */
    counts: (): Readonly<Record<ChangeKind, number>> => ({ ...counts }),
    /** What the changes did to this email's user, oldest first (empty when nothing). */
    story: (email: string): string[] => [...(story.get(email.trim().toLowerCase()) ?? [])],
    /** Lower-case emails Okta asked to remove from HubSpot (a deletion may target these only). */
    removableEmails: (): ReadonlySet<string> => removable,
  };
}

/** The chaos driver's API. */
export type OktaChaos = ReturnType<typeof createOktaChaos>;
