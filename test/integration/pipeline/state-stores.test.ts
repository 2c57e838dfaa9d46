import Redis from 'ioredis';
import { createState, type State } from '../../../src/state/state';
import type { LedgerEntry, PlanAction } from '../../../src/sync/types';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';

const prefix = uniquePrefix('state');
let redis: Redis;
let state: State;

beforeAll(() => {
  redis = new Redis(testRedisUrl());
  state = createState(redis, prefix, { auditMaxEntries: 1000, plansKept: 3 });
});

afterAll(async () => {
  await removeKeys(prefix);
  redis.disconnect();
});

function entry(oktaUserId: string, hubspotUserId: string, email: string): LedgerEntry {
  return { oktaUserId, hubspotUserId, email, how: 'created', managedSince: '2026-01-01T00:00:00.000Z', lastApplied: null };
}

function deleteAction(hubspotUserId: string): PlanAction {
  return { kind: 'delete', code: 'left-scope', reason: 'left scope', email: `${hubspotUserId}@x.test`, oktaUserId: `okta-${hubspotUserId}`, hubspotUserId };
}

describe('ledger store', () => {
  it('finds an entry by Okta id, HubSpot id and email, and follows changes of both', async () => {
    await state.ledger.upsert(entry('00u1', '101', 'Ann@Example.com'));
    expect((await state.ledger.getByHubSpotId('101'))?.oktaUserId).toBe('00u1');
    expect((await state.ledger.getByEmail('ann@example.com'))?.oktaUserId).toBe('00u1');

    await state.ledger.upsert(entry('00u1', '102', 'ann.new@example.com'));
    expect(await state.ledger.getByHubSpotId('101')).toBeNull();
    expect(await state.ledger.getByEmail('ann@example.com')).toBeNull();
    expect((await state.ledger.getByHubSpotId('102'))?.email).toBe('ann.new@example.com');
    expect(await state.ledger.count()).toBe(1);
  });

  it('refuses to link one HubSpot user to two Okta users', async () => {
    await state.ledger.upsert(entry('00u2', '201', 'bob@example.com'));
    await expect(state.ledger.upsert(entry('00u3', '201', 'carl@example.com'))).rejects.toThrow(/already managed/);
    expect(await state.ledger.get('00u3')).toBeNull();
  });

  it('removes an entry with its indexes', async () => {
    await state.ledger.upsert(entry('00u4', '401', 'dee@example.com'));
    expect((await state.ledger.remove('00u4'))?.hubspotUserId).toBe('401');
    expect(await state.ledger.getByHubSpotId('401')).toBeNull();
    expect(await state.ledger.remove('00u4')).toBeNull();
  });

  it('counts managed users per role and seat from what was last applied', async () => {
    const applied = (roleId: string | null, seatNames: string[]) => ({ email: 'x@x.test', roleId, firstName: null, lastName: null, seatNames, primaryTeamId: null });
    await state.ledger.upsert({ ...entry('00u7', '701', 'e7@x.test'), lastApplied: applied('2002', ['Sales Hub Professional']) });
    await state.ledger.upsert({ ...entry('00u8', '801', 'e8@x.test'), lastApplied: applied('2002', []) });
    const counts = await state.ledger.seatCounts();
    expect(counts.byRoleId['2002']).toBe(2);
    expect(counts.bySeatName['Sales Hub Professional']).toBe(1);
  });

  it('has no epoch until marked complete', async () => {
    expect(await state.ledger.epoch()).toBeNull();
    await state.ledger.markComplete({ id: 'e1', since: '2026-01-01T00:00:00.000Z', how: 'fresh' });
    expect((await state.ledger.epoch())?.id).toBe('e1');
  });
});

