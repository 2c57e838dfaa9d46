/**
 * What the ops server reads and does, as two small interfaces over the daemon's state. The server
 * never touches the stores directly: `createStatusSource` (status-source.ts) implements both over
 * Redis, and tests implement them in memory. Every value here may be shown to an operator, so
 * implementations return no tokens or secrets; error texts are redacted again before display.
 */
import type { HookStatus } from '../state/hook-status-store';
import type { AppliedCounts } from '../state/plan-store';
import type { OutageRecord, RulesCheckRecord } from '../state/status-store';
import type { SeatCount, UserStanding } from '../state/user-standing';
import type { ActivityView } from './status-charts';
import type { HubSpotUser, LedgerEntry, OktaCandidate, Plan, PlanSummary } from '../sync/types';

/** How a reconciliation ended (or that it has not yet). */
export type ReconciliationOutcome = 'running' | 'succeeded' | 'partial' | 'failed' | 'held' | 'dry-run';


/** One reconciliation (a stored plan) without its actions: one row of the "recent" table. */
export interface ReconciliationView {
  planId: string;
  /** ISO time the plan was made. */
  createdAt: string;
  /** ISO time its last per-user job finished; null while running or for dry runs. */
  finishedAt: string | null;
  /** What started it: cron, start, manual, approve, … */
  trigger: string;
  dryRun: boolean;
  outcome: ReconciliationOutcome;
  /** What the plan decided. */
  summary: PlanSummary;
  /** What carrying it out did; null until finished. */
  applied: AppliedCounts | null;
  /** Per-user jobs that failed for good. */
  failures: number;
  /** The approval that releases deletions held by this plan, if any. */
  approvalId: string | null;
  /** Why the reconciliation failed (redacted before display). */
  error: string | null;
}

/** A reconciliation with its full plan (actions, held deletions, seats, unmapped titles). */
export interface PlanView extends ReconciliationView {
  plan: Plan;
}

/** One deletion the guard holds. */
export interface HeldDeletionView {
  hubspotUserId: string | null;
  email: string | null;
  reason: string;
}

/** Deletions waiting for an operator's approval. */
export interface PendingApprovalView {
  id: string;
  createdAt: string;
  /** The plan whose deletions are held; null for event-driven deletions. */
  planId: string | null;
  /** Why the guard held them (e.g. "60 deletions exceed the limit of 50"). */
  reason: string;
  deletions: HeldDeletionView[];
}

