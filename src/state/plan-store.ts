import { randomBytes } from 'node:crypto';
import type { Plan, PlanAction, PlanSummary } from '../sync/types';
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

/** Writes a reconciliation made, by kind, and the per-user jobs that found nothing to change. */
export interface AppliedCounts {
  create: number;
  update: number;
  delete: number;
  adopt: number;
  /** Per-user jobs that found nothing to change. */
  unchanged: number;
}

/** Counts before anything was carried out. */
export function noneApplied(): AppliedCounts {
  return { create: 0, update: 0, delete: 0, adopt: 0, unchanged: 0 };
}

/** What carrying out a plan did, recorded when its last per-user job has finished. */
export interface PlanOutcome {
  finishedAt: string;
  durationMs: number;
  /** Writes made, by kind (create, update, delete, adopt), and per-user jobs that changed nothing. */
  applied: AppliedCounts;
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

/** Actions per element of a plan's action list: small JSON values instead of one giant string. */
export const PLAN_ACTIONS_CHUNK = 1000;

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

  /** Stores a plan's actions as they come, chunk by chunk (replacing any stored under `id`). */
  async function appendActions(id: string, chunks: Iterable<PlanAction[]> | AsyncIterable<PlanAction[]>): Promise<void> {
    await redis.del(keys.planActions(id));
    for await (const chunk of chunks) {
      if (chunk.length > 0) {
        await redis.rpush(keys.planActions(id), JSON.stringify(chunk));
      }
    }
  }

  /**
   * Stores a plan's header and the plan without its actions (`plan.actions` is not stored: see
   * {@link appendActions}), and trims the oldest plans beyond `kept`.
   */
  async function saveMeta(header: PlanHeader, plan: Plan): Promise<void> {
    const meta: Partial<Plan> = { ...plan };
    delete meta.actions;
    await redis
      .multi()
      .hset(keys.plan(header.id), 'header', JSON.stringify(header), 'meta', JSON.stringify(meta))
      .zadd(keys.plans, Date.parse(header.createdAt), header.id)
      .exec();
    const stale = await redis.zrange(keys.plans, 0, -(opts.kept + 1));
    if (stale.length > 0) {
      await redis
        .multi()
        .zrem(keys.plans, ...stale)
        .del(...stale.map((id) => keys.plan(id)), ...stale.map((id) => keys.planActions(id)))
        .exec();
    }
  }

  async function header(id: string): Promise<PlanHeader | null> {
    const raw = await redis.hget(keys.plan(id), 'header');
    return raw ? (JSON.parse(raw) as PlanHeader) : null;
  }

  /** A stored plan's actions, one chunk at a time, in plan order. */
  async function* actionChunks(id: string): AsyncGenerator<PlanAction[]> {
    const n = await redis.llen(keys.planActions(id));
    for (let i = 0; i < n; i++) {
      const raw = await redis.lindex(keys.planActions(id), i);
      if (raw !== null) {
        yield JSON.parse(raw) as PlanAction[];
      }
    }
  }

  /** A stored plan without its actions (`plan.actions` is empty): for readers that stream them. */
  async function getMeta(id: string): Promise<PlanRecord | null> {
    const [h, m] = await redis.hmget(keys.plan(id), 'header', 'meta');
    return h && m ? { ...(JSON.parse(h) as PlanHeader), plan: { ...(JSON.parse(m) as Omit<Plan, 'actions'>), actions: [] } } : null;
  }

  async function get(id: string): Promise<PlanRecord | null> {
    const record = await getMeta(id);
    if (!record) {
      return null;
    }
    const actions: PlanAction[] = [];
    for await (const chunk of actionChunks(id)) {
      for (const a of chunk) {
        actions.push(a);
      }
    }
    return { ...record, plan: { ...record.plan, actions } };
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

  return { appendActions, saveMeta, get, getMeta, actionChunks, header, update, list, latest };
}

/** The plan store's API. */
export type PlanStore = ReturnType<typeof createPlanStore>;
