import type { DaemonSettings } from '../../config/daemon-schema';
import { createApprovalStore } from './approval-store';
import { createAuditLog } from './audit-log';
import { createCursorStore } from './cursor-store';
import { createDeletionCounter } from './deletion-counter';
import { createLedgerStore } from './ledger-store';
import { createLocks } from './lock';
import { createPlanStore } from './plan-store';
import type { RedisClient } from './redis-client';
import { createStatusStore } from './status-store';
import { createUserEventTimes } from './user-event-times';

/**
 * Every state store over one Redis connection and prefix. The daemon builds this once; the ops
 * server reads plans, approvals, the audit trail, the ledger and pipeline status through it.
 */
export function createState(redis: RedisClient, prefix: string, settings: Pick<DaemonSettings, 'auditMaxEntries' | 'plansKept'>) {
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
  };
}

/** All state stores (see {@link createState}). */
export type State = ReturnType<typeof createState>;
