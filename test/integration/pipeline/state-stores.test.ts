import Redis from 'ioredis';
import { createApprovalStore } from '../../../src/state/approval-store';
import { createState, type State } from '../../../src/state/state';
import type { LedgerEntry, PlanAction } from '../../../src/sync/types';
import { removeKeys, testRedisUrl, uniquePrefix } from '../../helpers/redis';
import { savePlan } from '../../helpers/plans';

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

/** An approval store keeping only `kept` decided holds, over the same prefix. */
function createApprovalStoreWithKept(s: State, kept: number) {
  return createApprovalStore(redis, s.prefix, { kept });
}

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

describe('approval store: one sticky hold at a time', () => {
  // Each test gets its own prefix: holds are shared state (one pending hold per prefix).
  let holds: State['approvals'];
  const prefixes: string[] = [];
  beforeEach(() => {
    const p = uniquePrefix('holds');
    prefixes.push(p);
    holds = createState(redis, p, { auditMaxEntries: 1000, plansKept: 3 }).approvals;
  });
  afterAll(async () => {
    for (const p of prefixes) {
      await removeKeys(p);
    }
  });

  it('releases exactly the held HubSpot ids when approved, and only once', async () => {
    const filed = await holds.hold({ kind: 'reconcile', planId: 'plan-a', reason: '60 deletions', actions: [deleteAction('1'), deleteAction('2')] });
    expect(filed).toMatchObject({ created: true });
    expect(filed.id).toMatch(/^hold-\d{8}t\d{6}z-[0-9a-f]{4}$/);
    expect((await holds.pending()).map((a) => a.id)).toEqual([filed.id]);
    expect(await holds.approvedDeletions()).toEqual([]);

    const approved = await holds.approve(filed.id, 'ops');
    expect(approved?.status).toBe('approved');
    expect((await holds.approvedDeletions()).sort()).toEqual(['1', '2']);
    expect(await holds.approve(filed.id, 'ops')).toBeNull();
    expect(await holds.reject(filed.id, 'ops')).toBeNull();

    await holds.consume('1');
    expect(await holds.approvedDeletions()).toEqual(['2']);
  });

  it('files every held deletion into the pending hold, whoever files it, and records each user once', async () => {
    const first = await holds.hold({ kind: 'events', planId: null, reason: 'r', actions: [deleteAction('7')] });
    const second = await holds.hold({ kind: 'reconcile', planId: 'plan-b', reason: 'other', actions: [deleteAction('7'), deleteAction('8')] });
    expect(second).toMatchObject({ id: first.id, created: false });
    expect(second.added.map((a) => a.hubspotUserId)).toEqual(['8']);
    const hold = await holds.get(first.id);
    expect(hold?.held.map((a) => a.hubspotUserId).sort()).toEqual(['7', '8']);
    expect(hold?.reason).toBe('r');
    expect(await holds.guardHolds()).toEqual({
      pending: { id: first.id, members: expect.arrayContaining([expect.objectContaining({ hubspotUserId: '7' }), expect.objectContaining({ hubspotUserId: '8' })]) },
      rejected: [],
      holdAll: null,
    });
  });

  it('a rejected hold keeps its users from deletion until released; the next held deletion opens a new hold', async () => {
    const first = await holds.hold({ kind: 'events', planId: null, reason: 'r', actions: [deleteAction('7'), deleteAction('8')] });
    await holds.reject(first.id, 'ops');
    expect((await holds.guardHolds()).rejected.map((m) => m.hubspotUserId).sort()).toEqual(['7', '8']);
    expect(await holds.approvedDeletions()).toEqual([]);
    const next = await holds.hold({ kind: 'events', planId: null, reason: 'r', actions: [deleteAction('9')] });
    expect(next.created).toBe(true);
    expect(next.id).not.toBe(first.id);
    expect(await holds.unreject(['7'])).toEqual(['7']);
    expect((await holds.guardHolds()).rejected.map((m) => m.hubspotUserId)).toEqual(['8']);
  });

  it('a user back in scope leaves the hold; a hold left empty is withdrawn and the next one is new', async () => {
    const first = await holds.hold({ kind: 'events', planId: null, reason: 'r', actions: [deleteAction('21'), deleteAction('22')] });
    expect(await holds.release(['21'])).toEqual(['21']);
    expect((await holds.get(first.id))?.status).toBe('pending');
    await holds.consume('22');
    expect((await holds.get(first.id))?.status).toBe('withdrawn');
    expect((await holds.guardHolds()).pending).toBeNull();
    expect((await holds.hold({ kind: 'events', planId: null, reason: 'r', actions: [deleteAction('23')] })).created).toBe(true);
  });

  it('never drops a pending hold when trimming old ones, and a decision lifts hold-everything', async () => {
    const few = createState(redis, prefixes[prefixes.length - 1] ?? '', { auditMaxEntries: 10, plansKept: 3 });
    const kept = createApprovalStoreWithKept(few, 2);
    await kept.hold({ kind: 'events', planId: null, reason: 'r', actions: [deleteAction('1')] });
    await kept.setHoldAll('Redis lost its data');
    expect((await kept.guardHolds()).holdAll).toBe('Redis lost its data');
    let last = '';
    for (let i = 0; i < 4; i++) {
      await kept.approve((await kept.pending())[0]?.id ?? '', 'ops');
      last = (await kept.hold({ kind: 'events', planId: null, reason: 'r', actions: [deleteAction(`x${i}`)] })).id;
    }
    expect((await kept.pending()).map((a) => a.id)).toEqual([last]);
    expect((await kept.guardHolds()).holdAll).toBeNull();
    expect((await kept.list()).length).toBe(2);
  });
});

