import { createMetrics, safeRouteLabel } from '../../../src/server/metrics';
import { samplePlan } from './ops-fixtures';

function fakeQueue(name: string, counts: Record<string, number>) {
  return { name, getJobCounts: async () => counts };
}

describe('metrics', () => {
  it('exports queue counts, API calls, freshness, plan counts and seats, with no personal data in labels', async () => {
    let now = Date.parse('2026-11-28T12:00:00.000Z');
    const metrics = createMetrics({
      defaultMetrics: false,
      now: () => now,
      queues: { 'sync-user': fakeQueue('sync-user', { waiting: 4, failed: 2 }) },
    });
    metrics.recordApiCall({ api: 'okta', method: 'get', route: '/api/v1/users/{userId}', status: 200, durationMs: 120 });
    metrics.recordApiCall({ api: 'hubspot', method: 'PUT', route: '/settings/v3/users/ada@example.com', status: 429, rateLimitRemaining: 0 });
    metrics.recordApiCall({ api: 'okta', method: 'GET', route: '/api/v1/users/00u1abcdefghijklmnop', status: null });
    metrics.recordPoll({ newestEventAt: '2026-11-28T11:59:30.000Z', events: 3 });
    metrics.recordPlan(samplePlan());
    metrics.recordReconcileDone(new Date(now - 60_000));
    metrics.recordJob({ queue: 'sync-user', state: 'completed', durationMs: 250 });
    now += 10_000;

    const text = await metrics.registry.metrics();
    expect(text).toContain('okta_hubspot_sync_queue_jobs{queue="sync-user",state="waiting"} 4');
    expect(text).toContain('okta_hubspot_sync_api_requests_total{api="okta",method="GET",route="/api/v1/users/{userId}",status="200"} 1');
    expect(text).toContain('okta_hubspot_sync_api_requests_total{api="okta",method="GET",route="other",status="error"} 1');
    expect(text).toContain('okta_hubspot_sync_api_rate_limited_total{api="hubspot",route="other"} 1');
    expect(text).toContain('okta_hubspot_sync_rate_limit_remaining{api="hubspot"} 0');
    expect(text).toContain('okta_hubspot_sync_system_log_lag_seconds 40');
    expect(text).toContain('okta_hubspot_sync_seconds_since_last_reconcile 70');
    expect(text).toContain('okta_hubspot_sync_last_plan_actions{kind="drift"} 1');
    expect(text).toContain('okta_hubspot_sync_deletions_held 1');
    expect(text).toContain('okta_hubspot_sync_unmapped_users 1');
    expect(text).toContain('okta_hubspot_sync_seats_used{seat="sales"} 3');
    expect(text).toContain('okta_hubspot_sync_seats_waiting{seat="sales"} 1');
    expect(text).toContain('okta_hubspot_sync_job_duration_seconds_count{queue="sync-user",state="completed"} 1');
    expect(text).not.toContain('@');
    expect(text).not.toContain('00u1');
  });

  it('leaves out queue counts that Redis does not give in time instead of showing stale ones', async () => {
    const metrics = createMetrics({
      defaultMetrics: false,
      queueCountTimeoutMs: 20,
      queues: { slow: { name: 'slow', getJobCounts: () => new Promise<Record<string, number>>(() => undefined) } },
    });
    expect(await metrics.registry.metrics()).not.toContain('queue="slow"');
  });

  it('reports freshness and held deletions from the shared facts, so every replica tells the same story', async () => {
    const now = Date.parse('2026-11-28T12:00:00.000Z');
    const metrics = createMetrics({
      defaultMetrics: false,
      now: () => now,
      sharedFacts: async () => ({
        lastPollAt: '2026-11-28T11:59:50.000Z',
        newestEventAt: '2026-11-28T11:58:00.000Z',
        lastReconciledAt: '2026-11-28T11:00:00.000Z',
        pendingApprovals: 1,
        deletionsAwaitingApproval: 60,
      }),
    });
    // This process saw an older event than another replica did.
    metrics.recordPoll({ newestEventAt: '2026-11-28T11:50:00.000Z', at: new Date(now - 600_000) });
    const text = await metrics.registry.metrics();
    expect(text).toContain('okta_hubspot_sync_system_log_lag_seconds 120');
    expect(text).toContain('okta_hubspot_sync_system_log_last_poll_timestamp_seconds 1795867190');
    expect(text).toContain('okta_hubspot_sync_seconds_since_last_reconcile 3600');
    expect(text).toContain('okta_hubspot_sync_approvals_pending 1');
    expect(text).toContain('okta_hubspot_sync_deletions_awaiting_approval 60');
  });

  it('counts the time since start when no reconciliation ever finished, and ignores failed ones', async () => {
    let now = 1_000_000;
    const metrics = createMetrics({ defaultMetrics: false, now: () => now });
    metrics.recordReconcileDone(new Date(now), 'failed');
    now += 7_200_000;
    const text = await metrics.registry.metrics();
    expect(text).toContain('okta_hubspot_sync_seconds_since_last_reconcile 7200');
    expect(text).toContain('okta_hubspot_sync_reconciliations_total{outcome="failed"} 1');
    expect(text).toContain('okta_hubspot_sync_last_reconcile_success_timestamp_seconds 0');
  });

  it('keeps route templates and replaces anything that could be personal', () => {
    expect(safeRouteLabel('/api/v1/apps/{appId}/users')).toBe('/api/v1/apps/{appId}/users');
    expect(safeRouteLabel('/settings/2026-03/users/{userId}')).toBe('/settings/2026-03/users/{userId}');
    expect(safeRouteLabel('/settings/v3/users/123456789')).toBe('other');
    expect(safeRouteLabel('/x?email=a@b.c')).toBe('other');
  });
});
