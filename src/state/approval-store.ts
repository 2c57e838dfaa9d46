import type { PlanAction } from '../sync/types';
import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

/** Where an approval is: waiting for an operator, decided, or replaced by a newer plan's hold. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'superseded';

/** Deletions the guard held, waiting for an operator. */
export interface Approval {
  /** The plan id for a reconciliation's hold; `events-…` for event-driven holds. */
  id: string;
  kind: 'reconcile' | 'events';
  planId: string | null;
  createdAt: string;
  status: ApprovalStatus;
  /** Why the guard held them. */
  reason: string;
  decidedAt: string | null;
  decidedBy: string | null;
  /** The held delete actions (one per HubSpot user). */
  held: PlanAction[];
}

/** Creates the approval or adds to it while it is pending; 0 when it was already decided. */
const HOLD = `
local status = redis.call('HGET', KEYS[1], 'status')
if status and status ~= 'pending' then return 0 end
if not status then
  redis.call('HSET', KEYS[1], 'id', ARGV[1], 'kind', ARGV[2], 'planId', ARGV[3], 'createdAt', ARGV[4], 'status', 'pending', 'reason', ARGV[5])
  redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1])
else
  redis.call('HSET', KEYS[1], 'reason', ARGV[5])
end
for i = 7, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
return 1
`;

/** Moves a pending approval to a decision; returns 0 when it is unknown or already decided. */
const DECIDE = `
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'decidedAt', ARGV[2], 'decidedBy', ARGV[3])
if ARGV[1] == 'approved' then
  local ids = redis.call('HKEYS', KEYS[2])
  for _, hubspotUserId in ipairs(ids) do
    redis.call('HSET', KEYS[3], hubspotUserId, ARGV[4])
  end
  redis.call('PEXPIRE', KEYS[3], ARGV[5])
end
return 1
`;

/** How long an approval lets its deletions through before the guard applies again. */
const APPROVAL_VALID_MS = 24 * 3600 * 1000;

/**
 * Pending approvals: deletions the guard held. Approving one lets exactly its HubSpot user ids
 * through the guard (for a day); rejecting keeps them held and says so in the trail.
 */
export function createApprovalStore(redis: RedisClient, prefix: string, opts: { kept?: number } = {}) {
  const keys = stateKeys(prefix);
  const kept = opts.kept ?? 100;

  /** Records held deletions; returns the approval id they were filed under. */
  async function hold(input: { id: string; kind: Approval['kind']; planId: string | null; reason: string; actions: PlanAction[]; now?: Date }): Promise<string> {
    const now = input.now ?? new Date();
    const fields = input.actions.flatMap((a) => (a.hubspotUserId ? [a.hubspotUserId, JSON.stringify(a)] : []));
    let id = input.id;
    for (let i = 1; ; i++) {
      const ok = await redis.eval(
        HOLD,
        3,
        keys.approval(id),
        keys.approvalHeld(id),
        keys.approvals,
        id,
        input.kind,
        input.planId ?? '',
        now.toISOString(),
        input.reason,
        String(now.getTime()),
        ...fields,
      );
      if (ok === 1) {
        break;
      }
      id = `${input.id}-${i}`;
    }
    await trim();
    return id;
  }

  async function trim(): Promise<void> {
    const stale = await redis.zrange(keys.approvals, 0, -(kept + 1));
    if (stale.length > 0) {
      await redis
        .multi()
        .zrem(keys.approvals, ...stale)
        .del(...stale.flatMap((id) => [keys.approval(id), keys.approvalHeld(id)]))
        .exec();
    }
  }

  async function get(id: string): Promise<Approval | null> {
    const [meta, held] = await Promise.all([redis.hgetall(keys.approval(id)), redis.hvals(keys.approvalHeld(id))]);
    if (!meta.status) {
      return null;
    }
    return {
      id: meta.id ?? id,
      kind: meta.kind === 'events' ? 'events' : 'reconcile',
      planId: meta.planId ? meta.planId : null,
      createdAt: meta.createdAt ?? '',
      status: meta.status as ApprovalStatus,
      reason: meta.reason ?? '',
      decidedAt: meta.decidedAt ?? null,
      decidedBy: meta.decidedBy ?? null,
      held: held.map((json) => JSON.parse(json) as PlanAction),
    };
  }

  /** Newest first; `status` filters. */
  async function list(filter: { status?: ApprovalStatus; limit?: number } = {}): Promise<Approval[]> {
    const ids = await redis.zrevrange(keys.approvals, 0, -1);
    const out: Approval[] = [];
    for (const id of ids) {
      const a = await get(id);
      if (a && (!filter.status || a.status === filter.status)) {
        out.push(a);
        if (filter.limit !== undefined && out.length >= filter.limit) {
          break;
        }
      }
    }
    return out;
  }

  async function pending(): Promise<Approval[]> {
    return list({ status: 'pending' });
  }

  async function decide(id: string, status: 'approved' | 'rejected' | 'superseded', by: string, now = new Date()): Promise<Approval | null> {
    const ok = await redis.eval(DECIDE, 3, keys.approval(id), keys.approvalHeld(id), keys.approvedDeletions, status, now.toISOString(), by, id, String(APPROVAL_VALID_MS));
    return ok === 1 ? get(id) : null;
  }

  /** Lets the held deletions through; null when the approval is unknown or no longer pending. */
  async function approve(id: string, by: string): Promise<Approval | null> {
    return decide(id, 'approved', by);
  }

  /** Keeps the deletions held for good; null when unknown or no longer pending. */
  async function reject(id: string, by: string): Promise<Approval | null> {
    return decide(id, 'rejected', by);
  }

  /** Marks older pending reconciliation holds as replaced by a newer plan's. */
  async function supersedeReconcileHolds(exceptId: string | null): Promise<string[]> {
    const superseded: string[] = [];
    for (const a of await pending()) {
      if (a.kind === 'reconcile' && a.id !== exceptId && (await decide(a.id, 'superseded', 'newer plan'))) {
        superseded.push(a.id);
      }
    }
    return superseded;
  }

  /** HubSpot user ids whose deletion an operator approved (planner input `approvedDeletions`). */
  async function approvedDeletions(): Promise<string[]> {
    return redis.hkeys(keys.approvedDeletions);
  }

  /**
   * Forgets an approved deletion once it has been carried out, and takes the user out of every
   * pending approval that still held them (the event path and a reconciliation may both have
   * held one deletion): an approval left with nothing to hold is marked superseded, so operators
   * are never asked to approve deletions that already happened.
   */
  async function consume(hubspotUserId: string): Promise<void> {
    await redis.hdel(keys.approvedDeletions, hubspotUserId);
    for (const a of await pending()) {
      if ((await redis.hdel(keys.approvalHeld(a.id), hubspotUserId)) > 0 && (await redis.hlen(keys.approvalHeld(a.id))) === 0) {
        await decide(a.id, 'superseded', 'its deletions were carried out under another approval');
      }
    }
  }

  return { hold, get, list, pending, approve, reject, supersedeReconcileHolds, approvedDeletions, consume };
}

/** The approval store's API. */
export type ApprovalStore = ReturnType<typeof createApprovalStore>;
