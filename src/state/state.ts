import type { DaemonSettings } from '../../config/daemon-schema';
import { createApprovalStore } from './approval-store';
import { createAuditLog } from './audit-log';
import { createCursorStore } from './cursor-store';
import { createDeletionCounter } from './deletion-counter';
import { createHookStatusStore } from './hook-status-store';
import { createLedgerStore } from './ledger-store';
import { createLocks } from './lock';
import { createPlanStore } from './plan-store';
import { createSeenEvents } from './seen-events';
import type { RedisClient } from './redis-client';
import { createStatusStore } from './status-store';
import { createUserEventTimes } from './user-event-times';
import { createUserStandingStore } from './user-standing';

/**
 * Every state store over one Redis connection and prefix. The daemon builds this once; the ops
 * server reads plans, approvals, the audit trail, the ledger and pipeline status through it.
 */
export function createState(redis: RedisClient, prefix: string, settings: Pick<DaemonSettings, 'auditMaxEntries' | 'plansKept'> & Partial<Pick<DaemonSettings, 'hooks'>>) {
  return {
    prefix,
    ledger: createLedgerStore(redis, prefix),
    audit: createAuditLog(redis, prefix, { maxEntries: settings.auditMaxEntries }),
    plans: createPlanStore(redis, prefix, { kept: settings.plansKept }),
    approvals: createApprovalStore(redis, prefix),
    cursor: createCursorStore(redis, prefix),
    deletions: createDeletionCounter(redis, prefix),
    locks: createLocks(redis, prefix),
    status: createStatusStore(redis, prefix),
    userEvents: createUserEventTimes(redis, prefix),
    standing: createUserStandingStore(redis, prefix),
    seenEvents: createSeenEvents(redis, prefix, { ttlMs: (settings.hooks?.dedupeTtlSeconds ?? 6 * 3600) * 1000 }),
    hookStatus: createHookStatusStore(redis, prefix),
  };
}

/** All state stores (see {@link createState}). */
export type State = ReturnType<typeof createState>;
