import type { LedgerEntry, LedgerSeatCounts } from '../sync/types';
import { emailKey } from '../sync/email-policy';
import { PermanentError, TransientError } from '../lib/errors';
import { stateKeys } from './keys';
import type { RedisClient } from './redis-client';

/** Lua: drops the HubSpot-id and email index fields that still point at entry `old` (of Okta user ARGV[1]). */
const UNINDEX_OLD = `
local o = cjson.decode(old)
if type(o.hubspotUserId) == 'string' and redis.call('HGET', KEYS[2], o.hubspotUserId) == ARGV[1] then
  redis.call('HDEL', KEYS[2], o.hubspotUserId)
end
if type(o.email) == 'string' and redis.call('HGET', KEYS[3], string.lower(o.email)) == ARGV[1] then
  redis.call('HDEL', KEYS[3], string.lower(o.email))
end
if type(o.replaces) == 'table' and type(o.replaces.hubspotUserId) == 'string' and redis.call('HGET', KEYS[2], o.replaces.hubspotUserId) == ARGV[1] then
  redis.call('HDEL', KEYS[2], o.replaces.hubspotUserId)
end
`;

/**
 * Replaces an entry and its two indexes in one step (the HubSpot index also names the old user of
 * an email change the entry `replaces`, ARGV[6], unless another entry has it). Refuses (returns the other Okta id) when the
 * HubSpot user is already linked to a different Okta user: one HubSpot user has one owner. With
 * ARGV[5] = '1', refuses (returns 0) while the epoch key (KEYS[4]) is missing.
 */
const UPSERT = `
if ARGV[5] == '1' and redis.call('EXISTS', KEYS[4]) == 0 then return 0 end
local linked = redis.call('HGET', KEYS[2], ARGV[3])
if linked and linked ~= ARGV[1] then return linked end
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
${UNINDEX_OLD}end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[1])
if ARGV[6] ~= '' and not redis.call('HGET', KEYS[2], ARGV[6]) then redis.call('HSET', KEYS[2], ARGV[6], ARGV[1]) end
return false
`;

/** Removes an entry and the index fields that still point at it; returns the removed JSON. */
const REMOVE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return false end
${UNINDEX_OLD}redis.call('HDEL', KEYS[1], ARGV[1])
return old
`;

/** What the epoch (sentinel) key records: when and how the ledger became complete. */
export interface LedgerEpoch {
  id: string;
  since: string;
  /** fresh: an empty Redis with nothing to recover; rebuilt: recovered from the System Log. */
  how: 'fresh' | 'rebuilt';
}

function parseEntry(json: string | null | undefined): LedgerEntry | null {
  return json ? (JSON.parse(json) as LedgerEntry) : null;
}

/**
 * The ledger of managed users: which HubSpot user the daemon owns for which Okta user, how it
 * came to own it and what it last wrote. Indexed by Okta id, HubSpot id and email. Deletions are
 * only ever decided for HubSpot ids found here.
 */
export function createLedgerStore(redis: RedisClient, prefix: string) {
  const keys = stateKeys(prefix);
  const indexKeys = [keys.ledger, keys.ledgerByHubSpot, keys.ledgerByEmail] as const;

  async function get(oktaUserId: string): Promise<LedgerEntry | null> {
    return parseEntry(await redis.hget(keys.ledger, oktaUserId));
  }

  async function getByHubSpotId(hubspotUserId: string): Promise<LedgerEntry | null> {
    const oktaUserId = await redis.hget(keys.ledgerByHubSpot, hubspotUserId);
    return oktaUserId ? get(oktaUserId) : null;
  }

  async function getByEmail(email: string): Promise<LedgerEntry | null> {
    const oktaUserId = await redis.hget(keys.ledgerByEmail, emailKey(email));
    return oktaUserId ? get(oktaUserId) : null;
  }

  /** Every entry (HSCAN in pages, so a large ledger does not block Redis). */
  async function all(): Promise<LedgerEntry[]> {
    const out: LedgerEntry[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(keys.ledger, cursor, 'COUNT', 1000);
      cursor = next;
      for (let i = 1; i < flat.length; i += 2) {
        const entry = parseEntry(flat[i]);
        if (entry) {
          out.push(entry);
        }
      }
    } while (cursor !== '0');
    return out;
  }

  /** Managed users per role id and per seat name, from every entry's `lastApplied` (a full scan). */
  async function seatCounts(): Promise<LedgerSeatCounts> {
    const counts: LedgerSeatCounts = { byRoleId: {}, bySeatName: {} };
    for (const e of await all()) {
      const applied = e.lastApplied;
      if (!applied) {
        continue;
      }
      if (applied.roleId) {
        counts.byRoleId[applied.roleId] = (counts.byRoleId[applied.roleId] ?? 0) + 1;
      }
      for (const seat of applied.seatNames) {
        counts.bySeatName[seat] = (counts.bySeatName[seat] ?? 0) + 1;
      }
    }
    return counts;
  }

  async function count(): Promise<number> {
    return redis.hlen(keys.ledger);
  }

  /**
   * Writes an entry; throws PermanentError when its HubSpot user belongs to another Okta user.
   * `whileComplete`: jobs write only into a ledger known to be complete; when Redis lost its data
   * while the job ran, the write is refused (TransientError, retried once the ledger is rebuilt)
   * so that a half-empty ledger never keeps the rebuild from linking what it finds.
   */
  async function upsert(entry: LedgerEntry, opts: { whileComplete?: boolean } = {}): Promise<void> {
    const conflict = await redis.eval(
      UPSERT,
      4,
      ...indexKeys,
      keys.epoch,
      entry.oktaUserId,
      JSON.stringify(entry),
      entry.hubspotUserId,
      emailKey(entry.email),
      opts.whileComplete ? '1' : '0',
      entry.replaces?.hubspotUserId ?? '',
    );
    if (conflict === 0) {
      throw new TransientError(`${entry.email}: the ledger was lost while this job ran (Redis came back empty); the job is retried once the ledger is rebuilt`, { code: 'LEDGER_LOST' });
    }
    if (typeof conflict === 'string') {
      throw new PermanentError(
        `${entry.email}: HubSpot user ${entry.hubspotUserId} is already managed for Okta user ${conflict}, not ${entry.oktaUserId}`,
        { code: 'LEDGER_CONFLICT' },
      );
    }
  }

  /** Stops managing a user; returns the entry that was removed. */
  async function remove(oktaUserId: string): Promise<LedgerEntry | null> {
    const old = await redis.eval(REMOVE, 3, ...indexKeys, oktaUserId);
    return typeof old === 'string' ? parseEntry(old) : null;
  }

  /** The sentinel: null means the ledger cannot be trusted (first start, or Redis lost its data). */
  async function epoch(): Promise<LedgerEpoch | null> {
    const raw = await redis.get(keys.epoch);
    return raw ? (JSON.parse(raw) as LedgerEpoch) : null;
  }

  /** Marks the ledger complete. Call only after a rebuild (or on a Redis known to be fresh). */
  async function markComplete(value: LedgerEpoch): Promise<void> {
    await redis.set(keys.epoch, JSON.stringify(value));
  }

  return { get, getByHubSpotId, getByEmail, all, count, seatCounts, upsert, remove, epoch, markComplete };
}

/** The ledger store's API. */
export type LedgerStore = ReturnType<typeof createLedgerStore>;
