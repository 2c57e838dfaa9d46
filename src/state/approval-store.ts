import { randomBytes } from 'node:crypto';
import type { GuardHolds, HoldMember, PlanAction } from '../sync/types';
import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

/**
 * Where a hold is: waiting for an operator, decided, or withdrawn because every user in it came
 * back into scope. `superseded` is kept for holds recorded before holds became sticky.
 */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'superseded';

/** Deletions the guard held, waiting for an operator: one pending hold at a time, across every worker and replica. */
export interface Approval {
  /** `hold-…`: the id the status page, the API and `reconcile --approve/--reject` take. */
  id: string;
  /** What filed it first: a reconciliation or event-driven jobs (later deletions of either kind join it). */
  kind: 'reconcile' | 'events';
  /** The plan that filed it, for a reconciliation. */
  planId: string | null;
  createdAt: string;
  status: ApprovalStatus;
  /** Why the guard held them, as said when the hold was filed. */
  reason: string;
  decidedAt: string | null;
  decidedBy: string | null;
  /** The held actions (one per HubSpot user): deletions and leave-scope downgrades. */
  held: PlanAction[];
}

/** What filing held deletions did. */
export interface HoldResult {
  /** The hold they are in. */
  id: string;
  /** A new hold was opened (otherwise they joined the pending one). */
  created: boolean;
  /** The actions that were not in the hold before (the rest were already held). */
  added: PlanAction[];
}

/** A rejected deletion: kept from happening until the user comes back into scope. */
export interface RejectedDeletion extends HoldMember {
  approvalId: string;
  rejectedAt: string;
  rejectedBy: string;
}

/**
 * Files held actions into the pending hold, opening one when none is pending; returns the hold's
 * id, 1 when it was opened, then the HubSpot ids that were new to it.
 * KEYS: pending pointer, approvals zset. ARGV: prefix, new id, kind, planId, createdAt, reason, score, then id/json pairs.
 */
const HOLD = `
local id = redis.call('GET', KEYS[1])
local created = 0
if id then
  if redis.call('HGET', ARGV[1] .. 'approval-' .. id, 'status') ~= 'pending' then id = false end
end
if not id then
  id = ARGV[2]
  created = 1
  redis.call('HSET', ARGV[1] .. 'approval-' .. id, 'id', id, 'kind', ARGV[3], 'planId', ARGV[4], 'createdAt', ARGV[5], 'status', 'pending', 'reason', ARGV[6])
  redis.call('ZADD', KEYS[2], ARGV[7], id)
  redis.call('SET', KEYS[1], id)
end
local out = {id, created}
local held = ARGV[1] .. 'approval-' .. id .. '-held'
for i = 8, #ARGV, 2 do
  if redis.call('HSETNX', held, ARGV[i], ARGV[i + 1]) == 1 then table.insert(out, ARGV[i]) end
end
return out
`;

/**
 * Moves a pending hold to a decision and clears the pending pointer and `holdAll`: approved ids
 * are let through the guard, rejected ones are recorded so they are not deleted again.
 * With an expected size, a hold that grew or shrank since the operator looked is left pending.
 * KEYS: approval, held, approved, rejected, pending pointer, holdAll. ARGV: status, decidedAt, by, id, approved ttl, expected size or ''.
 */
const DECIDE = `
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
if ARGV[6] ~= '' and redis.call('HLEN', KEYS[2]) ~= tonumber(ARGV[6]) then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'decidedAt', ARGV[2], 'decidedBy', ARGV[3])
if redis.call('GET', KEYS[5]) == ARGV[4] then redis.call('DEL', KEYS[5]) end
redis.call('DEL', KEYS[6])
local held = redis.call('HGETALL', KEYS[2])
for i = 1, #held, 2 do
  if ARGV[1] == 'approved' then
    redis.call('HSET', KEYS[3], held[i], ARGV[4])
  else
    local a = cjson.decode(held[i + 1])
    redis.call('HSET', KEYS[4], held[i], cjson.encode({hubspotUserId = held[i], oktaUserId = a.oktaUserId, email = a.email, approvalId = ARGV[4], rejectedAt = ARGV[2], rejectedBy = ARGV[3]}))
  end
end
if ARGV[1] == 'approved' then redis.call('PEXPIRE', KEYS[3], ARGV[5]) end
return 1
`;

