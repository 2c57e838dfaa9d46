import { Queue, QueueEvents, Worker } from 'bullmq';
import Redis from 'ioredis';
import { createRedactor } from '../../../src/lib/redact';
import { silentLogger } from '../../../src/lib/logger';
import { createSharedMetricFacts } from '../../../src/server/metric-facts';
import { createOpsActions } from '../../../src/server/ops-actions';
import { createQueueView } from '../../../src/server/queue-view';
import { createStatusSource } from '../../../src/server/status-source';
import type { Approval } from '../../../src/state/approval-store';
import { createState, type State } from '../../../src/state/state';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';
import { MALICIOUS_TITLE, SECRETS, samplePlan } from '../../unit/server/ops-fixtures';
import { savePlan } from '../../helpers/plans';

const prefix = uniquePrefix('ops-status');
const planId = 'plan-20261128t120000z-abc123';
const by = { via: 'api' as const, remoteAddress: '127.0.0.1' };

let redis: Redis;
let state: State;
let queue: Queue;
let holdId = '';

beforeAll(async () => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  state = createState(redis, prefix, { auditMaxEntries: 1000, plansKept: 5 });
  const plan = samplePlan();
  await savePlan(state.plans, {
    id: planId,
    createdAt: '2026-11-28T12:00:00.000Z',
    trigger: 'cron',
    dryRun: false,
    status: 'done',
    summary: plan.summary,
    approvalId: planId,
    jobs: 2,
    outcome: { finishedAt: '2026-11-28T12:01:00.000Z', durationMs: 60_000, applied: { create: 1, update: 1, delete: 0, adopt: 0, unchanged: 0 }, held: 1, failures: [] },
    plan,
  });
  holdId = (await state.approvals.hold({ kind: 'reconcile', planId, reason: plan.held!.reason, actions: plan.held!.actions })).id;
  for (const email of ['ada@example.com', 'bob@example.com', 'ada@example.com']) {
    await state.audit.append({ action: 'update', email, oktaUserId: null, hubspotUserId: null, before: null, after: null, jobId: null, outcome: 'applied', reason: `changed ${email}` });
  }
  await state.ledger.upsert({ hubspotUserId: '601', oktaUserId: '00u1ada', email: 'ada@example.com', how: 'created', managedSince: '2026-11-28T12:00:30.000Z', lastApplied: null });
  await state.status.set({ lastPollAt: '2026-11-28T12:05:00.000Z', newestEventAt: '2026-11-28T12:04:58.000Z', lastReconcileFinishedAt: '2026-11-28T12:01:00.000Z' });

  const connection = { url: testRedisUrl() };
  queue = new Queue('sync-user', { connection, prefix });
  const events = new QueueEvents('sync-user', { connection, prefix });
  await events.waitUntilReady();
  const failed = new Promise<void>((resolve) => events.once('failed', () => resolve()));
  const worker = new Worker('sync-user', async () => Promise.reject(new Error(`refused: token=${SECRETS.hubspot}`)), { connection, prefix });
  // Job payloads carry the Okta id only; the email comes from the ledger.
  await queue.add('sync-user', { oktaUserId: '00u1ada', trigger: 'manual' }, { jobId: 'ada-1', attempts: 1 });
  await failed;
  await worker.close();
  await events.close();
});

afterAll(async () => {
  await queue.close();
  await removeKeys(prefix);
  redis.disconnect();
});

function build() {
  const queueView = createQueueView({ 'sync-user': queue }, createRedactor([SECRETS.hubspot]), state.ledger);
  const released: Approval[] = [];
  const status = createStatusSource({ state, queueView });
  const actions = createOpsActions({ state, queueView, logger: silentLogger(), onApproved: async (a) => void released.push(a) });
  return { status, actions, released };
}

