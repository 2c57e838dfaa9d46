import { randomUUID } from 'node:crypto';
import { DelayedError, type Job } from 'bullmq';
import type { HubSpotClientApi } from '../src/hubspot/hubspot-types';
import { errorMessage, OutageError, RateLimitedError, SyncError, TransientError } from '../src/lib/errors';
import type { Logger } from '../src/lib/logger';
import type { OktaClientApi } from '../src/okta/okta-types';
import type { State } from '../src/state/state';
import { scopeOf } from '../src/sync/scope';
import type { Rules } from '../config/rules-schema';
import type { HubSpotUser, Plan } from '../src/sync/types';

/**
 * System Log filter for the rebuild: the app's assignment history, and profile changes (their
 * events name the login a user had after each change, so an email replaced since is known).
 */
export const ASSIGNMENT_HISTORY_FILTER = 'eventType sw "application.user_membership" or eventType eq "user.account.update_profile"';

const DAY_MS = 86_400_000;
/** The rebuild lock's lifetime, renewed while the rebuild runs: a killed rebuilder blocks the others no longer. */
const REBUILD_LOCK_MS = 15_000;
const REBUILD_LOCK_RENEW_MS = 5_000;
const REBUILDING = 'LEDGER_REBUILDING';
/** After a failed rebuild, per-user jobs go on without trying it again for this long (one process). */
const REBUILD_RETRY_MS = 15_000;

/** Whether the ledger is known to be complete, or a rebuild is under way or failing. */
export type LedgerState = 'complete' | 'pending';

/**
 * What a per-user job may carry out before the ledger is complete: creates, updates and adoptions
 * only, and no deletion at all (nor a held one): whether a user is managed, and so may be
 * deleted, is the rebuilt ledger's to say.
 */
export function writesWhileLedgerPending(plan: Pick<Plan, 'actions' | 'held'>): boolean {
  const writes = plan.actions.some((a) => a.kind === 'create' || a.kind === 'update' || a.kind === 'adopt');
  return writes && !plan.actions.some((a) => a.kind === 'delete') && (plan.held?.actions.length ?? 0) === 0;
}

/** What a rebuild found. */
export interface RebuildResult {
  /** Okta users ever assigned in the history window (or assigned now). */
  oktaUsers: number;
  /** Ledger entries recovered by email match, for users out of scope now. */
  recovered: number;
  /** HubSpot users linked (how: adopted) to Okta users in scope now, as the planner would adopt them. */
  adopted: number;
  /** Okta users whose email could not be read (deleted in Okta): not matched. */
  unknownEmails: number;
}

/**
 * Guards every deletion decision: when the ledger's sentinel is missing (first start, or Redis
 * came back empty) the ledger is rebuilt before anything else runs. The rebuild reads the app's
 * assignment history from the System Log (`historyDays`) and the current assignments, reads
 * those users' emails (for a user deleted in Okta since, the login the event named), and links
 * every HubSpot user with one of those emails (how: rebuilt). Users assigned and in scope now are
 * linked to the HubSpot user with their email too (how: adopted), as the planner would adopt them,
 * so one who leaves scope before the next reconciliation is still deleted; an email shared by
 * several of them, a super admin, a protected email or a domain the rules do not allow is left to
 * the planner. A user whose email changed is found by the logins its assignment and profile
 * events named (for one in scope, such an old user is preferred while it still exists, so an
 * email change the data loss interrupted is completed by the planner). So users who left
 * scope while the ledger was gone are still deleted, and HubSpot users the daemon never managed
 * stay untouched.
 */
