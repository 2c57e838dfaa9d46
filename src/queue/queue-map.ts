import type { AssignmentScope } from '../sync/types';
import type { PlanTrigger } from '../state/plan-store';

/** Why a sync-user job exists. */
export type SyncUserTrigger = 'event' | 'reconcile' | 'manual';

/** Make one Okta user right in HubSpot. The payload names the user; the worker re-reads state. */
export interface SyncUserData {
  oktaUserId: string;
  trigger: SyncUserTrigger;
  /** reconcile: the plan this job carries out (its summary collects the result). */
  planId?: string;
  /**
   * manual: the job carries out a hold an operator approved (this id). A deletion it finds that
   * the approval did not cover (the user left scope since) waits for an operator too.
   */
  approvalId?: string;
  /** event: the System Log event types that named the user (for logs and the audit). */
  eventTypes?: string[];
  /**
   * event: when Okta published the oldest event that named the user (ISO 8601). The status page
   * measures change-to-HubSpot latency from it (else from the job being queued).
   */
  changedAt?: string;
  /**
   * reconcile: the plan found a HubSpot user with this Okta user's email (to adopt, or to leave
   * alone). When false or absent, a user the ledger does not know is created without looking
   * the email up first; a 409 then re-plans with the lookup.
   */
  emailInHubSpot?: boolean;
  /**
   * reconcile: the user's app assignment as the plan's listing saw it (`listedAt`, epoch ms). The
   * job trusts it instead of asking Okta's rate-limited apps endpoint again, unless a System Log
   * event named the user since; jobs that may delete always ask.
   */
  assignment?: {
    via: AssignmentScope;
    at: string | null;
    listedAt: number;
    /** The ids of the rule groups the user was in at listing (only when the rules name groups). */
    groupIds?: string[];
    /** The app user's profile at listing (only when the rules read it). */
    appProfile?: Readonly<Record<string, unknown>>;
  };
}

/** What a sync-user job did (returned to the reconciliation summary). */
export interface SyncUserResult {
  oktaUserId: string;
  email: string | null;
  applied: Array<{ kind: 'create' | 'update' | 'delete' | 'adopt'; hubspotUserId: string | null; reason: string }>;
  held: number;
  skipped: Array<{ code: string; reason: string }>;
}

/** Run one full reconciliation. */
export interface ReconcileData {
  trigger: PlanTrigger;
  /** The cron slot (ms) for scheduled runs; null for runs on demand. */
  slot: number | null;
  /** true: wait while another reconciliation runs (CLI); false: skip this one (cron). */
  waitIfBusy: boolean;
}

/** What a reconcile job did. */
export interface ReconcileResult {
  planId: string | null;
  /** The reconciliation did not run because another one was running. */
  skipped: boolean;
  jobs: number;
}

/** Collect the outcome of a reconciliation's per-user jobs into its plan. */
export interface ReconcileSummaryData {
  planId: string;
  startedAt: string;
  jobs: number;
  /** Token of the reconciliation lock, released when the summary is written. */
  lockToken: string;
}

/** A gate child that keeps the summary waiting until every chunk of children was added. */
export interface ReconcileGateData {
  planId: string;
}

/** Read the System Log for one poll slot. */
export interface OktaPollData {
  slot: number;
}

/**
 * Every queue, its job names and their payloads: `enqueue` takes a queue, a job name of that
 * queue and exactly that job's payload, so a wrong payload does not compile.
 */
export interface QueueJobs {
  /** HubSpot writes (rate limited, shares HubSpot's budget). */
  'sync-user': { 'sync-user': SyncUserData };
  /** Full reconciliations: one per cron slot across replicas. */
  reconcile: { reconcile: ReconcileData };
  /** Flow parents that record a reconciliation's outcome. */
  'reconcile-summary': { 'reconcile-summary': ReconcileSummaryData; 'reconcile-gate': ReconcileGateData };
  /** System Log polls: one per poll slot, never two at once. */
  'okta-poll': { 'okta-poll': OktaPollData };
}

/** A queue name. */
export type QueueName = keyof QueueJobs;

/** The job names of queue `Q`. */
export type JobName<Q extends QueueName> = keyof QueueJobs[Q] & string;

/** The payload of job `N` on queue `Q`. */
export type JobData<Q extends QueueName, N extends JobName<Q>> = QueueJobs[Q][N];

/** Any payload of queue `Q`. */
export type QueueData<Q extends QueueName> = QueueJobs[Q][JobName<Q>];

/** The queue names, in the order the dashboard lists them. */
export const QUEUE_NAMES: readonly QueueName[] = ['sync-user', 'reconcile', 'reconcile-summary', 'okta-poll'];

/** Job priorities on `sync-user` (lower runs first; jobs without priority run before all). */
export const PRIORITY = {
  /** Deletions from a reconciliation: deprovisioning before other reconciliation work. */
  reconcileDelete: 1,
  reconcileOther: 5,
} as const;