describe('approval store', () => {
  it('releases exactly the held HubSpot ids when approved, and only once', async () => {
    const id = await state.approvals.hold({ id: 'plan-a', kind: 'reconcile', planId: 'plan-a', reason: '60 deletions', actions: [deleteAction('1'), deleteAction('2')] });
    expect(id).toBe('plan-a');
    expect((await state.approvals.pending()).map((a) => a.id)).toContain('plan-a');
    expect(await state.approvals.approvedDeletions()).toEqual([]);

    const approved = await state.approvals.approve('plan-a', 'ops');
    expect(approved?.status).toBe('approved');
    expect((await state.approvals.approvedDeletions()).sort()).toEqual(['1', '2']);
    expect(await state.approvals.approve('plan-a', 'ops')).toBeNull();

    await state.approvals.consume('1');
    expect(await state.approvals.approvedDeletions()).toEqual(['2']);
  });

  it('adds event-driven holds to the pending approval and files new ones apart once decided', async () => {
    await state.approvals.hold({ id: 'events-x', kind: 'events', planId: null, reason: 'r', actions: [deleteAction('7')] });
    await state.approvals.hold({ id: 'events-x', kind: 'events', planId: null, reason: 'r', actions: [deleteAction('8')] });
    expect((await state.approvals.get('events-x'))?.held).toHaveLength(2);
    await state.approvals.reject('events-x', 'ops');
    const next = await state.approvals.hold({ id: 'events-x', kind: 'events', planId: null, reason: 'r', actions: [deleteAction('9')] });
    expect(next).not.toBe('events-x');
    expect((await state.approvals.get(next))?.held.map((a) => a.hubspotUserId)).toEqual(['9']);
    expect(await state.approvals.approvedDeletions()).not.toContain('7');
  });

  it('drops a deletion carried out elsewhere from every pending approval, and retires an approval left with none', async () => {
    await state.approvals.hold({ id: 'plan-c', kind: 'reconcile', planId: 'plan-c', reason: 'r', actions: [deleteAction('21'), deleteAction('22')] });
    await state.approvals.hold({ id: 'events-c', kind: 'events', planId: null, reason: 'r', actions: [deleteAction('21')] });
    await state.approvals.consume('21');
    expect((await state.approvals.get('events-c'))?.status).toBe('superseded');
    const plan = await state.approvals.get('plan-c');
    expect(plan?.status).toBe('pending');
    expect(plan?.held.map((a) => a.hubspotUserId)).toEqual(['22']);
  });

  it('supersedes older reconciliation holds', async () => {
    await state.approvals.hold({ id: 'plan-old', kind: 'reconcile', planId: 'plan-old', reason: 'r', actions: [deleteAction('5')] });
    await state.approvals.hold({ id: 'plan-new', kind: 'reconcile', planId: 'plan-new', reason: 'r', actions: [deleteAction('5')] });
    await state.approvals.supersedeReconcileHolds('plan-new');
    expect((await state.approvals.get('plan-old'))?.status).toBe('superseded');
    expect((await state.approvals.get('plan-new'))?.status).toBe('pending');
  });
});

describe('plan store', () => {
  it('keeps only the newest plans and records outcomes', async () => {
    const summary = { create: 0, update: 0, delete: 0, adopt: 0, skip: 0, held: 0, drift: 0, unmapped: 0, waitingForSeat: 0, inSync: 0 };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = `plan-${i}`;
      ids.push(id);
      await state.plans.save({
        id,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        trigger: 'manual',
        dryRun: false,
        status: 'applying',
        summary,
        approvalId: null,
        jobs: 0,
        outcome: null,
        plan: { summary, actions: [], unmappedTitles: [], seats: [] },
      });
    }
    expect((await state.plans.list()).map((p) => p.id)).toEqual(['plan-4', 'plan-3', 'plan-2']);
    expect(await state.plans.get('plan-0')).toBeNull();
    await state.plans.update('plan-4', { status: 'done' });
    expect((await state.plans.latest())?.status).toBe('done');
  });
});

describe('audit log, cursor, deletion counter, locks', () => {
  it('returns audit entries newest first and pages back', async () => {
    for (const email of ['a@x.test', 'b@x.test', 'c@x.test']) {
      await state.audit.append({ action: 'create', email, oktaUserId: null, hubspotUserId: null, before: null, after: null, jobId: null, outcome: 'applied', reason: 'new' });
    }
    const [first, second] = await state.audit.recent(2);
    expect([first?.email, second?.email]).toEqual(['c@x.test', 'b@x.test']);
    const older = await state.audit.recent(5, second?.id);
    expect(older.map((e) => e.email)).toEqual(['a@x.test']);
  });

  it('stores the cursor', async () => {
    expect(await state.cursor.get()).toBeNull();
    await state.cursor.set('https://okta.test/api/v1/logs?after=1');
    expect(await state.cursor.get()).toBe('https://okta.test/api/v1/logs?after=1');
  });

  it('counts deletions of the rolling hour only', async () => {
    const now = Date.now();
    await state.deletions.record('1', now - 2 * 3600_000);
    await state.deletions.record('2', now - 60_000);
    await state.deletions.record('3', now);
    expect(await state.deletions.count(now)).toBe(2);
  });

  it('lets one holder have a lock at a time', async () => {
    const a = await state.locks.tryAcquire('x', 10_000);
    expect(a).not.toBeNull();
    expect(await state.locks.tryAcquire('x', 10_000)).toBeNull();
    await a?.release();
    expect(await state.locks.tryAcquire('x', 10_000)).not.toBeNull();
  });
});