describe('status source over the Redis state', () => {
  it('reads reconciliations, the latest plan and pending approvals as the page shows them', async () => {
    const { status } = build();
    const [latest] = await status.getLatestPlans(10);
    expect(latest).toMatchObject({ planId, outcome: 'held', applied: { create: 1, update: 1 }, failures: 0 });
    const plan = await status.getPlan(planId);
    expect(plan?.plan.unmappedTitles[0]?.title).toBe(MALICIOUS_TITLE);
    const approvals = await status.getPendingApprovals();
    expect(approvals).toEqual([
      expect.objectContaining({ id: holdId, planId, deletions: [{ hubspotUserId: '502', email: 'carol@example.com', reason: 'carol@example.com left scope' }] }),
    ]);
  });

  it('counts managed users from the ledger and unmanaged and protected ones from the latest plan', async () => {
    expect(await build().status.getUserCounts()).toEqual({ managed: 1, unmanaged: 1, protected: 1, superAdmins: 0, asOf: '2026-11-28T12:00:00.000Z' });
  });

  it('reports freshness facts and that the ledger was never marked complete', async () => {
    expect(await build().status.getDaemonFacts()).toEqual({
      lastPollAt: '2026-11-28T12:05:00.000Z',
      newestEventAt: '2026-11-28T12:04:58.000Z',
      lastReconciledAt: '2026-11-28T12:01:00.000Z',
      ledgerComplete: false,
      rulesCheck: null,
      outages: [],
      eventHook: expect.objectContaining({ deliveries: 0, lastDeliveryAt: null, missedByHook: 0 }),
    });
  });

  it("filters the audit trail to one user's entries, newest first, whatever the email's case", async () => {
    const entries = await build().status.getAudit({ user: 'ADA@example.com', limit: 10 });
    expect(entries.map((e) => e.email)).toEqual(['ada@example.com', 'ada@example.com']);
    expect(entries[0]!.id > entries[1]!.id).toBe(true);
    expect((await build().status.getAudit({ limit: 2 })).map((e) => e.email)).toEqual(['ada@example.com', 'bob@example.com']);
  });

  it('gives the metrics the facts every replica shares', async () => {
    expect(await createSharedMetricFacts(state)()).toEqual({
      lastPollAt: '2026-11-28T12:05:00.000Z',
      newestEventAt: '2026-11-28T12:04:58.000Z',
      lastReconciledAt: '2026-11-28T12:01:00.000Z',
      pendingApprovals: 1,
      deletionsAwaitingApproval: 1,
      rulesUnknownNames: null,
    });
  });

  it('lists failed jobs with redacted reasons', async () => {
    const [job] = await build().status.getFailedJobs(10);
    expect(job).toMatchObject({ queue: 'sync-user', id: 'ada-1', email: 'ada@example.com', oktaUserId: '00u1ada', attemptsMade: 1 });
    expect(job!.failedReason).toBe('refused: token=[REDACTED]');
  });
});

describe('ops actions over the Redis state', () => {
  it('refuses to decide a hold that changed since the operator saw it', async () => {
    const { actions, released } = build();
    const stale = await actions.approve(holdId, by, 2);
    expect(stale).toEqual({ ok: false, reason: 'conflict', message: `hold ${holdId} changed since it was shown: it now holds 1 deletions; look at it again before deciding` });
    expect(await actions.reject(holdId, by, 0)).toMatchObject({ ok: false, reason: 'conflict' });
    expect(released).toEqual([]);
    expect((await state.approvals.get(holdId))?.status).toBe('pending');
    expect(await state.approvals.approvedDeletions()).toEqual([]);
  });

  it('approves held deletions once, records it in the audit trail and releases them', async () => {
    const { actions, released } = build();
    expect(await actions.approve(holdId, by, 1)).toEqual({ ok: true, message: '1 held deletions approved; they will be carried out shortly' });
    expect(released.map((a) => a.id)).toEqual([holdId]);
    expect(await state.approvals.approvedDeletions()).toEqual(['502']);
    const [perUser, whole] = await state.audit.recent(2);
    expect(whole).toMatchObject({ action: 'approve', outcome: 'approved', email: null });
    expect(whole!.reason).toContain('operator via ops API from 127.0.0.1');
    expect(perUser).toMatchObject({ action: 'approve', outcome: 'approved', email: 'carol@example.com', hubspotUserId: '502' });
    expect(await actions.approve(holdId, by)).toMatchObject({ ok: false, reason: 'conflict' });
    expect(await actions.reject(holdId, by)).toMatchObject({ ok: false, reason: 'conflict' });
    expect(await actions.approve('plan-unknown', by)).toMatchObject({ ok: false, reason: 'not-found' });
    expect(released).toHaveLength(1);
    expect(await build().status.getPendingApprovals()).toEqual([]);
  });

  it('retries a failed job once and refuses unknown queues and jobs', async () => {
    const { actions } = build();
    expect(await actions.retryJob('sync-user', 'ada-1', by)).toMatchObject({ ok: true });
    expect(await (await queue.getJob('ada-1'))!.getState()).toBe('waiting');
    expect(await actions.retryJob('sync-user', 'ada-1', by)).toMatchObject({ ok: false, reason: 'conflict' });
    expect(await actions.retryJob('sync-user', 'nobody', by)).toMatchObject({ ok: false, reason: 'not-found' });
    expect(await actions.retryJob('toString', 'ada-1', by)).toMatchObject({ ok: false, reason: 'not-found' });
  });
});