/** One line of the audit trail. */
export interface AuditView {
  /** Stream id; orders entries. */
  id: string;
  /** ISO time. */
  time: string;
  /** create, update, delete, adopt, skip, approve, reject, forget, rebuild, … */
  action: string;
  email: string | null;
  oktaUserId: string | null;
  hubspotUserId: string | null;
  /** applied, failed, held, refused, reported, approved, rejected. */
  outcome: string;
  reason: string;
  /** Values before and after (roles, names, seats): never secrets. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  jobId: string | null;
}

/** A query on the audit trail: newest first, optionally one user's entries (by email). */
export interface AuditQuery {
  /** Email (case-insensitive) of the user whose entries to return. */
  user?: string;
  /** At most this many entries. */
  limit: number;
}

/** A job that failed for good, with the reason. */
export interface FailedJobView {
  queue: string;
  id: string;
  name: string;
  /** The error message of the last attempt (redacted before display). */
  failedReason: string;
  attemptsMade: number;
  /** ISO time of the failure; null when BullMQ did not record it. */
  failedAt: string | null;
  /** Who the job was about: the email the ledger has for the job's Okta user (no other personal data). */
  email: string | null;
  oktaUserId: string | null;
  /** When a later job synced the same user (the failure is then history, not the user's state); null or absent when none has. */
  syncedSince?: string | null;
}

/**
 * Users seen in HubSpot, by who owns them. `managed` comes from the ledger; the others from the
 * latest full reconciliation (null before the first one).
 */
export interface UserCounts {
  /** HubSpot users the daemon manages (ledger entries). */
  managed: number;
  /** HubSpot users with no Okta counterpart: left alone. */
  unmanaged: number | null;
  /** Users on the protected list: never modified or deleted. */
  protected: number | null;
  /** Super admins: never modified or deleted. */
  superAdmins: number | null;
  /** ISO time of the reconciliation the null-able counts come from. */
  asOf: string | null;
}

/** Facts the daemon records as it runs, for freshness checks. All ISO times, null when unknown. */
export interface DaemonFacts {
  /** Last successful System Log poll. */
  lastPollAt: string | null;
  /** `published` of the newest System Log event read. */
  newestEventAt: string | null;
  /** Last reconciliation that finished without failing. */
  lastReconciledAt: string | null;
  /** Whether the ledger is known complete (false after Redis came back empty, until rebuilt). */
  ledgerComplete: boolean | null;
  /** The latest check of the rules' role and seat names against HubSpot (null before the first). */
  rulesCheck: RulesCheckRecord | null;
  /** Recent outages of HubSpot and Okta, newest first (one going on has `endedAt` null). */
  outages: OutageRecord[];
  /** What the Okta event hook delivered (null when it could not be read). */
  eventHook?: HookStatus | null;
}

/**
 * Read side of the ops surface. Implementations read state only (no writes, no API calls to
 * Okta or HubSpot), so the status page stays cheap to load.
 */
export interface StatusSource {
  /** Recent reconciliations, newest first. */
  getLatestPlans(limit: number): Promise<ReconciliationView[]>;
  /** One stored plan with its actions; null when unknown or trimmed. */
  getPlan(planId: string): Promise<PlanView | null>;
  /** Approvals not yet decided, oldest first. */
  getPendingApprovals(): Promise<PendingApprovalView[]>;
  /** Audit trail entries, newest first. */
  getAudit(query: AuditQuery): Promise<AuditView[]>;
  /** Jobs that failed for good, newest first, across every queue. */
  getFailedJobs(limit: number): Promise<FailedJobView[]>;
  /** Managed vs unmanaged vs protected users. */
  getUserCounts(): Promise<UserCounts>;
  /** Poll and reconciliation freshness. */
  getDaemonFacts(): Promise<DaemonFacts>;
  /** Where users synced by a job after `sinceMs` (epoch ms) stand (unmapped Title, seats waited for), oldest first. */
  getStandingsSince(sinceMs: number): Promise<UserStanding[]>;
  /** The latest ledger-wide count of each seat a job counted. */
  getSeatCounts(): Promise<SeatCount[]>;
  /** Changes and failures per hour over the last day, and how long the latest sync jobs took to write. */
  getActivity(now: Date): Promise<ActivityView>;
  /** What the daemon's state says about one user (by email; `oktaUserId` when already known from Okta). */
  getUserRecord(email: string, oktaUserId?: string | null): Promise<UserRecordView>;
}

/** One sync job about a user, as the user page lists it. */
export interface UserJobView {
  queue: string;
  id: string;
  /** BullMQ state: completed, failed, active, waiting, delayed, prioritized. */
  state: string;
  /** What asked for it: events, reconcile, manual, … */
  trigger: string | null;
  queuedAt: string;
  finishedAt: string | null;
  attempts: number;
  /** What it did (e.g. "create, update"), "nothing to change", or why it failed (redacted). */
  outcome: string;
}

/** What the daemon's own state says about one user (the user page's Redis side). */
export interface UserRecordView {
  email: string;
  oktaUserId: string | null;
  /** The managed-user record linking the Okta user to their HubSpot user, if managed. */
  ledger: LedgerEntry | null;
  /** Where their latest sync job left them (unmapped Title, seats waited for). */
  standing: UserStanding | null;
  /** Every audit entry about them (newest first, up to the scan limit). */
  audit: AuditView[];
  /** Their sync jobs still kept by the queue, newest first. */
  jobs: UserJobView[];
  /** The pending hold their deletion is in, if any. */
  hold: { id: string; reason: string; since: string } | null;
  /** What the latest plan decided for them, if it named them. */
  planAction: { planId: string; createdAt: string; kind: string; code: string; reason: string } | null;
}

/** Okta's and HubSpot's answers about one user, asked when the user page is opened. */
export interface UserLookup {
  okta: OktaCandidate | null;
  /** Why Okta could not be asked (redacted before display); null when it answered. */
  oktaError: string | null;
  hubspot: HubSpotUser | null;
  hubspotError: string | null;
  /** HubSpot role id → name, for showing the user's role. */
  roleNames: Record<string, string>;
}

/** Who asked for an operator action, for the audit trail (never a token). */
export interface OperatorContext {
  /** Where the request came from: the status page form or the JSON API. */
  via: 'page' | 'api';
  /** Remote address as the server saw it. */
  remoteAddress: string | null;
}

/** The result of an operator action; `message` is shown to the operator. */
export type OpsActionResult =
  | { ok: true; message: string }
  | { ok: false; reason: 'not-found' | 'conflict' | 'invalid'; message: string };

/**
 * Write side of the ops surface. The server calls these only when `daemon.allowWrites` is on and
 * the request passed authentication and the cross-site checks. Each action must be idempotent
 * (a double click approves once) and record itself in the audit trail.
 */
export interface OpsActions {
  /** Releases the deletions an approval holds (they are carried out by the pipeline). */
  approve(approvalId: string, by: OperatorContext, expectedDeletions?: number): Promise<OpsActionResult>;
  /** Drops the held deletions; the users stay in HubSpot until a later plan decides again. */
  reject(approvalId: string, by: OperatorContext, expectedDeletions?: number): Promise<OpsActionResult>;
  /** Moves a failed job back to waiting. */
  retryJob(queue: string, jobId: string, by: OperatorContext): Promise<OpsActionResult>;
}