export function createLedgerGate(deps: {
  okta: OktaClientApi;
  hubspot: HubSpotClientApi;
  state: State;
  appId: string;
  historyDays: number;
  /** rules.scope.statuses: which assigned users are in scope. */
  statuses: Rules['scope']['statuses'];
  /** The rules that keep an in-scope user from being adopted (default: none). */
  rules?: Pick<Rules, 'emailDomains' | 'protected'>;
  logger: Logger;
  now?: () => Date;
}) {
  const log = deps.logger.child({ component: 'ledger-rebuild' });
  const now = () => (deps.now ? deps.now() : new Date());
  let lastFailure: { at: number; message: string } | null = null;

  async function rebuild(): Promise<RebuildResult> {
    const until = now();
    const since = new Date(until.getTime() - deps.historyDays * DAY_MS);
    // Okta user id → email of the users to link (how: rebuilt): out of scope now, or in the history only.
    const emails = new Map<string, string | null>();
    // Okta user id → email of the users in scope now (how: adopted); pending ones are left alone.
    const inScope = new Map<string, string | null>();
    const pending = new Set<string>();
    for await (const page of deps.okta.listAssignedUsers()) {
      for (const c of page) {
        const scope = scopeOf(c, deps.statuses).scope;
        if (scope === 'out' || scope === 'strip') {
          emails.set(c.oktaUserId, c.email);
        } else if (scope === 'in') {
          inScope.set(c.oktaUserId, c.email);
        } else {
          pending.add(c.oktaUserId);
        }
      }
    }
    const key = (email: string) => email.trim().toLowerCase();
    // Okta user id → the login the event named (the only trace of a user deleted in Okta since).
    const history = new Map<string, string | null>();
    // Okta user id → every login its assignment and profile events named, oldest first.
    const logins = new Map<string, string[]>();
    const remember = (id: string, login: string | null) => {
      if (login && login.includes('@')) {
        const seen = logins.get(id) ?? [];
        if (!seen.some((l) => key(l) === key(login))) seen.push(login);
        logins.set(id, seen);
      }
    };
    for await (const events of deps.okta.readLogHistory(since.toISOString(), until.toISOString(), ASSIGNMENT_HISTORY_FILTER)) {
      for (const e of events) {
        const membership = e.eventType.startsWith('application.user_membership') && e.appIds.includes(deps.appId);
        if (!membership && e.eventType !== 'user.account.update_profile') {
          continue;
        }
        for (const id of e.userIds) {
          const login = e.targets?.find((t) => t.type === 'User' && t.id === id)?.alternateId ?? null;
          remember(id, login);
          if (membership) {
            history.set(id, login ?? history.get(id) ?? null);
          }
        }
      }
    }
    let unknownEmails = 0;
    for (const [id, login] of history) {
      if (!emails.has(id) && !inScope.has(id) && !pending.has(id)) {
        const c = await deps.okta.getCandidate(id);
        const email = c?.email ?? (login && login.includes('@') ? login : null);
        emails.set(id, email);
        if (!email) {
          unknownEmails++;
        }
      }
    }
    const byEmail = new Map<string, HubSpotUser>();
    for await (const page of deps.hubspot.listUsers()) {
      for (const u of page) {
        byEmail.set(u.email.trim().toLowerCase(), u);
      }
    }
    const protectedEmails = new Set((deps.rules?.protected ?? []).map(key));
    const domains = new Set((deps.rules?.emailDomains ?? []).map((d) => d.trim().toLowerCase()));
    const domainAllowed = (email: string) => domains.size === 0 || domains.has(email.slice(email.lastIndexOf('@') + 1).toLowerCase());
    const owners = new Map<string, number>();
    for (const email of inScope.values()) {
      if (email) owners.set(key(email), (owners.get(key(email)) ?? 0) + 1);
    }
    const adoptable = new Map([...inScope].filter(([, email]) => email !== null && owners.get(key(email)) === 1 && !protectedEmails.has(key(email)) && domainAllowed(email.trim())));
    const at = until.toISOString();
    const counts = { rebuilt: 0, adopted: 0 };
    /** Links the HubSpot user with this email unless it is a super admin or either side is linked already. */
    const link = async (oktaUserId: string, email: string | null | undefined, how: 'rebuilt' | 'adopted'): Promise<boolean> => {
      const hs = email ? byEmail.get(key(email)) : undefined;
      if (!hs || hs.superAdmin || (how === 'adopted' && protectedEmails.has(key(hs.email))) || (await deps.state.ledger.get(oktaUserId)) || (await deps.state.ledger.getByHubSpotId(hs.id))) {
        return false;
      }
      await deps.state.ledger.upsert({ hubspotUserId: hs.id, oktaUserId, email: hs.email, how, managedSince: at, lastApplied: null });
      counts[how]++;
      return true;
    };
    const groups = [
      [emails, 'rebuilt'],
      [adoptable, 'adopted'],
    ] as const;
    /** Logins the user had before the current email, newest first. */
    const formerLogins = (oktaUserId: string, current: string | null): string[] =>
      [...(logins.get(oktaUserId) ?? [])].reverse().filter((l) => current === null || key(l) !== key(current));
    // Whose current email each HubSpot user has: an email's current owner wins over a user who once had it.
    const currentOwner = new Map<string, string>();
    for (const [group] of groups) {
      for (const [oktaUserId, email] of group) {
        const hs = email ? byEmail.get(key(email)) : undefined;
        if (hs && !currentOwner.has(hs.id)) currentOwner.set(hs.id, oktaUserId);
      }
    }
    // An in-scope user whose email changed, and whose HubSpot user still has an earlier one (the
    // change was not carried out before the data was lost), is linked to that old user: the
    // planner then replaces it or reports it, as the email-change policy says.
    for (const [oktaUserId, email] of adoptable) {
      for (const login of formerLogins(oktaUserId, email)) {
        const old = byEmail.get(key(login));
        const owner = old ? currentOwner.get(old.id) : undefined;
        if (old && (owner === undefined || owner === oktaUserId) && (await link(oktaUserId, login, 'adopted'))) {
          break;
        }
      }
    }
    const unlinked: Array<[string, 'rebuilt' | 'adopted']> = [];
    for (const [group, how] of groups) {
      for (const [oktaUserId, email] of group) {
        if (!(await link(oktaUserId, email, how))) {
          unlinked.push([oktaUserId, how]);
        }
      }
    }
    for (const [oktaUserId, how] of unlinked) {
      for (const login of formerLogins(oktaUserId, null)) {
        if (await link(oktaUserId, login, how)) {
          break;
        }
      }
    }
    return { oktaUsers: emails.size + inScope.size + pending.size, recovered: counts.rebuilt, adopted: counts.adopted, unknownEmails };
  }

  /**
   * Returns once the ledger can be trusted. One replica rebuilds (under a lock); the others get a
   * TransientError so their job is retried after the rebuild.
   */
  async function ensureReady(): Promise<void> {
    if (await deps.state.ledger.epoch()) {
      return;
    }
    const lock = await deps.state.locks.tryAcquire('ledger-rebuild', REBUILD_LOCK_MS);
    if (!lock) {
      throw new TransientError('the ledger is being rebuilt after Redis came back empty; trying again shortly', { code: REBUILDING, retryAfterMs: 2000 });
    }
    const renew = setInterval(() => {
      lock.extend(REBUILD_LOCK_MS).catch((err: unknown) => log.warn('could not renew the ledger rebuild lock', { error: errorMessage(err) }));
    }, REBUILD_LOCK_RENEW_MS);
    try {
      if (await deps.state.ledger.epoch()) {
        return;
      }
      log.warn('the ledger sentinel is missing (first start, or Redis lost its data): rebuilding the ledger before any deletion is decided');
      const result = await rebuild();
      if (result.recovered > 0) {
        // Holds lived in the Redis that lost its data: the deletions of the users linked back are
        // held for an operator, never judged afresh against figures that may have moved.
        await deps.state.approvals.setHoldAll(
          `the ledger was rebuilt at ${now().toISOString()} (first start, or Redis lost its data) and linked ${result.recovered} users who are out of scope: a hold on their deletion may have been lost, so every deletion waits for an operator until a reconciliation finds nothing to delete`,
        );
      }
      await deps.state.ledger.markComplete({ id: randomUUID(), since: now().toISOString(), how: 'rebuilt' });
      await deps.state.status.set({ ledgerRebuiltAt: now().toISOString(), ledgerRebuiltUsers: result.recovered });
      await deps.state.audit.append({
        action: 'rebuild',
        email: null,
        oktaUserId: null,
        hubspotUserId: null,
        before: null,
        after: null,
        jobId: null,
        outcome: 'applied',
        reason: `ledger rebuilt from ${deps.historyDays} days of System Log: ${result.oktaUsers} Okta users ever assigned, ${result.recovered} HubSpot users linked by email, ${result.adopted} in scope adopted by email, ${result.unknownEmails} without a readable email`,
      });
      log.info('ledger rebuilt', { ...result });
    } finally {
      clearInterval(renew);
      await lock.release();
    }
  }

  /**
   * For a per-user job: `complete`, or `pending` while another worker rebuilds the ledger or the
   * rebuild fails (tried again at most every REBUILD_RETRY_MS by this process), so creates and
   * updates never wait behind a rebuild that keeps failing. An outage or a rate limit is thrown:
   * the job would meet it anyway, and the breaker or the rate limit pauses it.
   */
  async function stateForJob(): Promise<LedgerState> {
    if (await deps.state.ledger.epoch()) {
      return 'complete';
    }
    if (lastFailure && Date.now() - lastFailure.at < REBUILD_RETRY_MS) {
      return 'pending';
    }
    try {
      await ensureReady();
      lastFailure = null;
      return 'complete';
    } catch (err) {
      if (err instanceof OutageError || err instanceof RateLimitedError) {
        throw err;
      }
      if (!(err instanceof SyncError && err.code === REBUILDING)) {
        if (lastFailure === null) {
          log.warn('the ledger rebuild failed; per-user creates and updates go on, deletions wait for it', { error: errorMessage(err) });
        }
        lastFailure = { at: Date.now(), message: errorMessage(err) };
      }
      return 'pending';
    }
  }

  /**
   * Whether a per-user job may carry out `plan` while the ledger is pending: it only creates,
   * updates or adopts (see {@link writesWhileLedgerPending}), and a create or adoption is for a
   * user none of whose earlier logins (the System Log's assignment and profile events of the
   * history window) names a HubSpot user. Such a user is linked to that old HubSpot user by the
   * rebuild, so a new one made now would be a duplicate and leave the old one unmanaged.
   */
  async function mayApplyWhilePending(oktaUserId: string, plan: Pick<Plan, 'actions' | 'held'>): Promise<boolean> {
    if (!writesWhileLedgerPending(plan)) {
      return false;
    }
    const links = plan.actions.filter((a) => a.kind === 'create' || a.kind === 'adopt');
    if (links.length === 0) {
      return true;
    }
    if (!/^[A-Za-z0-9]+$/.test(oktaUserId)) {
      return false;
    }
    const until = now();
    const since = new Date(until.getTime() - deps.historyDays * DAY_MS);
    const current = new Set(links.map((a) => a.email?.trim().toLowerCase()).filter((e): e is string => e !== undefined));
    const former = new Set<string>();
    const filter = `(${ASSIGNMENT_HISTORY_FILTER}) and target.id eq "${oktaUserId}"`;
    for await (const events of deps.okta.readLogHistory(since.toISOString(), until.toISOString(), filter)) {
      for (const e of events) {
        const login = e.targets?.find((t) => t.type === 'User' && t.id === oktaUserId)?.alternateId?.trim().toLowerCase();
        if (login && login.includes('@') && !current.has(login)) {
          former.add(login);
        }
      }
    }
    for (const login of former) {
      if (await deps.hubspot.getUserByEmail(login)) {
        return false;
      }
    }
    return true;
  }

  return { ensureReady, rebuild, stateForJob, mayApplyWhilePending };
}

/** The ledger gate's API. */
export type LedgerGate = ReturnType<typeof createLedgerGate>;

/**
 * `gate.ensureReady()` for a job: while another worker rebuilds the ledger, the job is put back
 * for a moment (BullMQ's DelayedError) instead of failing an attempt, so jobs neither run out of
 * attempts nor wait out a long backoff behind a rebuild.
 */
export async function ensureLedgerForJob(gate: Pick<LedgerGate, 'ensureReady'>, job: Pick<Job, 'moveToDelayed'>, token: string | undefined): Promise<void> {
  try {
    await gate.ensureReady();
  } catch (err) {
    if (err instanceof SyncError && err.code === REBUILDING && token !== undefined) {
      await job.moveToDelayed(Date.now() + (err.retryAfterMs ?? 2000), token);
      throw new DelayedError();
    }
    throw err;
  }
}
