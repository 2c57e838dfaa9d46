import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { OutageError } from '../src/lib/errors';
import type { OutageBreaker } from '../src/queue/outage-breaker';
import type { Logger } from '../src/lib/logger';
import { OKTA_EVENT_FILTER } from '../src/okta/okta-events';
import type { OktaClientApi, OktaLogEvent } from '../src/okta/okta-types';
import type { EventIntake } from '../src/queue/event-intake';
import type { Producers } from '../src/queue/producers';
import type { OktaPollData } from '../src/queue/queue-map';
import type { State } from '../src/state/state';

/** What one poll did. */
export interface PollResult {
  events: number;
  users: number;
  /** The cursor was missing (first start or Redis lost it): polling started from now and a full reconciliation was asked for. */
  startedFresh: boolean;
}

/** Facts a poll reports to metrics. */
export interface PollReport {
  events: number;
  newestEventAt: string | null;
}

function newest(events: readonly OktaLogEvent[]): string | null {
  let best: string | null = null;
  for (const e of events) {
    if (best === null || e.published > best) {
      best = e.published;
    }
  }
  return best;
}

/**
 * One System Log poll: reads from the saved cursor and hands the events to the event intake
 * (the path the event hook's events take too: events already acted on are skipped; the others
 * about this app's assignments, user lifecycle and profile changes and group membership become one
 * deduplicated sync-user job per affected user), and only then saves the new cursor, so a crash
 * re-reads rather than loses events. Without a cursor it starts from now and asks for a full
 * reconciliation to cover whatever happened meanwhile.
 */
export function createPollProcessor(deps: {
  okta: OktaClientApi;
  state: State;
  producers: Producers;
  intake: EventIntake;
  /** The System Log filter (default OKTA_EVENT_FILTER; with a hook its delivery failures too). */
  filter?: string;
  logger: Logger;
  now?: () => Date;
  onPolled?: (report: PollReport) => void;
  /** The caller knows this prefix was never used (the demo's fresh one): the first missing cursor is worded as a first start. */
  firstStart?: boolean;
}) {
  let firstStart = deps.firstStart === true;
  const now = () => (deps.now ? deps.now() : new Date());
  const log = deps.logger.child({ component: 'okta-poll' });

  async function process(job: Pick<Job<OktaPollData>, 'id'>): Promise<PollResult> {
    const cursor = await deps.state.cursor.get();
    const since = now().toISOString();
    const result = await deps.okta.pollLog(cursor, since, deps.filter ?? OKTA_EVENT_FILTER);
    const taken = await deps.intake.take(result.events, 'poll', now().getTime());
    if (cursor === null) {
      if (firstStart) {
        log.info('first start: the System Log is read from now on, and a full reconciliation is queued');
      } else {
        log.warn('no System Log cursor (first start, or Redis lost its data): polling starts from now and a full reconciliation is queued');
      }
      firstStart = false;
      await deps.producers.reconcile({ trigger: 'cursor-lost', waitIfBusy: true });
    }
    await deps.state.cursor.set(result.nextCursor);
    const newestEventAt = newest(result.events);
    await deps.state.status.set({ lastPollAt: now().toISOString(), lastPollEvents: result.events.length, lastPollUsers: taken.users, newestEventAt });
    deps.onPolled?.({ events: result.events.length, newestEventAt });
    if (taken.users > 0) {
      log.debug('System Log poll done', { jobId: job.id, events: result.events.length, duplicates: taken.duplicates, users: taken.users });
    }
    return { events: result.events.length, users: taken.users, startedFresh: cursor === null };
  }

  return { process };
}

/** The poll processor's API. */
export type PollProcessor = ReturnType<typeof createPollProcessor>;

/**
 * The `okta-poll` BullMQ worker (global concurrency 1: polls never overlap across replicas).
 * While Okta is out (`outages`) a poll is skipped (the cursor stays, the next slot reads from
 * it) and an outage error opens the breaker instead of logging a warning every slot.
 */
export function createPollWorker(opts: {
  connection: ConnectionOptions;
  prefix: string;
  processor: PollProcessor;
  logger: Logger;
  outages?: Pick<OutageBreaker, 'report' | 'current'>;
}): Worker<OktaPollData, PollResult> {
  const log = opts.logger.child({ component: 'okta-poll-worker' });
  const process = async (job: Job<OktaPollData>): Promise<PollResult> => {
    if (opts.outages && (await opts.outages.current()).some((o) => o.api === 'okta')) {
      return { events: 0, users: 0, startedFresh: false };
    }
    try {
      return await opts.processor.process(job);
    } catch (err) {
      if (opts.outages && err instanceof OutageError) {
        await opts.outages.report(err);
      }
      throw err;
    }
  };
  const worker = new Worker<OktaPollData, PollResult>('okta-poll', process, { connection: opts.connection, prefix: opts.prefix, concurrency: 1 });
  worker.on('failed', (job, err) => {
    if (err instanceof OutageError || err.name === 'OutageError') {
      log.debug('System Log poll met an outage; the next slot reads from the same cursor', { jobId: job?.id, reason: err.message });
    } else {
      log.warn('System Log poll failed; the next slot reads from the same cursor', { jobId: job?.id, reason: err.message });
    }
  });
  worker.on('error', (err) => log.error('okta-poll worker error', { error: err.message }));
  return worker;
}
