import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Rules } from '../config/rules-schema';
import type { DaemonSettings } from '../config/daemon-schema';
import type { HubSpotClientApi } from '../src/hubspot/hubspot-types';
import { errorMessage, SyncError } from '../src/lib/errors';
import type { Logger } from '../src/lib/logger';
import type { OktaClientApi } from '../src/okta/okta-types';
import { failedForGood, withJobErrors } from '../src/queue/job-errors';
import type { OutageBreaker } from '../src/queue/outage-breaker';
import type { SyncUserData, SyncUserResult } from '../src/queue/queue-map';
import type { TypedQueue } from '../src/queue/queues';
import type { HeldLock } from '../src/state/lock';
import type { CandidateReadOptions } from '../src/okta/okta-types';
import type { State } from '../src/state/state';
import type { HubSpotRole, HubSpotSeat, HubSpotUser, LedgerEntry, Plan, PlanInput } from '../src/sync/types';
import { keepHolds } from '../src/state/approval-decision';
import { createActionApplier, type ApplyReport } from '../src/apply/action-applier';
import type { LedgerGate } from './ledger-rebuild';

/** The pure planner (`planSync`), passed in so the worker stays a function of its inputs. */
export type Planner = (input: PlanInput) => Plan;

/**
 * BullMQ's lock on a running sync-user job (renewed every half of it while the process lives),
 * and how often workers look for jobs whose lock expired: a killed process's jobs run again
 * within about `JOB_LOCK_MS + STALLED_CHECK_MS`.
 */
const JOB_LOCK_MS = 8_000;
const STALLED_CHECK_MS = 3_000;
/**
 * How long one user's lock lives: BullMQ's job lock, renewed as often, so by the time a killed
 * worker's job is handed back as stalled, its user is free again.
 */
const USER_LOCK_MS = JOB_LOCK_MS;
const USER_LOCK_RENEW_MS = JOB_LOCK_MS / 2;
/** A job that waits for the ledger rebuild looks again after 5 s, 10 s, … up to a minute (no attempt is used). */
const LEDGER_PENDING_RETRY_MS = 5_000;
const LEDGER_PENDING_MAX_WAIT_MS = 60_000;
/** Roles change rarely; reading them once a minute saves a request per job. */
const ROLES_TTL_MS = 60_000;

/** Everything one sync-user job needs. */
export interface SyncUserDeps {
  okta: OktaClientApi;
  hubspot: HubSpotClientApi;
  state: State;
  rules: Rules;
  plan: Planner;
  ledgerGate: LedgerGate;
  logger: Logger;
  now?: () => Date;
}

/**
 * One user, made right: reads the user's current Okta state and the matching HubSpot users (by
 * ledger link and by email) right before writing, plans with the pure planner in `users` mode,
 * carries the actions out and records them. Runs at most once at a time per user across every
 * worker and replica (a per-user lock; a busy user's job is delayed, not failed).
 */