describe('plan store', () => {
  it('keeps only the newest plans and records outcomes', async () => {
    const summary = { create: 0, update: 0, delete: 0, adopt: 0, skip: 0, held: 0, drift: 0, unmapped: 0, waitingForSeat: 0, inSync: 0 };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = `plan-${i}`;
      ids.push(id);
      await savePlan(state.plans, {
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

describe('user standing store', () => {
  const standing = (oktaUserId: string, waitingFor: Array<{ seat: string; since: string | null }>) => ({ oktaUserId, email: `${oktaUserId}@x.test`, at: '2026-12-01T12:00:00.000Z', unmappedTitle: null, waitingFor });
  const counts = [
    { seat: 'Core', used: 3, budget: null },
    { seat: 'Sales Hub', used: 2, budget: 2 },
  ];

  it('keeps each seat\'s waiting line in line order, and takes a user out once they wait no more', async () => {
    await state.standing.note(standing('late', [{ seat: 'Sales Hub', since: '2026-11-03T00:00:00.000Z' }]), counts);
    await state.standing.note(standing('unknown', [{ seat: 'Sales Hub', since: null }]), counts);
    await state.standing.note(standing('early', [{ seat: 'Sales Hub', since: '2026-11-01T00:00:00.000Z' }, { seat: 'Core', since: '2026-11-01T00:00:00.000Z' }]), counts);
    expect(await state.standing.waiters('Sales Hub', 10)).toEqual(['early', 'late', 'unknown']);
    expect(await state.standing.waiters('Sales Hub', 1)).toEqual(['early']);
    expect(await state.standing.waiters('Core', 10)).toEqual(['early']);
    // early got a Core seat and still waits for Sales Hub; late got Sales Hub.
    await state.standing.note(standing('early', [{ seat: 'Sales Hub', since: '2026-11-01T00:00:00.000Z' }]), counts);
    await state.standing.note(standing('late', []), counts);
    expect(await state.standing.waiters('Core', 10)).toEqual([]);
    expect(await state.standing.waiters('Sales Hub', 10)).toEqual(['early', 'unknown']);
    expect(await state.standing.waiters('Sales Hub', 0)).toEqual([]);
  });
});
