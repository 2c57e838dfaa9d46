import { Worker, type Job } from 'bullmq';
import type { Rules } from '../config/rules-schema';
import type { HubSpotClientApi } from '../src/hubspot/hubspot-types';
import { errorMessage, SyncError } from '../src/lib/errors';
import type { Logger } from '../src/lib/logger';
import type { OktaClientApi } from '../src/okta/okta-types';
import { onFailure, putBack, PUT_BACK, withJobErrors, type ApiWorkerOptions } from '../src/queue/retries';
import type { SyncUserData, SyncUserResult } from '../src/queue/queue-map';
import type { HeldLock } from '../src/state/lock';
import type { CandidateReadOptions } from '../src/okta/okta-types';
import type { State } from '../src/state/state';
import { emailKey } from '../src/sync/text';
import type { HubSpotRole, HubSpotSeat, HubSpotTeam, HubSpotUser, LedgerEntry, Plan, PlanInput } from '../src/sync/types';
import { rulesMapTeams } from '../src/sync/team-sources';
import { keepHolds } from '../src/state/approval-decision';
import { createActionApplier, type ActionApplier, type ApplyReport } from '../src/apply/action-applier';
import type { LedgerGate, LedgerState } from '../src/ledger/ledger-gate';
import { createRuleGroupReader, type RuleGroupReader, type UserRuleGroups } from '../src/okta/rule-groups';

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
/** Held while shared counts (rolling-hour deletions, seat budgets) decide a user's plan. */
const SHARED_COUNTS_LOCK = 'shared-count-guard';
/** Emails of users read lately, to name them in failures (the payload carries only the Okta id). */
const NAMES_KEPT = 5_000;
/** At most this many users in line for one seat are woken by one job (the rest by the jobs those make). */
const WAKE_MAX = 50;
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
  /** Reads the rule groups (default: one over `okta`); shared with reconciliations so the resolution is cached once. */
  ruleGroups?: RuleGroupReader;
  /**
   * Syncs these users soon: the first in line for a seat this job freed (a holder deleted, a
   * seat or paid role given up). Without it, they wait for the next full reconciliation.
   */
  wake?: (oktaUserIds: readonly string[]) => Promise<void>;
}

/** The job gave up a seat or paid role, or deleted a user (who may have held one). */
function freesSeats(plan: Plan, report: ApplyReport): boolean {
  return report.applied.length > 0 && plan.actions.some((a) => a.kind === 'delete' || (a.kind === 'update' && a.changes.some((c) => c.field === 'seatNames' || c.field === 'roleId')));
}

/**
 * What a job knows before it reads: it decides how much is read (and so how many requests are
 * made), never what is planned from what was read.
 */
export interface ReadHints {
  /**
   * Count the rolling hour's deletions for the guard: event-driven and manual jobs do; a
   * reconciliation's per-user jobs do not (their plan was judged as a whole).
   */
  countRecentDeletions: boolean;
  /** The job carries out this approved hold (see `SyncUserData.approvalId`). */
  approvalId?: string;
  /**
   * When HubSpot is asked by email. `'auto'`: only where the answer can change the plan: not for
   * the linked user's own email, and not for a user the ledger does not know unless
   * `emailInHubSpot` says the email is there. `'always'`: every email (a pending ledger, a dry
   * run, a create that met an existing email).
   */
  emailLookup: 'auto' | 'always';
  /** A reconciliation's listing matched the user to a HubSpot user (see `SyncUserData.emailInHubSpot`). */
  emailInHubSpot?: boolean;
  /** The assignment a reconciliation's listing saw, still to be trusted (no event named the user since). */
  knownAssignment?: CandidateReadOptions['knownAssignment'];
  /** The rule groups the user was in at that listing (trusted with the assignment): the user's groups are not asked again. */
  knownGroupIds?: string[];
}

/** One read of both sides for one user. */
export interface UserRead {
  /** The planner's input in `users` mode. */
  input: PlanInput;
  /** The user's ledger entry before anything is written. */
  entry: LedgerEntry | null;
  /**
   * HubSpot was not asked by email for a user the ledger does not know: a create may meet an
   * existing email (a 409), and the user is then read again with `emailLookup: 'always'`.
   */
  emailUnchecked: boolean;
}

