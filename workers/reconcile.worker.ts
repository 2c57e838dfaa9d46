import { Worker, type Job } from 'bullmq';
import type { Rules } from '../config/rules-schema';
import type { HubSpotClientApi } from '../src/hubspot/hubspot-types';
import { errorMessage } from '../src/lib/errors';
import type { Logger } from '../src/lib/logger';
import type { OktaClientApi } from '../src/okta/okta-types';
import { PRIORITY, type ReconcileData, type ReconcileResult, type SyncUserData } from '../src/queue/queue-map';
import { FAN_OUT_CHUNK, RECONCILE_LOCK, type FlowChild, type ReconcileFlow } from '../src/queue/reconcile-flow';
import { onFailure, putBack, PUT_BACK, withJobErrors, type ApiWorkerOptions } from '../src/queue/retries';
import type { HeldLock } from '../src/state/lock';
import { newPlanId, noneApplied, PLAN_ACTIONS_CHUNK, type PlanHeader, type PlanOutcome, type PlanRecord, type PlanTrigger } from '../src/state/plan-store';
import type { State } from '../src/state/state';
import type { PlanStream } from '../src/sync/plan-build';
import type { HubSpotUser, OktaCandidate, Plan, PlanAction, PlanInput, AssignmentScope } from '../src/sync/types';
import { keepHolds } from '../src/state/approval-decision';
import { ensureLedgerForJob, type LedgerGate } from '../src/ledger/ledger-gate';
import type { Planner } from './sync-user.worker';
import { createRuleGroupReader, withGroupIds, type RuleGroupReader } from '../src/okta/rule-groups';
import { rulesReadAppProfile } from '../src/sync/rule-sources';
import { rulesMapTeams } from '../src/sync/team-sources';
import type { RulesCatalog } from '../src/daemon/rules-watch';
import { compareRulePlans, type RulesDiff } from '../src/sync/rules-diff';


/** The lock's lifetime: long enough for the fan-out to finish, released by the summary. */
function lockTtlMs(jobs: number): number {
  return Math.min(24 * 3600_000, 15 * 60_000 + jobs * 1000);
}

/** Everything a reconciliation needs. */
export interface ReconcileDeps {
  okta: OktaClientApi;
  hubspot: HubSpotClientApi;
  state: State;
  rules: Rules;
  plan: Planner;
  /** The planner handing out actions one at a time (`planSyncStream`); without it, `plan`'s actions are streamed. */
  planStream?: (input: PlanInput) => PlanStream;
  ledgerGate: LedgerGate;
  /** The flow the per-user jobs are fanned out into. */
  flow: ReconcileFlow;
  logger: Logger;
  now?: () => Date;
  /** Told about every stored plan (metrics). */
  onPlanned?: (plan: Plan) => void;
  /** Told when a plan with nothing to fan out is done (the summary job tells the others). */
  onFinished?: (outcome: PlanOutcome) => void;
  /** Told HubSpot's roles and seats each time a reconciliation reads them (the rules' names are checked against them). */
  onCatalog?: (catalog: RulesCatalog) => Promise<unknown>;
  /** Reads the rule groups' members (default: one over `okta`); shared with the per-user syncs and `doctor`. */
  ruleGroups?: RuleGroupReader;
}

/** What a reconciliation's per-user job needs to know of its user's actions. */
export interface WorkItem {
  deletes: boolean;
  /** The plan matched a HubSpot user (anything but a plain create): see `SyncUserData.emailInHubSpot`. */
  emailInHubSpot: boolean;
  /** The assignment the listing saw (see `SyncUserData.assignment`); jobs that delete never get it. */
  assignment?: SeenAssignment;
}

/** A user's assignment as a reconciliation's listing saw it, with what the job would otherwise ask Okta again. */
export interface SeenAssignment {
  via: AssignmentScope;
  at: string | null;
  /** The rule groups the user is in (only when the rules name groups). */
  groupIds?: string[];
  /** The app user's profile (only when the rules read it). */
  appProfile?: Readonly<Record<string, unknown>>;
}

/** Adds one action to `work` (per Okta user), skipping pure reports (a skip that leaves the ledger alone, an action with no Okta user). */
export function noteWork(work: Map<string, WorkItem>, a: PlanAction): void {
  if (!a.oktaUserId || (a.kind === 'skip' && !a.ledger)) {
    return;
  }
  const item = work.get(a.oktaUserId) ?? { deletes: false, emailInHubSpot: false };
  item.deletes ||= a.kind === 'delete';
  item.emailInHubSpot ||= a.kind !== 'create';
  work.set(a.oktaUserId, item);
}

