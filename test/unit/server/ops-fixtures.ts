import type { Config } from '../../../config/load';
import { loadConfig } from '../../../config/load';
import type { Queue } from 'bullmq';
import { createRedactor } from '../../../src/lib/redact';
import { opsHttpSettings } from '../../../src/server/ops-server';
import { createQueueView } from '../../../src/server/queue-view';
import type {
  AuditView,
  DaemonFacts,
  FailedJobView,
  OperatorContext,
  OpsActionResult,
  OpsActions,
  PendingApprovalView,
  PlanView,
  StatusSource,
  UserCounts,
} from '../../../src/server/ops-types';
import type { Plan, PlanSummary } from '../../../src/sync/types';
import type { SeatCount, UserStanding } from '../../../src/state/user-standing';
import { activityPerHour, latencyOf } from '../../../src/server/status-charts';

/** Secrets the tests look for in every answer. */
export const SECRETS = {
  okta: 'okta-test-token-00Tq8zX1vYw2',
  hubspot: 'pat-na1-test-4b7d1c2e-hubspot-secret',
  admin: 'admin-test-token-9f8e7d6c5b4a',
} as const;

/** A title an attacker could set in Okta. */
export const MALICIOUS_TITLE = '<script>alert("pwned")</script>';

/** A configuration as `loadConfig` builds it from an environment. */
export function testConfig(opts: { allowWrites?: boolean; adminToken?: string | null; host?: string } = {}): Config {
  const env: NodeJS.ProcessEnv = {
    OKTA_ORG_URL: 'https://example.okta.com',
    OKTA_API_TOKEN: SECRETS.okta,
    OKTA_APP_ID: '0oa1example',
    HUBSPOT_ACCESS_TOKEN: SECRETS.hubspot,
    PORT: '0',
    HOST: opts.host ?? '127.0.0.1',
    ...(opts.adminToken === null ? {} : { SYNC_ADMIN_TOKEN: opts.adminToken ?? SECRETS.admin }),
  };
  const config = loadConfig(env);
  return { ...config, daemon: { ...config.daemon, allowWrites: opts.allowWrites ?? false } };
}

export function summary(partial: Partial<PlanSummary> = {}): PlanSummary {
  return { create: 0, update: 0, delete: 0, adopt: 0, skip: 0, held: 0, drift: 0, unmapped: 0, waitingForSeat: 0, inSync: 0, ...partial };
}

/** A plan with one of each interesting thing: a create, a drift repair, held deletions, an unmapped title, a seat waiting list. */
export function samplePlan(): Plan {
  return {
    summary: summary({ create: 1, update: 1, skip: 2, held: 1, drift: 1, unmapped: 1, waitingForSeat: 1, inSync: 5 }),
    actions: [
      {
        kind: 'create',
        code: 'new-assignment',
        reason: 'ada@example.com was assigned to the HubSpot app',
        email: 'ada@example.com',
        oktaUserId: '00u1ada',
        hubspotUserId: null,
        desired: {
          oktaUserId: '00u1ada',
          email: 'ada@example.com',
          firstName: 'Ada',
          lastName: 'Lovelace',
          roleId: '11',
          roleName: 'Sales Rep',
          seatNames: ['sales'],
          primaryTeamId: null,
          roleReason: 'exact title match',
        },
        changes: [],
      },
      {
        kind: 'update',
        code: 'drift',
        reason: 'bob@example.com: role was changed in HubSpot; Okta wins',
        email: 'bob@example.com',
        oktaUserId: '00u1bob',
        hubspotUserId: '501',
        drift: true,
        changes: [{ field: 'roleId', before: '12', after: '11', beforeLabel: 'Admin', afterLabel: 'Sales Rep' }],
        desired: { oktaUserId: '00u1bob', email: 'bob@example.com', firstName: null, lastName: null, roleId: '11', roleName: null, seatNames: [], primaryTeamId: null, roleReason: 'exact title match' },
      },
      {
        kind: 'skip',
        code: 'unmanaged',
        reason: 'zed@example.com is not managed by the daemon: left alone',
        email: 'zed@example.com',
        oktaUserId: null,
        hubspotUserId: '777',
      },
      {
        kind: 'skip',
        code: 'protected',
        reason: 'boss@example.com is on the protected list',
        email: 'boss@example.com',
        oktaUserId: null,
        hubspotUserId: '778',
      },
    ],
    held: {
      reason: '60 deletions exceed the limit of 50',
      actions: [
        { kind: 'delete', code: 'left-scope', reason: 'carol@example.com left scope', email: 'carol@example.com', oktaUserId: '00u1carol', hubspotUserId: '502' },
      ],
    },
    unmappedTitles: [{ title: MALICIOUS_TITLE, users: [{ oktaUserId: '00u1eve', email: 'eve@example.com' }] }],
    seats: [{ seat: 'sales', used: 3, budget: 3, waiting: [{ oktaUserId: '00u1dan', email: 'dan@example.com', since: '2026-11-01T00:00:00.000Z' }] }],
  };
}

export function samplePlanView(): PlanView {
  return {
    planId: 'plan-20261128t120000z-abc123',
    createdAt: '2026-11-28T12:00:00.000Z',
    finishedAt: '2026-11-28T12:01:00.000Z',
    trigger: 'cron',
    dryRun: false,
    outcome: 'held',
    summary: samplePlan().summary,
    applied: { create: 1, update: 1, delete: 0, adopt: 0, unchanged: 5 },
    failures: 0,
    approvalId: 'plan-20261128t120000z-abc123',
    // An SDK error that quoted a header and the token: must never reach an answer.
    error: `request failed: Authorization: SSWS ${SECRETS.okta}`,
    plan: samplePlan(),
  };
}

