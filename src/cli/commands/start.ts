import type { Command } from 'commander';
import type { RegisterCommand } from '../command';
import { runDaemon } from '../run-daemon';

/** `start`: everything in one process (poller, scheduler, workers, ops server). */
export const registerStart: RegisterCommand = (program: Command) => {
  program
    .command('start')
    .description('Run the daemon: System Log polling, scheduled reconciliations, workers and the ops server, until SIGTERM/SIGINT')
    .action(async () => {
      await runDaemon({ poller: true, scheduler: true, workers: true, server: true });
    });
};