/**
 * Takes HubSpot ids out of a pending hold; a hold left empty is withdrawn (and the pointer
 * cleared). Returns the ids removed. KEYS: approval, held, pending pointer. ARGV: id, decidedAt, ids….
 */
const RELEASE = `
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return {} end
local out = {}
for i = 3, #ARGV do
  if redis.call('HDEL', KEYS[2], ARGV[i]) == 1 then table.insert(out, ARGV[i]) end
end
if redis.call('HLEN', KEYS[2]) == 0 then
  redis.call('HSET', KEYS[1], 'status', 'withdrawn', 'decidedAt', ARGV[2], 'decidedBy', 'every user in it came back into scope or is no longer to be deleted')
  if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
end
return out
`;

/** How long an approval lets its deletions through before the guard applies again. */
const APPROVAL_VALID_MS = 24 * 3600 * 1000;

/** A new hold's id: sortable by time, unique across replicas. */
export function newHoldId(at: Date): string {
  return `hold-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'z').toLowerCase()}-${randomBytes(2).toString('hex')}`;
}

/**
 * Holds: deletions the guard held, and what operators decided about them. There is one pending
 * hold at a time: while it waits, every new held deletion joins it (the event path and
 * reconciliations alike), and it ends only by an operator's approve or reject, or when every
 * user in it has come back into scope. Approving lets exactly its HubSpot ids through the guard
 * (for a day); rejecting keeps those users from being deleted until they come back into scope.
 */
