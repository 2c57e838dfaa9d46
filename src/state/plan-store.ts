import { randomBytes } from 'node:crypto';
import type { Plan, PlanSummary } from '../sync/types';
import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

/** What started a plan. */
export type PlanTrigger = 'cron' | 'start' | 'manual' | 'approve' | 'cursor-lost' | 'dry-run';

/** Where a plan is in its life. */
export type PlanStatus = 'applying' | 'done' | 'dry-run' | 'failed';

/** One per-user job that failed for good, with the reason naming the user and field. */
export interface PlanFailure {
  oktaUserId: string | null;
  reason: string;
}

/** What carrying out a plan did, recorded when its last per-user job has finished. */
export interface PlanOutcome {
  finishedAt: string;
  durationMs: number;
  /** Writes made, by kind (create, update, delete, adopt), and per-user jobs that changed nothing. */
  applied: Record<'create' | 'update' | 'delete' | 'adopt' | 'unchanged', number>;
  /** Deletions held back (by the guard, in this or the per-user re-check). */
  held: number;
  failures: PlanFailure[];
}

/** A plan without its actions: what lists and the status page show. */
export interface PlanHeader {
  id: string;
  createdAt: string;
  trigger: PlanTrigger;
  dryRun: boolean;
  status: PlanStatus;
  summary: PlanSummary;
  /** Set when deletions were held: the approval that releases them. */
  approvalId: string | null;
  /** Per-user jobs fanned out. */
  jobs: number;
  outcome: PlanOutcome | null;
  /** Why the plan failed (status `failed`). */
  error?: string;
}

/** A stored plan: header plus the full plan. */
export interface PlanRecord extends PlanHeader {
  plan: Plan;
}

/** A plan id: sortable by time, safe as part of a BullMQ job id (no ':' and not all digits). */
export function newPlanId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'z').toLowerCase();
  return `plan-${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * The latest plans (the `kept` newest) with their outcome, for `reconcile`, approvals and the
 * status page. A plan's outcome is written by the summary job once its per-user jobs are done.
 */
export function createPlanStore(redis: RedisClient, prefix: string, opts: { kept: number }) {
  const keys = stateKeys(prefix);

  async function save(record: PlanRecord): Promise<void> {
    const { plan, ...header } = record;
    await redis
      .multi()
      .hset(keys.plan(record.id), 'header', JSON.stringify(header), 'plan', JSON.stringify(plan))
      .zadd(keys.plans, Date.parse(record.createdAt), record.id)
      .exec();
    const stale = await redis.zrange(keys.plans, 0, -(opts.kept + 1));
    if (stale.length > 0) {
      await redis
        .multi()
        .zrem(keys.plans, ...stale)
        .del(...stale.map((id) => keys.plan(id)))
        .exec();
    }
  }

  async function header(id: string): Promise<PlanHeader | null> {
    const raw = await redis.hget(keys.plan(id), 'header');
    return raw ? (JSON.parse(raw) as PlanHeader) : null;
  }

  async function get(id: string): Promise<PlanRecord | null> {
    const [h, p] = await redis.hmget(keys.plan(id), 'header', 'plan');
    return h && p ? { ...(JSON.parse(h) as PlanHeader), plan: JSON.parse(p) as Plan } : null;
  }

  /** Updates the header (status, outcome, approval) of a stored plan; no-op when it was trimmed. */
  async function update(id: string, change: Partial<Omit<PlanHeader, 'id' | 'createdAt'>>): Promise<PlanHeader | null> {
    const current = await header(id);
    if (!current) {
      return null;
    }
    const next: PlanHeader = { ...current, ...change };
    await redis.hset(keys.plan(id), 'header', JSON.stringify(next));
    return next;
  }

  /** Newest first, without actions. */
  async function list(limit = opts.kept): Promise<PlanHeader[]> {
    const ids = await redis.zrevrange(keys.plans, 0, limit - 1);
    const headers = await Promise.all(ids.map((id) => header(id)));
    return headers.filter((h): h is PlanHeader => h !== null);
  }

  async function latest(): Promise<PlanRecord | null> {
    const [id] = await redis.zrevrange(keys.plans, 0, 0);
    return id ? get(id) : null;
  }

  return { save, get, header, update, list, latest };
}

/** The plan store's API. */
export type PlanStore = ReturnType<typeof createPlanStore>;
