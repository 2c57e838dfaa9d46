import { randomUUID } from 'node:crypto';
import { DelayedError, type Job } from 'bullmq';
import type { HubSpotClientApi } from '../hubspot/hubspot-types';
import { errorMessage, OutageError, RateLimitedError, SyncError, TransientError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { OktaClientApi } from '../okta/okta-types';
import { accountAuditEntry } from '../state/audit-log';
import type { State } from '../state/state';
import { emailKey } from '../sync/email-policy';
import { planLedgerRebuild, type LedgerRebuildFacts, type LedgerRebuildPlan } from '../sync/ledger-rebuild';
import type { Rules } from '../../config/rules-schema';
import type { HubSpotUser, OktaCandidate, Plan } from '../sync/types';

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
 * Reads what a rebuild decides from ({@link LedgerRebuildFacts}): the current assignments, the
 * app's assignment history and profile changes in the System Log (`historyDays` up to `until`),
 * the emails Okta has now for users only in that history, every HubSpot user and what is left of
 * the ledger.
 */
export async function collectRebuildFacts(
  deps: { okta: OktaClientApi; hubspot: HubSpotClientApi; state: State; appId: string },
  window: { since: Date; until: Date },
): Promise<LedgerRebuildFacts> {
  const assigned: Array<Pick<OktaCandidate, 'oktaUserId' | 'email' | 'assigned' | 'status'>> = [];
  for await (const page of deps.okta.listAssignedUsers()) {
    for (const c of page) {
      assigned.push({ oktaUserId: c.oktaUserId, email: c.email, assigned: c.assigned, status: c.status });
    }
  }
  const history: Array<LedgerRebuildFacts['history'][number]> = [];
  for await (const events of deps.okta.readLogHistory(window.since.toISOString(), window.until.toISOString(), ASSIGNMENT_HISTORY_FILTER)) {
    for (const e of events) {
      const membership = e.eventType.startsWith('application.user_membership') && e.appIds.includes(deps.appId);
      if (!membership && e.eventType !== 'user.account.update_profile') {
        continue;
      }
      for (const id of e.userIds) {
        history.push({ oktaUserId: id, login: e.targets?.find((t) => t.type === 'User' && t.id === id)?.alternateId ?? null, membership });
      }
    }
  }
  const assignedIds = new Set(assigned.map((c) => c.oktaUserId));
  const formerEmails = new Map<string, string | null>();
  for (const { oktaUserId, membership } of history) {
    if (membership && !assignedIds.has(oktaUserId) && !formerEmails.has(oktaUserId)) {
      formerEmails.set(oktaUserId, (await deps.okta.getCandidate(oktaUserId))?.email ?? null);
    }
  }
  const hubspotUsers: HubSpotUser[] = [];
  for await (const page of deps.hubspot.listUsers()) {
    hubspotUsers.push(...page);
  }
  const ledger = (await deps.state.ledger.all()).map((e) => ({ oktaUserId: e.oktaUserId, hubspotUserId: e.hubspotUserId }));
  return { assigned, history, formerEmails, hubspotUsers, ledger };
}

/**
 * Writes a rebuild's links. A side a per-user job linked since the facts were read (they may run
 * while the ledger is pending) is left as that job linked it.
 */
async function writeRebuildLinks(state: State, plan: LedgerRebuildPlan, at: string): Promise<{ rebuilt: number; adopted: number }> {
  const counts = { rebuilt: 0, adopted: 0 };
  for (const l of plan.links) {
    if ((await state.ledger.get(l.oktaUserId)) || (await state.ledger.getByHubSpotId(l.hubspotUserId)) || (l.replaces && (await state.ledger.getByHubSpotId(l.replaces.hubspotUserId)))) {
      continue;
    }
    await state.ledger.upsert({ hubspotUserId: l.hubspotUserId, oktaUserId: l.oktaUserId, email: l.email, how: l.how, managedSince: at, lastApplied: null, ...(l.replaces ? { replaces: l.replaces } : {}) });
    counts[l.how]++;
  }
  return counts;
}

/**
 * Guards every deletion decision: when the ledger's sentinel is missing (first start, or Redis
 * came back empty) the ledger is rebuilt before anything else runs: the facts are read
 * ({@link collectRebuildFacts}), the links decided by the pure {@link planLedgerRebuild} and
 * written. So users who left scope while the ledger was gone are still deleted, users in scope
 * are adopted as the planner would adopt them, and HubSpot users the daemon never managed stay
 * untouched.
 */
export function createLedgerGate(deps: {
  okta: OktaClientApi;
  hubspot: HubSpotClientApi;
  state: State;
  appId: string;
  historyDays: number;
  /** Which assigned users are in scope, and the email policy that keeps an in-scope user from being adopted. */
  rules: Pick<Rules, 'scope' | 'emailDomains' | 'protected'>;
  logger: Logger;
  now?: () => Date;
  /** The caller knows this prefix was never used (the demo's fresh one): the first missing sentinel is worded as a first start. */
  firstStart?: boolean;
}) {
  const log = deps.logger.child({ component: 'ledger-rebuild' });
  let firstStart = deps.firstStart === true;
  const now = () => (deps.now ? deps.now() : new Date());
  let lastFailure: { at: number; message: string } | null = null;

  async function rebuild(): Promise<RebuildResult> {
    const until = now();
    const since = new Date(until.getTime() - deps.historyDays * DAY_MS);
    const facts = await collectRebuildFacts(deps, { since, until });
    const plan = planLedgerRebuild(facts, deps.rules);
    const counts = await writeRebuildLinks(deps.state, plan, until.toISOString());
    return { oktaUsers: plan.oktaUsers, recovered: counts.rebuilt, adopted: counts.adopted, unknownEmails: plan.unknownEmails };
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
      if (firstStart) {
        log.info('first start: building the ledger from Okta and HubSpot before any deletion is decided');
      } else {
        log.warn('the ledger sentinel is missing (first start, or Redis lost its data): rebuilding the ledger before any deletion is decided');
      }
      firstStart = false;
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
      await deps.state.audit.append(
        accountAuditEntry(
          'rebuild',
          'applied',
          `ledger rebuilt from ${deps.historyDays} days of System Log: ${result.oktaUsers} Okta users ever assigned, ${result.recovered} HubSpot users linked by email, ${result.adopted} in scope adopted by email, ${result.unknownEmails} without a readable email`,
        ),
      );
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
    const current = new Set(links.flatMap((a) => (a.email ? [emailKey(a.email)] : [])));
    const former = new Set<string>();
    const filter = `(${ASSIGNMENT_HISTORY_FILTER}) and target.id eq "${oktaUserId}"`;
    for await (const events of deps.okta.readLogHistory(since.toISOString(), until.toISOString(), filter)) {
      for (const e of events) {
        const alternateId = e.targets?.find((t) => t.type === 'User' && t.id === oktaUserId)?.alternateId;
        const login = alternateId ? emailKey(alternateId) : undefined;
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
