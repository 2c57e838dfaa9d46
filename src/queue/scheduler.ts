import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../lib/logger';
import { slotStart } from './job-ids';

/**
 * A node-cron expression firing every `seconds`. Intervals that divide a minute (or an hour, in
 * whole minutes) fire on aligned slots; others fire every `seconds` within each minute.
 */
export function pollCronExpression(seconds: number): string {
  if (seconds < 60) {
    return `*/${seconds} * * * * *`;
  }
  if (seconds % 60 === 0 && seconds < 3600) {
    return `0 */${seconds / 60} * * * *`;
  }
  return '0 0 * * * *';
}

/** What the scheduler triggers; both are called on every replica, and the slot job id keeps one. */
export interface SchedulerHandlers {
  /** A poll slot started (`slot`: the slot's start in ms, the same on every replica). */
  poll(slot: number): Promise<unknown>;
  /** A reconciliation slot started (the matched cron time in ms, the same on every replica). */
  reconcile(slot: number): Promise<unknown>;
}

/**
 * The clock of the pipeline: node-cron ticks for System Log polls and reconciliations (in UTC).
 * It only enqueues slot jobs; exactly-once comes from the job ids, not from this timer.
 */
export function createScheduler(opts: { pollIntervalSeconds: number; reconcileCron: string; handlers: SchedulerHandlers; logger: Logger; poll?: boolean; reconcile?: boolean }) {
  const log = opts.logger.child({ component: 'scheduler' });
  const tasks: ScheduledTask[] = [];
  const slotMs = opts.pollIntervalSeconds * 1000;

  function guarded(what: string, fn: () => Promise<unknown>): Promise<void> {
    return fn().then(
      () => undefined,
      (err: unknown) => {
        log.warn(`could not enqueue the ${what}`, { error: err instanceof Error ? err.message : String(err) });
      },
    );
  }

  function start(): void {
    if (tasks.length > 0) {
      return;
    }
    if (opts.poll !== false) {
      tasks.push(
        cron.createTask(pollCronExpression(opts.pollIntervalSeconds), (ctx) => guarded('System Log poll', () => opts.handlers.poll(slotStart(ctx.date, slotMs))), {
          name: 'okta-poll',
          timezone: 'UTC',
          noOverlap: true,
        }),
      );
    }
    if (opts.reconcile !== false) {
      tasks.push(
        cron.createTask(opts.reconcileCron, (ctx) => guarded('reconciliation', () => opts.handlers.reconcile(ctx.date.getTime())), {
          name: 'reconcile',
          timezone: 'UTC',
          noOverlap: true,
        }),
      );
    }
    for (const task of tasks) {
      void task.start();
    }
  }

  /** Stops both timers; a tick already running finishes on its own. */
  async function stop(): Promise<void> {
    const running = tasks.splice(0);
    await Promise.all(running.map((t) => t.destroy()));
  }

  return { start, stop };
}

/** The scheduler's API. */
export type Scheduler = ReturnType<typeof createScheduler>;