/** Calls the fake actions received. */
export interface ActionCall {
  action: 'approve' | 'reject' | 'retryJob';
  args: string[];
  by: OperatorContext;
}

/** An in-memory status source and actions with the sample data. Fake read and write sides; `standings` and `seatCounts` are what sync-user jobs recorded after the sample plan. */
export function fakeOps(opts: { standings?: UserStanding[]; seatCounts?: SeatCount[] } = {}) {
  const standings = opts.standings ?? [];
  const seatCounts = opts.seatCounts ?? [];
  const calls: ActionCall[] = [];
  const plan = samplePlanView();
  const approvals: PendingApprovalView[] = [
    {
      id: 'plan-20261128t120000z-abc123',
      createdAt: '2026-11-28T12:00:00.000Z',
      planId: plan.planId,
      reason: '60 deletions exceed the limit of 50',
      deletions: [{ hubspotUserId: '502', email: 'carol@example.com', reason: 'carol@example.com left scope' }],
    },
  ];
  const audit: AuditView[] = [
    {
      id: '1-0',
      time: '2026-11-28T12:00:30.000Z',
      action: 'create',
      email: 'ada@example.com',
      oktaUserId: '00u1ada',
      hubspotUserId: '601',
      outcome: 'applied',
      reason: 'ada@example.com was assigned to the HubSpot app',
      before: null,
      after: { roleId: '11' },
      jobId: 'sync-user-1',
    },
    {
      id: '2-0',
      time: '2026-11-28T12:00:40.000Z',
      action: 'update',
      email: 'bob@example.com',
      oktaUserId: '00u1bob',
      hubspotUserId: '501',
      outcome: 'failed',
      reason: `HubSpot said 401 for Bearer ${SECRETS.hubspot}`,
      before: { roleId: '12' },
      after: { roleId: '11' },
      jobId: 'sync-user-2',
    },
  ];
  const failed: FailedJobView[] = [
    {
      queue: 'sync-user',
      id: 'sync-user-9',
      name: 'sync-user',
      failedReason: `token ${SECRETS.admin} rejected`,
      attemptsMade: 8,
      failedAt: '2026-11-28T12:00:50.000Z',
      email: 'frank@example.com',
      oktaUserId: '00u1frank',
    },
  ];
  const users: UserCounts = { managed: 42, unmanaged: 1, protected: 1, superAdmins: 0, asOf: plan.createdAt };
  const facts: DaemonFacts = {
    lastPollAt: '2026-11-28T12:05:00.000Z',
    newestEventAt: '2026-11-28T12:04:58.000Z',
    lastReconciledAt: '2026-11-28T12:01:00.000Z',
    ledgerComplete: true,
    rulesCheck: null,
    outages: [
      { api: 'hubspot', kind: 'unavailable', reason: 'HubSpot listUsers failed (503): <script>x</script>', since: '2026-11-28T11:50:00.000Z', endedAt: '2026-11-28T11:51:05.000Z' },
    ],
  };
  const { plan: _plan, ...header } = plan;
  const status: StatusSource = {
    getLatestPlans: async (limit) => [header].slice(0, limit),
    getPlan: async (id) => (id === plan.planId ? plan : null),
    getPendingApprovals: async () => approvals,
    getAudit: async (q) => audit.filter((e) => !q.user || e.email === q.user.toLowerCase()).reverse().slice(0, q.limit),
    getFailedJobs: async (limit) => failed.slice(0, limit),
    getUserCounts: async () => users,
    getDaemonFacts: async () => facts,
    getStandingsSince: async (sinceMs) => standings.filter((x) => Date.parse(x.at) > sinceMs),
    getSeatCounts: async () => seatCounts,
    getActivity: async (now) => ({
      asOf: now.toISOString(),
      hours: activityPerHour(audit, now),
      latency: latencyOf(3, [{ at: '2026-11-28T12:00:30.000Z', ms: 1200, fromOkta: true }, { at: '2026-11-28T12:00:40.000Z', ms: 2500, fromOkta: false }]),
    }),
    getUserRecord: async (email, oktaUserId) => ({
      email,
      oktaUserId: oktaUserId ?? audit.find((e) => e.email === email)?.oktaUserId ?? null,
      ledger: null,
      standing: null,
      audit: audit.filter((e) => e.email === email).reverse(),
      jobs: [],
      hold: null,
      planAction: null,
    }),
  };
  const ok = (message: string): OpsActionResult => ({ ok: true, message });
  const actions: OpsActions = {
    approve: async (id, by) => {
      calls.push({ action: 'approve', args: [id], by });
      return approvals.some((a) => a.id === id) ? ok('approved') : { ok: false, reason: 'not-found', message: `no approval ${id}` };
    },
    reject: async (id, by) => {
      calls.push({ action: 'reject', args: [id], by });
      return ok('rejected');
    },
    retryJob: async (queue, id, by) => {
      calls.push({ action: 'retryJob', args: [queue, id], by });
      return ok('retried');
    },
  };
  return { status, actions, calls };
}

/** What the composition root hands the ops server for `config`: its settings, the redactor and the queue view. */
export function serverParts(config: Config, queues: Readonly<Record<string, Queue>>) {
  const redactor = createRedactor(config.secrets);
  return { http: opsHttpSettings(config), redactor, queueView: createQueueView(queues, redactor, { get: async () => null }) };
}