export function createApprovalStore(redis: RedisClient, prefix: string, opts: { kept?: number } = {}) {
  const keys = stateKeys(prefix);
  const kept = opts.kept ?? 100;

  /** Files held actions into the pending hold (opening one when none is pending). */
  async function hold(input: { kind: Approval['kind']; planId: string | null; reason: string; actions: readonly PlanAction[]; now?: Date }): Promise<HoldResult> {
    const now = input.now ?? new Date();
    const byId = new Map(input.actions.flatMap((a) => (a.hubspotUserId ? [[a.hubspotUserId, a] as const] : [])));
    const fields = [...byId].flatMap(([id, a]) => [id, JSON.stringify(a)]);
    const out = (await redis.eval(HOLD, 2, keys.pendingHold, keys.approvals, `${prefix}:`, newHoldId(now), input.kind, input.planId ?? '', now.toISOString(), input.reason, String(now.getTime()), ...fields)) as [string, number, ...string[]];
    const [id, created, ...added] = out;
    if (created === 1) {
      await trim();
    }
    return { id, created: created === 1, added: added.flatMap((h) => byId.get(h) ?? []) };
  }

  /** Drops the oldest decided holds beyond `kept`; a pending hold is never dropped. */
  async function trim(): Promise<void> {
    const ids = await redis.zrevrange(keys.approvals, 0, -1);
    if (ids.length <= kept) {
      return;
    }
    const statuses = await Promise.all(ids.map((id) => redis.hget(keys.approval(id), 'status')));
    const stale = ids.filter((id, i) => i >= kept && statuses[i] !== 'pending');
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

  /** Holds waiting for an operator (one, bar holds recorded before holds became sticky). */
  async function pending(): Promise<Approval[]> {
    return list({ status: 'pending' });
  }

  /** What the guard needs to know of the holds (planner input `holds`). */
  async function guardHolds(): Promise<GuardHolds> {
    const [open, rejectedList, holdAll] = await Promise.all([pending(), rejected(), redis.get(keys.holdAll)]);
    const pointer = await redis.get(keys.pendingHold);
    const current = open.find((a) => a.id === pointer) ?? open[0] ?? null;
    const members = open.flatMap((a) => a.held.flatMap((h) => (h.hubspotUserId ? [{ hubspotUserId: h.hubspotUserId, oktaUserId: h.oktaUserId, email: h.email }] : [])));
    return {
      pending: current ? { id: current.id, members } : null,
      rejected: rejectedList.map(({ hubspotUserId, oktaUserId, email }) => ({ hubspotUserId, oktaUserId, email })),
      holdAll: holdAll ?? null,
    };
  }

  async function decide(id: string, status: 'approved' | 'rejected', by: string, expected?: number, now = new Date()): Promise<Approval | null> {
    const ok = await redis.eval(
      DECIDE,
      6,
      keys.approval(id),
      keys.approvalHeld(id),
      keys.approvedDeletions,
      keys.rejectedDeletions,
      keys.pendingHold,
      keys.holdAll,
      status,
      now.toISOString(),
      by,
      id,
      String(APPROVAL_VALID_MS),
      expected === undefined ? '' : String(expected),
    );
    return ok === 1 ? get(id) : null;
  }

  /**
   * Lets the held deletions through; null when the hold is unknown, no longer pending, or does not
   * hold `expected` deletions (the number the operator saw) any more.
   */
  async function approve(id: string, by: string, expected?: number): Promise<Approval | null> {
    return decide(id, 'approved', by, expected);
  }

  /** Keeps the held users in HubSpot until they come back into scope; null as for {@link approve}. */
  async function reject(id: string, by: string, expected?: number): Promise<Approval | null> {
    return decide(id, 'rejected', by, expected);
  }

  /** Takes users out of every pending hold (they came back into scope); returns the HubSpot ids removed. */
  async function release(hubspotUserIds: readonly string[], now = new Date()): Promise<string[]> {
    if (hubspotUserIds.length === 0) {
      return [];
    }
    const removed: string[] = [];
    for (const a of await pending()) {
      const out = (await redis.eval(RELEASE, 3, keys.approval(a.id), keys.approvalHeld(a.id), keys.pendingHold, a.id, now.toISOString(), ...hubspotUserIds)) as string[];
      removed.push(...out);
    }
    return [...new Set(removed)];
  }

  /** Rejected deletions still in force. */
  async function rejected(): Promise<RejectedDeletion[]> {
    return (await redis.hvals(keys.rejectedDeletions)).map((json) => JSON.parse(json) as RejectedDeletion);
  }

  /** Takes HubSpot ids out of a decision hash; returns the ids that were in it. */
  async function forget(key: string, hubspotUserIds: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const id of hubspotUserIds) {
      if ((await redis.hdel(key, id)) > 0) {
        out.push(id);
      }
    }
    return out;
  }

  /** Forgets rejections (the users came back into scope: leaving again is a new deletion); returns the ids forgotten. */
  const unreject = (hubspotUserIds: readonly string[]): Promise<string[]> => forget(keys.rejectedDeletions, hubspotUserIds);

  /** Forgets approvals not carried out (the users came back into scope: leaving again needs a new approval); returns the ids forgotten. */
  const unapprove = (hubspotUserIds: readonly string[]): Promise<string[]> => forget(keys.approvedDeletions, hubspotUserIds);

  /** HubSpot user ids whose deletion an operator approved (planner input `approvedDeletions`). */
  async function approvedDeletions(): Promise<string[]> {
    return redis.hkeys(keys.approvedDeletions);
  }

  /** Holds every deletion until an operator decides (the ledger was rebuilt: an earlier hold may have been lost). */
  async function setHoldAll(reason: string): Promise<void> {
    await redis.set(keys.holdAll, reason);
  }

  /** Lifts {@link setHoldAll}; true when it was set. */
  async function liftHoldAll(): Promise<boolean> {
    return (await redis.del(keys.holdAll)) > 0;
  }

  /** Forgets an approved deletion once it has been carried out (and takes the user out of any pending hold). */
  async function consume(hubspotUserId: string): Promise<void> {
    await redis.hdel(keys.approvedDeletions, hubspotUserId);
    await release([hubspotUserId]);
  }

  return { hold, get, list, pending, guardHolds, approve, reject, release, rejected, unreject, unapprove, approvedDeletions, setHoldAll, liftHoldAll, consume };
}

/** The approval store's API. */
export type ApprovalStore = ReturnType<typeof createApprovalStore>;