export function createSyncUserProcessor(deps: SyncUserDeps) {
  const applier = createActionApplier({ hubspot: deps.hubspot, state: deps.state, rules: deps.rules, ...(deps.now ? { now: deps.now } : {}) });
  /**
   * Used only while the ledger is pending, for plans `mayApplyWhilePending` allowed: it links the
   * user into the incomplete ledger, as the rebuild would, instead of refusing (which guards jobs
   * that straddle a data loss without knowing it).
   */
  const pendingLedgerApplier = createActionApplier({
    hubspot: deps.hubspot,
    state: { ...deps.state, ledger: { ...deps.state.ledger, upsert: (entry) => deps.state.ledger.upsert(entry) } },
    rules: deps.rules,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const now = () => (deps.now ? deps.now() : new Date());
  const budget = deps.rules.seats.budget;
  const seatBudgeted = Object.keys(budget).length > 0;
  /** The action gives a seat that is counted (a budgeted role or seat, or any named seat): such writes are decided one user at a time. */
  const takesCountedSeat = (a: Plan['actions'][number]): boolean =>
    (a.kind === 'create' || a.kind === 'update' || a.kind === 'adopt') &&
    a.desired !== undefined &&
    ((a.desired.roleName !== null && Object.hasOwn(budget, a.desired.roleName)) ||
      a.desired.seatNames.some((seat) => deps.rules.seats.mode === 'named' || Object.hasOwn(budget, seat)));
  let roles: { at: number; value: HubSpotRole[] } | null = null;
  let seats: { at: number; value: HubSpotSeat[] | null } | null = null;

  async function currentRoles(): Promise<HubSpotRole[]> {
    if (!roles || Date.now() - roles.at > ROLES_TTL_MS) {
      roles = { at: Date.now(), value: await deps.hubspot.listRoles() };
    }
    return roles.value;
  }

  async function currentSeats(): Promise<HubSpotSeat[] | null> {
    // Named seats are counted against a budget: read them fresh. Role mode only needs the catalog.
    if (deps.rules.seats.mode === 'named' || !seats || Date.now() - seats.at > ROLES_TTL_MS) {
      seats = { at: Date.now(), value: await deps.hubspot.listSeats() };
    }
    return seats.value;
  }

  /**
   * Reads both sides for one user and plans. Exposed for `sync-user --dry-run` style callers.
   * `lookup: 'auto'` (the default) asks HubSpot by email only where the answer can change the
   * plan: not for the email of the linked user, and not for a user the ledger does not know
   * unless the caller knows the email is in HubSpot (`emailInHubSpot`). Such a plan is
   * `optimistic`: its create may meet a 409, and the caller then plans again with `'always'`.
   */
  async function planUser(
    oktaUserId: string,
    opts: { countRecentDeletions: boolean; lookup?: 'auto' | 'always'; emailInHubSpot?: boolean; knownAssignment?: CandidateReadOptions['knownAssignment'] },
  ): Promise<{ plan: Plan; entry: LedgerEntry | null; optimistic: boolean }> {
    const candidate = await deps.okta.getCandidate(oktaUserId, opts.knownAssignment ? { knownAssignment: opts.knownAssignment } : {});
    const entry = await deps.state.ledger.get(oktaUserId);
    const hubspotUsers = new Map<string, HubSpotUser>();
    let linked: HubSpotUser | null = null;
    if (entry) {
      linked = await deps.hubspot.getUser(entry.hubspotUserId);
      if (linked) {
        hubspotUsers.set(linked.id, linked);
      }
    }
    const always = opts.lookup === 'always';
    const optimistic = !always && !entry && opts.emailInHubSpot !== true;
    const emails = new Set([candidate?.email, entry?.email].filter((e): e is string => typeof e === 'string' && e.trim() !== '').map((e) => e.trim().toLowerCase()));
    if (!always && linked) {
      // HubSpot emails are unique: the linked user is the only one with its email.
      emails.delete(linked.email.trim().toLowerCase());
    }
    for (const email of optimistic ? [] : emails) {
      const u = await deps.hubspot.getUserByEmail(email);
      if (u) {
        hubspotUsers.set(u.id, u);
      }
    }
    const ledger = new Map<string, LedgerEntry>();
    if (entry) {
      ledger.set(entry.oktaUserId, entry);
    }
    for (const u of hubspotUsers.values()) {
      const owner = await deps.state.ledger.getByHubSpotId(u.id);
      if (owner) {
        ledger.set(owner.oktaUserId, owner);
      }
    }
    const [roleList, seatList, managedCount, figures, approvedDeletions, holds] = await Promise.all([
      currentRoles(),
      currentSeats(),
      deps.state.ledger.count(),
      opts.countRecentDeletions ? deps.state.deletions.figures(now().getTime(), oktaUserId) : Promise.resolve({ made: 0, expected: 0 }),
      deps.state.approvals.approvedDeletions(),
      deps.state.approvals.guardHolds(),
    ]);
    // Seat budgets need the ledger-wide counts to give a seat in users mode (a full scan, so only
    // when the rules set a budget).
    const ledgerSeatCounts = seatBudgeted ? await deps.state.ledger.seatCounts() : undefined;
    const plan = deps.plan({
      mode: 'users',
      ...(ledgerSeatCounts ? { ledgerSeatCounts } : {}),
      oktaUserIds: [oktaUserId],
      candidates: candidate && candidate.oktaUserId === oktaUserId ? [candidate] : [],
      hubspotUsers: [...hubspotUsers.values()],
      roles: roleList,
      seats: seatList,
      ledger: [...ledger.values()],
      managedCount,
      rules: deps.rules,
      now: now().toISOString(),
      recentDeletions: figures.made,
      expectedDeletions: figures.expected,
      approvedDeletions,
      holds,
    });
    return { plan, entry, optimistic };
  }

  /**
   * The assignment a reconciliation's listing saw, when it can be trusted: no System Log event
   * has named the user since the listing. Okta's apps endpoint (one request per user) has its
   * tightest rate limit, so a large reconciliation would otherwise crawl at Okta's pace.
   */
  async function listedAssignment(data: SyncUserData): Promise<CandidateReadOptions['knownAssignment'] | undefined> {
    if (data.trigger !== 'reconcile' || !data.assignment) {
      return undefined;
    }
    const lastEvent = await deps.state.userEvents.last(data.oktaUserId);
    if (lastEvent !== null && lastEvent >= data.assignment.listedAt) {
      return undefined;
    }
    return { assignedVia: data.assignment.via, assignedAt: data.assignment.at };
  }

  async function process(job: Job<SyncUserData>, token?: string): Promise<SyncUserResult> {
    const { oktaUserId, trigger } = job.data;
    const log = deps.logger.child({ jobId: job.id, oktaUserId });
    const lock = await deps.state.locks.tryAcquire(`user-${oktaUserId}`, USER_LOCK_MS);
    if (!lock) {
      log.debug('another job is syncing this user; trying again shortly');
      await job.moveToDelayed(Date.now() + 500 + Math.floor(Math.random() * 1000), token);
      throw new DelayedError();
    }
    const locksHeld: HeldLock[] = [lock];
    const renew = setInterval(() => {
      for (const l of locksHeld) {
        l.extend(USER_LOCK_MS).catch((err: unknown) => log.warn('could not renew a user lock', { error: errorMessage(err) }));
      }
    }, USER_LOCK_RENEW_MS);
    try {
      // Creates and updates never wait behind a ledger rebuild that runs or keeps failing; only
      // deletions (and users with an earlier HubSpot account) wait for a complete ledger.
      const ledger = await deps.ledgerGate.stateForJob();
      // Event-driven (and manual) deletions count towards the rolling hour; reconciliations were
      // judged as a whole by their own plan.
      const eventDriven = trigger !== 'reconcile';
      const knownAssignment = await listedAssignment(job.data);
      const planOpts = {
        countRecentDeletions: eventDriven,
        ...(job.data.emailInHubSpot !== undefined ? { emailInHubSpot: job.data.emailInHubSpot } : {}),
        ...(knownAssignment ? { knownAssignment } : {}),
        // A pending ledger cannot say whether the email is in HubSpot: ask.
        ...(ledger === 'pending' ? { lookup: 'always' as const } : {}),
      };
      let { plan, entry, optimistic } = await planUser(oktaUserId, planOpts);
      if (ledger === 'pending' && !(await deps.ledgerGate.mayApplyWhilePending(oktaUserId, plan))) {
        log.debug('waiting for the ledger rebuild before deciding this user');
        await job.moveToDelayed(Date.now() + Math.min(LEDGER_PENDING_MAX_WAIT_MS, LEDGER_PENDING_RETRY_MS * Math.max(1, job.attemptsStarted)), token);
        throw new DelayedError();
      }
      const actionApplier = ledger === 'pending' ? pendingLedgerApplier : applier;
      let guardLock: HeldLock | null = null;
      // Deletions (and holds) are decided one at a time too: a hold filed by one job is seen by the next.
      const deletes = plan.actions.some((a) => a.kind === 'delete') || (plan.held?.actions.length ?? 0) > 0;
      const mayTakeSeat = plan.actions.some(takesCountedSeat);
      if (deletes || mayTakeSeat) {
        // Shared counts decide these actions: the rolling-hour guard counts deletions already made,
        // and a seat budget counts seats already held. Decide and write one user at a time across
        // every worker, re-planning with the counts as they are now, so two users never both take
        // the last seat and a burst of deletions never slips past the guard.
        guardLock = await deps.state.locks.tryAcquire('shared-count-guard', USER_LOCK_MS);
        if (!guardLock) {
          await job.moveToDelayed(Date.now() + 200 + Math.floor(Math.random() * 400), token);
          throw new DelayedError();
        }
        locksHeld.push(guardLock);
        ({ plan, entry, optimistic } = await planUser(oktaUserId, planOpts));
      }
      let report: ApplyReport;
      try {
        const ctx = { jobId: job.id ?? null, countDeletions: eventDriven };
        try {
          report = await actionApplier.apply(plan.actions, { ...ctx, entryBefore: entry, conflictOnCreate: optimistic ? 'throw' : 'adopt' });
        } catch (err) {
          if (!optimistic || !(err instanceof SyncError) || err.code !== 'HUBSPOT_CONFLICT') {
            throw err;
          }
          // The email is in HubSpot after all (someone else's user, or this job's own earlier
          // try whose answer was lost): plan again with it, which adopts an unmanaged match and
          // leaves super admins, protected and otherwise-managed users alone.
          log.debug('create met an existing email; planning again with it');
          ({ plan, entry } = await planUser(oktaUserId, { ...planOpts, lookup: 'always' }));
          report = await actionApplier.apply(plan.actions, { ...ctx, entryBefore: entry });
        }
        // Filed before the shared lock is let go, so the next job's plan sees the hold.
        await keepHolds(deps.state, log, plan, { kind: trigger === 'reconcile' ? 'reconcile' : 'events', planId: job.data.planId ?? null, jobId: job.id ?? null });
      } finally {
        await guardLock?.release();
      }
      const held = plan.held?.actions ?? [];
      if (held.length === 0) {
        // Decided: deleted (now counted as made) or nothing to delete. A held deletion keeps counting.
        await deps.state.deletions.settle(oktaUserId);
      }
      const email = plan.actions.find((a) => a.email)?.email ?? held[0]?.email ?? entry?.email ?? null;
      if (report.applied.length > 0) {
        log.info('user synced', { email, applied: report.applied.map((a) => a.kind) });
      }
      return { oktaUserId, email, applied: report.applied, held: held.length, skipped: report.skipped };
    } finally {
      clearInterval(renew);
      await lock.release();
    }
  }

  /**
   * Records a job that failed for good in the audit trail (retries are not recorded), so every
   * failure has its reason where operators look: the user, and why.
   */
  async function recordFailure(job: Pick<Job<SyncUserData>, 'id' | 'data'>, reason: string): Promise<void> {
    const { oktaUserId } = job.data;
    const entry = await deps.state.ledger.get(oktaUserId);
    await deps.state.audit.append({
      action: 'sync',
      email: entry?.email ?? null,
      oktaUserId,
      hubspotUserId: entry?.hubspotUserId ?? null,
      before: null,
      after: null,
      jobId: job.id ?? null,
      outcome: 'failed',
      reason: reason.includes(oktaUserId) ? reason : `Okta user ${oktaUserId}: ${reason}`,
    });
  }

  return { process, planUser, recordFailure };
}

/** The sync-user processor's API. */
export type SyncUserProcessor = ReturnType<typeof createSyncUserProcessor>;

/**
 * The `sync-user` BullMQ worker: HubSpot writes. A 429 pauses the queue for every worker and the
 * job goes back without using an attempt; permanent errors fail at once with the user named;
 * the final failure is logged once (not every retry).
 */
export function createSyncUserWorker(opts: {
  connection: ConnectionOptions;
  prefix: string;
  queue: TypedQueue<'sync-user'>;
  processor: SyncUserProcessor;
  settings: DaemonSettings;
  logger: Logger;
  /** Pauses the shared HubSpot budget after a 429. */
  onRateLimited?: (ms: number) => Promise<void>;
  /** Pauses the queue while HubSpot or Okta is out (no attempt is used up). */
  outages?: Pick<OutageBreaker, 'report' | 'waitMs'>;
}): Worker<SyncUserData, SyncUserResult> {
  const log = opts.logger.child({ component: 'sync-user-worker' });
  const worker = new Worker<SyncUserData, SyncUserResult>(
    'sync-user',
    withJobErrors((job, token) => opts.processor.process(job, token), {
      queue: opts.queue,
      who: (job) => job.data.oktaUserId,
      maxRateLimitedStarts: opts.settings.jobs.maxRateLimitedStarts,
      ...(opts.onRateLimited ? { onRateLimited: opts.onRateLimited } : {}),
      ...(opts.outages ? { outages: opts.outages } : {}),
    }),
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.settings.jobs.concurrency,
      // A killed process's jobs are handed back within about 15 s (lock expiry plus one stalled check).
      lockDuration: JOB_LOCK_MS,
      stalledInterval: STALLED_CHECK_MS,
      // A short lock may lapse once under a blocked event loop; the job is idempotent, so a stall
      // (or a kill) hands it back instead of failing it, up to a few times.
      maxStalledCount: 3,
      // Needed for queue.rateLimit() to take effect; the real request budget is the shared one.
      limiter: { max: opts.settings.hubspot.requestsPerWindow, duration: opts.settings.hubspot.windowMs },
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) {
      return;
    }
    if (failedForGood(job, err)) {
      log.error('sync-user job failed for good', { jobId: job.id, oktaUserId: job.data.oktaUserId, reason: err.message, attempts: job.attemptsMade });
      opts.processor.recordFailure(job, err.message).catch((e: unknown) => log.warn('could not record the failure in the audit trail', { jobId: job.id, error: errorMessage(e) }));
    } else {
      log.debug('sync-user job will be retried', { jobId: job.id, oktaUserId: job.data.oktaUserId, reason: err.message, attempts: job.attemptsMade });
    }
  });
  worker.on('error', (err) => log.error('sync-user worker error', { error: err.message }));
  return worker;
}