/**
 * One user, made right: reads the user's current Okta state and the matching HubSpot users (by
 * ledger link and by email) right before writing, plans with the pure planner in `users` mode,
 * carries the actions out and records them. Runs at most once at a time per user across every
 * worker and replica (a per-user lock; a busy user's job is put back, not failed).
 */
export function createSyncUserProcessor(deps: SyncUserDeps) {
  const now = () => (deps.now ? deps.now() : new Date());
  const ruleGroups = deps.ruleGroups ?? createRuleGroupReader({ okta: deps.okta, logger: deps.logger, now: () => now().getTime() });
  // The deletions the applier records are stamped with this processor's clock.
  const deletions = { ...deps.state.deletions, record: (hubspotUserId: string) => deps.state.deletions.record(hubspotUserId, now().getTime()) };
  const state: State = { ...deps.state, deletions };
  const applier = createActionApplier({ hubspot: deps.hubspot, state, rules: deps.rules, now });
  /**
   * Used only while the ledger is pending, for plans `mayApplyWhilePending` allowed: it links the
   * user into the incomplete ledger, as the rebuild would, instead of refusing (which guards jobs
   * that straddle a data loss without knowing it).
   */
  const pendingLedgerApplier = createActionApplier({
    hubspot: deps.hubspot,
    state: { ...state, ledger: { ...state.ledger, upsert: (entry) => state.ledger.upsert(entry) } },
    rules: deps.rules,
    now,
  });
  const budget = deps.rules.seats.budget;
  const seatBudgeted = Object.keys(budget).length > 0;
  /** The action gives a seat that is counted (a budgeted role or seat, or any named seat): such writes are decided one user at a time. */
  const takesCountedSeat = (a: Plan['actions'][number]): boolean =>
    (a.kind === 'create' || a.kind === 'update' || a.kind === 'adopt') &&
    a.desired !== undefined &&
    ((a.desired.roleName !== null && Object.hasOwn(budget, a.desired.roleName)) ||
      a.desired.seatNames.some((seat) => deps.rules.seats.mode === 'named' || Object.hasOwn(budget, seat)));
  /**
   * Shared counts decide the plan: the rolling-hour guard counts deletions already made (and a
   * hold filed by one job must be seen by the next), a seat budget counts seats already held.
   */
  const decidesSharedCounts = (plan: Plan): boolean =>
    plan.actions.some((a) => a.kind === 'delete') || (plan.held?.actions.length ?? 0) > 0 || plan.actions.some(takesCountedSeat);
  /** The email each Okta user had when last read (Okta's, else the ledger's), newest last. */
  const emails = new Map<string, string>();
  const remember = (oktaUserId: string, email: string | null | undefined): void => {
    if (!email) {
      return;
    }
    emails.delete(oktaUserId);
    emails.set(oktaUserId, email);
    if (emails.size > NAMES_KEPT) {
      const oldest = emails.keys().next().value;
      if (oldest !== undefined) {
        emails.delete(oldest);
      }
    }
  };
  let roles: { at: number; value: HubSpotRole[] } | null = null;
  let seats: { at: number; value: HubSpotSeat[] | null } | null = null;
  let teams: { at: number; value: HubSpotTeam[] } | null = null;
  const mapsTeams = rulesMapTeams(deps.rules);

  /** HubSpot's teams, when the rules map teams (values are ids or names); changed rarely, so cached like the roles. */
  async function currentTeams(): Promise<HubSpotTeam[] | undefined> {
    if (!mapsTeams) {
      return undefined;
    }
    const at = now().getTime();
    if (!teams || at - teams.at > ROLES_TTL_MS) {
      teams = { at, value: await deps.hubspot.listTeams() };
    }
    return teams.value;
  }

  async function currentRoles(): Promise<HubSpotRole[]> {
    const at = now().getTime();
    if (!roles || at - roles.at > ROLES_TTL_MS) {
      roles = { at, value: await deps.hubspot.listRoles() };
    }
    return roles.value;
  }

  async function currentSeats(): Promise<HubSpotSeat[] | null> {
    // Named seats are counted against a budget: read them fresh. Role mode only needs the catalog.
    const at = now().getTime();
    if (deps.rules.seats.mode === 'named' || !seats || at - seats.at > ROLES_TTL_MS) {
      seats = { at, value: await deps.hubspot.listSeats() };
    }
    return seats.value;
  }

  /**
   * The rule groups an existing user is in, when the rules name groups: as the listing saw them
   * when the job trusts it, else one request for the user's groups. Null when the rules name none.
   */
  async function userRuleGroups(oktaUserId: string, hints: ReadHints): Promise<UserRuleGroups | null> {
    if (!hints.knownGroupIds) {
      return ruleGroups.readUser(deps.rules, oktaUserId);
    }
    const resolved = await ruleGroups.resolve(deps.rules);
    if (resolved.refs.length === 0) {
      return null;
    }
    const ids = new Set(resolved.groups.map((g) => g.id));
    return { oktaGroups: resolved.groups, groupIds: hints.knownGroupIds.filter((id) => ids.has(id)) };
  }

  /**
   * Reads both sides for one user: the users-mode twin of the reconciler's `readInput`. The Okta
   * user (with the rule groups they are in), their ledger entry, the linked HubSpot user and the
   * HubSpot users with their emails (as `hints.emailLookup` allows), the owners of those, and the
   * shared figures the planner needs.
   */
  async function readUserInput(oktaUserId: string, hints: ReadHints): Promise<UserRead> {
    let candidate = await deps.okta.getCandidate(oktaUserId, hints.knownAssignment ? { knownAssignment: hints.knownAssignment } : {});
    const groups = candidate ? await userRuleGroups(candidate.oktaUserId, hints) : null;
    if (candidate && groups) {
      candidate = { ...candidate, groupIds: groups.groupIds };
    }
    remember(oktaUserId, candidate?.email);
    const entry = await deps.state.ledger.get(oktaUserId);
    remember(oktaUserId, candidate?.email ?? entry?.email);
    const hubspotUsers = new Map<string, HubSpotUser>();
    let linked: HubSpotUser | null = null;
    if (entry) {
      linked = await deps.hubspot.getUser(entry.hubspotUserId);
      if (linked) {
        hubspotUsers.set(linked.id, linked);
      }
      // The old user of an email change whose deletion is still to come.
      const replaced = entry.replaces ? await deps.hubspot.getUser(entry.replaces.hubspotUserId) : null;
      if (replaced) {
        hubspotUsers.set(replaced.id, replaced);
      }
    }
    const always = hints.emailLookup === 'always';
    const emailUnchecked = !always && !entry && hints.emailInHubSpot !== true;
    const emails = new Set([candidate?.email, entry?.email].filter((e): e is string => typeof e === 'string' && e.trim() !== '').map(emailKey));
    if (!always && linked) {
      // HubSpot emails are unique: the linked user is the only one with its email.
      emails.delete(emailKey(linked.email));
    }
    for (const email of emailUnchecked ? [] : emails) {
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
    const at = now();
    const [roleList, seatList, teamList, managedCount, figures, approvedDeletions, holds] = await Promise.all([
      currentRoles(),
      currentSeats(),
      currentTeams(),
      deps.state.ledger.count(),
      hints.countRecentDeletions ? deps.state.deletions.figures(at.getTime(), oktaUserId) : Promise.resolve({ made: 0, expected: 0 }),
      deps.state.approvals.approvedDeletions(),
      deps.state.approvals.guardHolds().then((h) =>
        // Carrying out an approved hold: a deletion the approval did not cover waits for an operator.
        hints.approvalId && !h.holdAll && !h.pending ? { ...h, holdAll: `the job carrying out hold ${hints.approvalId} found a deletion that hold did not name (the user left scope since)` } : h,
      ),
    ]);
    // Seat budgets need the ledger-wide counts to give a seat in users mode (a full scan, so only
    // when the rules set a budget).
    const ledgerSeatCounts = seatBudgeted ? await deps.state.ledger.seatCounts() : undefined;
    const input: PlanInput = {
      mode: 'users',
      ...(ledgerSeatCounts ? { ledgerSeatCounts } : {}),
      oktaUserIds: [oktaUserId],
      candidates: candidate && candidate.oktaUserId === oktaUserId ? [candidate] : [],
      hubspotUsers: [...hubspotUsers.values()],
      roles: roleList,
      seats: seatList,
      ...(teamList ? { teams: teamList } : {}),
      ledger: [...ledger.values()],
      managedCount,
      rules: deps.rules,
      now: at.toISOString(),
      recentDeletions: figures.made,
      expectedDeletions: figures.expected,
      approvedDeletions,
      holds,
      ...(groups ? { oktaGroups: groups.oktaGroups } : {}),
    };
    return { input, entry, emailUnchecked };
  }

  /** Reads both sides for one user and plans, changing nothing (also for `sync-user --dry-run`). */
  async function planUser(oktaUserId: string, hints: ReadHints): Promise<UserRead & { plan: Plan }> {
    const read = await readUserInput(oktaUserId, hints);
    return { ...read, plan: deps.plan(read.input) };
  }

  /**
   * The hints a job's data gives: a reconciliation's job trusts the listing it came from (the
   * assignment, unless a System Log event named the user since; whether the email is in
   * HubSpot); a pending ledger cannot say whether the email is in HubSpot, so it is asked.
   */
  async function hintsFor(data: SyncUserData, ledger: LedgerState): Promise<ReadHints> {
    const fromListing = data.trigger === 'reconcile';
    const lastEvent = fromListing && data.assignment ? await deps.state.userEvents.last(data.oktaUserId) : null;
    const trusted = fromListing && data.assignment && (lastEvent === null || lastEvent < data.assignment.listedAt) ? data.assignment : undefined;
    // A reconciliation's job whose user a System Log event named since the listing (they may have
    // left scope since: a deletion the plan never judged) is judged as an event's job is, with
    // the deletions of the hour and the other leavers the System Log announced.
    const changedSinceListing = fromListing && data.assignment !== undefined && trusted === undefined;
    return {
      countRecentDeletions: !fromListing || changedSinceListing,
      ...(data.approvalId ? { approvalId: data.approvalId } : {}),
      emailLookup: ledger === 'pending' ? 'always' : 'auto',
      ...(data.emailInHubSpot !== undefined ? { emailInHubSpot: data.emailInHubSpot } : {}),
      ...(trusted ? { knownAssignment: { assignedVia: trusted.via, assignedAt: trusted.at, ...(trusted.appProfile ? { appProfile: trusted.appProfile } : {}) } } : {}),
      ...(trusted?.groupIds ? { knownGroupIds: trusted.groupIds } : {}),
    };
  }

  /** Holds a set of locks, renewing them while the job runs. */
  function renewing(first: HeldLock, log: Logger) {
    const held: HeldLock[] = [first];
    const timer = setInterval(() => {
      for (const l of held) {
        l.extend(USER_LOCK_MS).catch((err: unknown) => log.warn('could not renew a user lock', { error: errorMessage(err) }));
      }
    }, USER_LOCK_RENEW_MS);
    return { add: (l: HeldLock) => void held.push(l), stop: () => clearInterval(timer) };
  }

  /**
   * Carries the plan out. A plan read with the email unchecked may meet the email in HubSpot
   * after all (someone else's user, or this job's own earlier try whose answer was lost): the
   * user is then read and planned again with the email, which adopts an unmanaged match and
   * leaves super admins, protected and otherwise-managed users alone.
   */
  async function apply(job: Job<SyncUserData>, applier: ActionApplier, hints: ReadHints, read: UserRead & { plan: Plan }, log: Logger): Promise<{ plan: Plan; entry: LedgerEntry | null; report: ApplyReport }> {
    const ctx = { jobId: job.id ?? null, countDeletions: hints.countRecentDeletions };
    try {
      const report = await applier.apply(read.plan.actions, { ...ctx, entryBefore: read.entry, conflictOnCreate: read.emailUnchecked ? 'throw' : 'adopt' });
      return { plan: read.plan, entry: read.entry, report };
    } catch (err) {
      if (!read.emailUnchecked || !(err instanceof SyncError) || err.code !== 'HUBSPOT_CONFLICT') {
        throw err;
      }
      log.debug('create met an existing email; planning again with it');
      const again = await planUser(job.data.oktaUserId, { ...hints, emailLookup: 'always' });
      const report = await applier.apply(again.plan.actions, { ...ctx, entryBefore: again.entry });
      return { plan: again.plan, entry: again.entry, report };
    }
  }

  /** Records where the user stands now (unmapped Title, seats waited for) and the seat counts the plan made, for the status page. */
  async function noteStanding(oktaUserId: string, email: string | null, plan: Plan): Promise<void> {
    const unmappedTitle = plan.unmappedTitles.find((t) => t.users.some((u) => u.oktaUserId === oktaUserId))?.title ?? null;
    const waitingFor = plan.seats.flatMap((s) => s.waiting.filter((w) => w.oktaUserId === oktaUserId).map((w) => ({ seat: s.seat, since: w.since })));
    await deps.state.standing.note(
      { oktaUserId, email, at: now().toISOString(), unmappedTitle, waitingFor },
      plan.seats.map((s) => ({ seat: s.seat, used: s.used, budget: s.budget })),
    );
  }

  /**
   * After a job that freed seats: the first users in line for each seat that now has room (as
   * this job's plan counted HubSpot's free seats and the budget) are synced again, so a freed
   * seat reaches the next in line within seconds, whatever order a plan's jobs ran in.
   */
  async function wakeWaiters(oktaUserId: string, plan: Plan): Promise<void> {
    if (!deps.wake) {
      return;
    }
    const woken = new Set<string>();
    for (const usage of plan.seats) {
      const free = Math.min(usage.remaining ?? Number.POSITIVE_INFINITY, usage.budget === null ? Number.POSITIVE_INFINITY : usage.budget - usage.used);
      const wanted = Math.min(free, WAKE_MAX);
      if (wanted > 0) {
        // One more than wanted: this job's own user may be in the line.
        const line = await deps.state.standing.waiters(usage.seat, wanted + 1);
        line.filter((id) => id !== oktaUserId).slice(0, wanted).forEach((id) => woken.add(id));
      }
    }
    if (woken.size > 0) {
      await deps.wake([...woken]);
    }
  }

  /** lock → load → plan → [shared lock → reload → plan] → apply → file holds → wake seat waiters. */
  async function process(job: Job<SyncUserData>, token?: string): Promise<SyncUserResult> {
    const { oktaUserId, trigger } = job.data;
    const log = deps.logger.child({ component: 'sync-user', jobId: job.id, oktaUserId });
    const userLock = await deps.state.locks.tryAcquire(`user-${oktaUserId}`, USER_LOCK_MS);
    if (!userLock) {
      log.debug('another job is syncing this user; trying again shortly');
      return putBack(job, token, PUT_BACK.userBusy());
    }
    const locks = renewing(userLock, log);
    try {
      // Creates and updates never wait behind a ledger rebuild that runs or keeps failing; only
      // deletions (and users with an earlier HubSpot account) wait for a complete ledger.
      const ledger = await deps.ledgerGate.stateForJob();
      const hints = await hintsFor(job.data, ledger);
      let read = await planUser(oktaUserId, hints);
      if (ledger === 'pending' && !(await deps.ledgerGate.mayApplyWhilePending(oktaUserId, read.plan))) {
        log.debug('waiting for the ledger rebuild before deciding this user');
        return await putBack(job, token, PUT_BACK.ledgerPending(job.attemptsStarted));
      }
      // Decide and write one user at a time across every worker when shared counts decide, with
      // the counts as they are now, so two users never both take the last seat and a burst of
      // deletions never slips past the guard.
      const shared = decidesSharedCounts(read.plan);
      const sharedLock = shared ? await deps.state.locks.tryAcquire(SHARED_COUNTS_LOCK, USER_LOCK_MS) : null;
      if (shared && !sharedLock) {
        return await putBack(job, token, PUT_BACK.sharedCountsBusy());
      }
      let done: Awaited<ReturnType<typeof apply>>;
      try {
        if (sharedLock) {
          locks.add(sharedLock);
          read = await planUser(oktaUserId, hints);
        }
        done = await apply(job, ledger === 'pending' ? pendingLedgerApplier : applier, hints, read, log);
        // Filed before the shared lock is let go, so the next job's plan sees the hold.
        await keepHolds(deps.state, log, done.plan, { kind: trigger === 'reconcile' ? 'reconcile' : 'events', planId: job.data.planId ?? null, jobId: job.id ?? null });
      } finally {
        await sharedLock?.release();
      }
      const { plan, entry, report } = done;
      const held = plan.held?.actions ?? [];
      if (held.length === 0) {
        // Decided: deleted (now counted as made) or nothing to delete. A held deletion keeps counting.
        await deps.state.deletions.settle(oktaUserId);
      }
      const email = plan.actions.find((a) => a.email)?.email ?? held[0]?.email ?? entry?.email ?? null;
      await noteStanding(oktaUserId, email, plan).catch((err: unknown) => log.warn('could not record where the user stands for the status page', { error: errorMessage(err) }));
      if (freesSeats(plan, report)) {
        await wakeWaiters(oktaUserId, plan).catch((err: unknown) => log.warn('could not sync the users waiting for a freed seat (the next reconciliation gives it)', { error: errorMessage(err) }));
      }
      if (report.applied.length > 0) {
        log.info('user synced', { email, applied: report.applied.map((a) => a.kind) });
      }
      return { oktaUserId, email, applied: report.applied, held: held.length, skipped: report.skipped };
    } finally {
      locks.stop();
      await userLock.release();
    }
  }

  /** The email of an Okta user as this processor last read it, else the ledger's; null when neither knows. */
  async function emailOf(oktaUserId: string): Promise<string | null> {
    const known = emails.get(oktaUserId);
    if (known) {
      return known;
    }
    const entry = await deps.state.ledger.get(oktaUserId).catch(() => null);
    return entry?.email ?? null;
  }

  /** How failures name a user: `email (Okta id)`, or `Okta user id` when the email is unknown. */
  async function nameOf(oktaUserId: string): Promise<string> {
    const email = await emailOf(oktaUserId);
    return email ? `${email} (Okta ${oktaUserId})` : `Okta user ${oktaUserId}`;
  }

  /**
   * Records a job that failed for good in the audit trail (retries are not recorded), so every
   * failure has its reason where operators look: the user, and why.
   */
  async function recordFailure(job: Pick<Job<SyncUserData>, 'id' | 'data'>, reason: string): Promise<void> {
    const { oktaUserId } = job.data;
    const entry = await deps.state.ledger.get(oktaUserId);
    const email = emails.get(oktaUserId) ?? entry?.email ?? null;
    await deps.state.audit.append({
      action: 'sync',
      email,
      oktaUserId,
      hubspotUserId: entry?.hubspotUserId ?? null,
      before: null,
      after: null,
      jobId: job.id ?? null,
      outcome: 'failed',
      reason: reason.includes(oktaUserId) ? reason : `${email ? `${email} (Okta ${oktaUserId})` : `Okta user ${oktaUserId}`}: ${reason}`,
    });
  }

  return { process, readUserInput, planUser, recordFailure, emailOf, nameOf };
}

/** The sync-user processor's API. */
export type SyncUserProcessor = ReturnType<typeof createSyncUserProcessor>;

/**
 * The `sync-user` BullMQ worker: HubSpot writes. A 429 pauses the queue for every worker and the
 * job goes back without using an attempt; permanent errors fail at once with the user named;
 * the final failure is logged once (not every retry).
 */
export function createSyncUserWorker(opts: ApiWorkerOptions & { processor: SyncUserProcessor }): Worker<SyncUserData, SyncUserResult> {
  const log = opts.logger.child({ component: 'sync-user-worker' });
  const worker = new Worker<SyncUserData, SyncUserResult>(
    'sync-user',
    withJobErrors((job, token) => opts.processor.process(job, token), {
      queue: opts.queue,
      who: (job) => opts.processor.nameOf(job.data.oktaUserId),
      maxRateLimitedStarts: opts.settings.jobs.maxRateLimitedStarts,
      onRateLimited: opts.onRateLimited,
      outages: opts.outages,
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
  onFailure(worker, {
    forGood: (job, err) => {
      const { oktaUserId } = job.data;
      void opts.processor.emailOf(oktaUserId).then((email) => {
        log.error('sync-user job failed for good', { jobId: job.id, email, oktaUserId, reason: err.message, attempts: job.attemptsMade });
        return opts.processor.recordFailure(job, err.message);
      }).catch((e: unknown) => log.warn('could not record the failure in the audit trail', { jobId: job.id, error: errorMessage(e) }));
    },
    willRetry: (job, err) => log.debug('sync-user job will be retried', { jobId: job.id, oktaUserId: job.data.oktaUserId, reason: err.message, attempts: job.attemptsMade }),
  });
  worker.on('error', (err) => log.error('sync-user worker error', { error: err.message }));
  return worker;
}
