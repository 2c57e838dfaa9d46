import type { Command } from 'commander';
import type { RegisterCommand } from '../command';
import { runDaemon } from '../run-daemon';

/** `worker`: extra workers against the same Redis (no polling, no cron, no ops server). */
export const registerWorker: RegisterCommand = (program: Command) => {
  program
    .command('worker')
    .description('Run workers only, beside a `start` process on the same Redis, to spread the sync jobs')
    .action(async () => {
      await runDaemon({ workers: true });
    });
};