/** `actions` in arrays of `size`, each one seen by `each` first. */
function* inChunks(actions: Iterable<PlanAction>, size: number, each: (a: PlanAction) => void): Generator<PlanAction[]> {
  let chunk: PlanAction[] = [];
  for (const a of actions) {
    each(a);
    chunk.push(a);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) {
    yield chunk;
  }
}

/**
 * Full reconciliation: reads every app assignment and every HubSpot user (a failed read aborts:
 * never plan from a partial list), plans in `full` mode, stores the plan, files held deletions
 * as a pending approval, and fans the work out as per-user jobs under a `reconcile-summary`
 * parent that records the outcome. One reconciliation at a time across replicas (a Redis lock
 * held from planning until the summary).
 */
export function createReconciler(deps: ReconcileDeps) {
  const now = () => (deps.now ? deps.now() : new Date());
  const log = deps.logger.child({ component: 'reconcile' });
  const ruleGroups = deps.ruleGroups ?? createRuleGroupReader({ okta: deps.okta, logger: deps.logger });

  /**
   * Reads both sides in full: the planner's input for `rules` (default: the daemon's; a proposed
   * rules file is read the same way). The members of each group the rules name are read once,
   * and each candidate gets the rule groups it is in. Throws when any listing fails.
   */
  async function readInput(rules: Rules = deps.rules): Promise<PlanInput> {
    await deps.ledgerGate.ensureReady();
    let candidates: OktaCandidate[] = [];
    for await (const page of deps.okta.listAssignedUsers()) {
      for (const c of page) {
        candidates.push(c);
      }
    }
    const memberships = await ruleGroups.readMemberships(rules);
    if (memberships) {
      candidates = withGroupIds(candidates, memberships.memberOf);
      log.debug('rule groups read', { groups: memberships.groupsRead, members: memberships.memberOf.size });
    }
    const hubspotUsers: HubSpotUser[] = [];
    for await (const page of deps.hubspot.listUsers()) {
      for (const u of page) {
        hubspotUsers.push(u);
      }
    }
    const [roles, seats, teams, ledger, approvedDeletions, holds] = await Promise.all([
      deps.hubspot.listRoles(),
      deps.hubspot.listSeats(),
      // Team values are ids or names: read HubSpot's teams only when the rules map teams.
      rulesMapTeams(rules) ? deps.hubspot.listTeams() : Promise.resolve(undefined),
      deps.state.ledger.all(),
      deps.state.approvals.approvedDeletions(),
      deps.state.approvals.guardHolds(),
    ]);
    const input: PlanInput = {
      mode: 'full',
      candidates,
      hubspotUsers,
      roles,
      seats,
      ...(teams ? { teams } : {}),
      ledger,
      rules,
      now: now().toISOString(),
      approvedDeletions,
      holds,
      ...(memberships ? { oktaGroups: memberships.oktaGroups } : {}),
    };
    // Every assigned user is at hand: the check can tell attributes nobody has, and groups Okta lacks.
    if (rules === deps.rules) {
      await deps.onCatalog?.({ roles, seats, teams, oktaGroups: input.oktaGroups, candidates });
    }
    return input;
  }

  /** Reads both sides in full and plans. Throws when any listing fails. */
  async function planFull(): Promise<Plan> {
    return deps.plan(await readInput());
  }

  function streamOf(input: PlanInput): PlanStream {
    if (deps.planStream) {
      return deps.planStream(input);
    }
    const plan = deps.plan(input);
    return { actions: plan.actions.values(), rest: () => ({ ...plan, actions: [] }) };
  }

  /**
   * Plans in full and stores the plan's actions as they come (in chunks), noting the per-user
   * work; the plan's header and the rest are stored by the caller. The whole list of actions is
   * never held at once.
   */
  async function planAndStoreActions(planId: string): Promise<{ rest: Plan; work: Map<string, WorkItem>; listedAt: number }> {
    const listedAt = now().getTime();
    const input = await readInput();
    // What each job would otherwise ask Okta again: the assignment, the rule groups it is in,
    // the app user's profile when the rules read it.
    const keepAppProfile = rulesReadAppProfile(input.rules);
    const assignments = new Map<string, SeenAssignment>();
    for (const c of input.candidates) {
      if (c.assigned && c.assignedVia) {
        assignments.set(c.oktaUserId, {
          via: c.assignedVia,
          at: c.assignedAt,
          ...(c.groupIds ? { groupIds: c.groupIds } : {}),
          ...(keepAppProfile && c.appProfile ? { appProfile: c.appProfile } : {}),
        });
      }
    }
    const stream = streamOf(input);
    const work = new Map<string, WorkItem>();
    await deps.state.plans.appendActions(
      planId,
      inChunks(stream.actions, PLAN_ACTIONS_CHUNK, (a) => {
        noteWork(work, a);
        const item = a.oktaUserId ? work.get(a.oktaUserId) : undefined;
        const seen = a.oktaUserId ? assignments.get(a.oktaUserId) : undefined;
        if (item && seen && !item.deletes) {
          item.assignment = seen;
        }
      }),
    );
    return { rest: stream.rest(), work, listedAt };
  }

  /**
   * Plans and stores the plan without changing anything (for `reconcile --dry-run`). The record
   * comes back with the plan's actions unless `actions: false` (they are in the store:
   * `state.plans.actionChunks(id)`), which keeps a large plan out of memory.
   */
  async function dryRun(opts: { actions?: boolean } = {}): Promise<PlanRecord> {
    const id = newPlanId(now());
    const { rest, work } = await planAndStoreActions(id);
    const header: PlanHeader = {
      id,
      createdAt: now().toISOString(),
      trigger: 'dry-run',
      dryRun: true,
      status: 'dry-run',
      summary: rest.summary,
      approvalId: null,
      jobs: work.size,
      outcome: null,
    };
    await deps.state.plans.saveMeta(header, rest);
    if (opts.actions === false) {
      return { ...header, plan: rest };
    }
    return (await deps.state.plans.get(id)) ?? { ...header, plan: rest };
  }

  /**
   * What-if (`reconcile --dry-run --rules FILE`): one read of both sides, planned under the
   * current rules and under `proposed`, and what would change. Nothing is written to HubSpot and
   * no plan is stored. HubSpot's teams are read here too when only the proposed rules map teams.
   */
  async function whatIf(proposed: Rules): Promise<WhatIf> {
    const input = await readInput();
    const teams = input.teams ?? (rulesMapTeams(proposed) ? await deps.hubspot.listTeams() : undefined);
    const currentPlan = deps.plan(input);
    // The same read of both sides; only the proposed rules' groups are read again (they may name others).
    const memberships = await ruleGroups.readMemberships(proposed);
    const proposedInput: PlanInput = {
      ...input,
      rules: proposed,
      ...(teams ? { teams } : {}),
      ...(memberships ? { candidates: withGroupIds(input.candidates, memberships.memberOf), oktaGroups: memberships.oktaGroups } : {}),
    };
    const proposedPlan = deps.plan(proposedInput);
    return { current: currentPlan, proposed: proposedPlan, diff: compareRulePlans(proposedInput, currentPlan, proposedPlan) };
  }

  async function fanOut(planId: string, work: Map<string, WorkItem>, lock: HeldLock, startedAt: string, listedAt: number): Promise<void> {
    await deps.flow.open({ planId, startedAt, jobs: work.size, lockToken: lock.token });
    let chunk: FlowChild[] = [];
    const addChunk = async () => {
      await deps.flow.addChildren(planId, chunk);
      chunk = [];
      await lock.extend(lockTtlMs(work.size));
    };
    for (const [oktaUserId, item] of work) {
      // The plan listed every HubSpot user: a user it only creates has no HubSpot match, so the
      // job may create without looking the email up (a 409 still re-plans with it).
      const data: SyncUserData = {
        oktaUserId,
        trigger: 'reconcile',
        planId,
        emailInHubSpot: item.emailInHubSpot,
        ...(item.assignment && !item.deletes ? { assignment: { ...item.assignment, listedAt } } : {}),
      };
      chunk.push({ data, priority: item.deletes ? PRIORITY.reconcileDelete : PRIORITY.reconcileOther });
      if (chunk.length >= FAN_OUT_CHUNK) {
        await addChunk();
      }
    }
    if (chunk.length > 0) {
      await addChunk();
    }
    await deps.flow.close(planId);
  }

  async function run(trigger: PlanTrigger, lock: HeldLock): Promise<ReconcileResult> {
    const startedAt = now().toISOString();
    await deps.state.status.set({ lastReconcileStartedAt: startedAt });
    const planId = newPlanId(now());
    const { rest: plan, work, listedAt } = await planAndStoreActions(planId);
    const approvalId = await keepHolds(deps.state, log, plan, { kind: 'reconcile', planId, jobId: null });
    await deps.state.plans.saveMeta({ id: planId, createdAt: startedAt, trigger, dryRun: false, status: 'applying', summary: plan.summary, approvalId, jobs: work.size, outcome: null }, plan);
    deps.onPlanned?.(plan);
    log.info('reconciliation planned', { planId, trigger, jobs: work.size, summary: plan.summary });
    if (work.size === 0) {
      const finishedAt = now().toISOString();
      const outcome: PlanOutcome = {
        finishedAt,
        durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
        applied: noneApplied(),
        held: plan.held?.actions.length ?? 0,
        failures: [],
      };
      await deps.state.plans.update(planId, { status: 'done', outcome });
      deps.onFinished?.(outcome);
      await deps.state.status.set({ lastReconcileFinishedAt: finishedAt, lastReconcilePlanId: planId });
      await lock.release();
      return { planId, skipped: false, jobs: 0 };
    }
    await lock.extend(lockTtlMs(work.size));
    try {
      await fanOut(planId, work, lock, startedAt, listedAt);
    } catch (err) {
      await deps.state.plans.update(planId, { status: 'failed', error: `fan-out failed: ${errorMessage(err)}` });
      throw err;
    }
    return { planId, skipped: false, jobs: work.size };
  }

  async function process(job: Job<ReconcileData>, token?: string): Promise<ReconcileResult> {
    await ensureLedgerForJob(deps.ledgerGate, job, token);
    // The job id is the lock's token: a reconciliation retried after its process was killed takes
    // its own lock back instead of waiting for it to expire.
    const lockToken = job.id ?? undefined;
    let lock = await deps.state.locks.tryAcquire(RECONCILE_LOCK, lockTtlMs(0), lockToken);
    if (!lock && lockToken !== undefined && (await deps.state.locks.holder(RECONCILE_LOCK)) === lockToken) {
      lock = deps.state.locks.attach(RECONCILE_LOCK, lockToken);
    }
    if (!lock) {
      if (job.data.waitIfBusy) {
        return putBack(job, token, PUT_BACK.reconcileBusy());
      }
      log.info('a reconciliation is already running; this slot is skipped', { jobId: job.id });
      return { planId: null, skipped: true, jobs: 0 };
    }
    try {
      return await run(job.data.trigger, lock);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  return { process, planFull, dryRun, readInput, whatIf };
}

/** A what-if's outcome: both plans and their comparison. */
export interface WhatIf {
  current: Plan;
  proposed: Plan;
  diff: RulesDiff;
}

/** The reconciler's API. */
export type Reconciler = ReturnType<typeof createReconciler>;

/**
 * The `reconcile` BullMQ worker (global concurrency 1 on its queue). A rate limit while listing
 * puts the reconciliation back (not counted as an attempt) to start over after the wait; other
 * listing failures are retried with backoff, then fail with the reason.
 */
export function createReconcileWorker(opts: ApiWorkerOptions & { reconciler: Reconciler }): Worker<ReconcileData, ReconcileResult> {
  const log = opts.logger.child({ component: 'reconcile-worker' });
  const worker = new Worker<ReconcileData, ReconcileResult>(
    'reconcile',
    withJobErrors((job, token) => opts.reconciler.process(job, token), {
      queue: opts.queue,
      who: (job) => `reconciliation ${job.id}`,
      maxRateLimitedStarts: opts.settings.jobs.maxRateLimitedStarts,
      onRateLimited: opts.onRateLimited,
      outages: opts.outages,
    }),
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: 1,
      // BullMQ renews the lock every 15 s; planning 100,000 users blocks the event loop for a few
      // seconds only (docs/PERFORMANCE.md). A longer lock would keep every reconciliation waiting
      // (one at a time) for as long after the process running one is killed.
      lockDuration: 30_000,
      // Look for a killed process's reconciliation every 5 s (BullMQ's default is 30 s).
      stalledInterval: 5_000,
      // Needed for queue.rateLimit() to take effect.
      limiter: { max: 100, duration: 1000 },
    },
  );
  onFailure(worker, {
    forGood: (job, err) => log.error('reconciliation failed; nothing was planned from partial data', { jobId: job.id, reason: err.message }),
    willRetry: (job, err) => log.warn('reconciliation failed; will retry', { jobId: job.id, reason: err.message, attempts: job.attemptsMade }),
  });
  worker.on('error', (err) => log.error('reconcile worker error', { error: err.message }));
  return worker;
}
