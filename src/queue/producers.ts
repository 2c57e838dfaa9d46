import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import type { DaemonSettings } from '../../config/daemon-schema';
import type { PlanTrigger } from '../state/plan-store';
import { jobId, userDedupId } from './job-ids';
import type { Queues } from './queues';

/**
 * The ways work enters the queues. Event jobs collapse per user (one active plus one waiting,
 * latest wins, after a short debounce); slot jobs collapse per time slot across replicas.
 */
export function createProducers(queues: Queues, jobs: Pick<DaemonSettings['jobs'], 'debounceMs'>) {
  /**
   * A System Log event named this user: sync them soon, once per burst. `delayMs` replaces the
   * debounce (the event hook's events come in batches already and wait less).
   */
  async function userChanged(oktaUserId: string, eventTypes: string[] = [], opts: { delayMs?: number; changedAt?: string } = {}): Promise<Job> {
    return queues.enqueue(
      'sync-user',
      'sync-user',
      { oktaUserId, trigger: 'event', eventTypes, ...(opts.changedAt ? { changedAt: opts.changedAt } : {}) },
      { deduplication: { id: userDedupId(oktaUserId), keepLastIfActive: true }, delay: opts.delayMs ?? jobs.debounceMs },
    );
  }

  /** Sync one user now (CLI `sync-user`, or an approved hold carried out); runs even when an event job for them is queued. */
  async function syncUserNow(oktaUserId: string, opts: { approvalId?: string } = {}): Promise<Job> {
    const data = { oktaUserId, trigger: 'manual' as const, ...(opts.approvalId ? { approvalId: opts.approvalId } : {}) };
    return queues.enqueue('sync-user', 'sync-user', data, { jobId: jobId('manual', oktaUserId, randomUUID()) });
  }

  /**
   * A full reconciliation. With a slot (cron, start) the id is `reconcile-<slot>`, so every
   * replica asking for the same slot creates one job; without one (CLI, approval) it is unique.
   */
  async function reconcile(input: { trigger: PlanTrigger; slot?: number | null; waitIfBusy?: boolean }): Promise<Job> {
    const slot = input.slot ?? null;
    const id = slot === null ? jobId('reconcile', input.trigger, randomUUID()) : jobId('reconcile', slot);
    return queues.enqueue('reconcile', 'reconcile', { trigger: input.trigger, slot, waitIfBusy: input.waitIfBusy ?? slot === null }, { jobId: id });
  }

  /** A System Log poll for one slot; replicas asking for the same slot create one job. */
  async function poll(slot: number): Promise<Job> {
    return queues.enqueue('okta-poll', 'okta-poll', { slot }, { jobId: jobId('okta-poll', slot) });
  }

  return { userChanged, syncUserNow, reconcile, poll };
}

/** The producers' API. */
export type Producers = ReturnType<typeof createProducers>;
