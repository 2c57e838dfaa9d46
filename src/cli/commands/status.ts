import type { Command } from 'commander';
import { loadStatusSnapshot } from '../../server/status-snapshot';
import { renderStatusText } from '../../server/status-text';
import { printFromRedis } from '../cli-config';
import type { RegisterCommand } from '../command';

/** `status`: queue counts, freshness, recent reconciliations and pending approvals, read from Redis. */
export const registerStatus: RegisterCommand = (program: Command) => {
  program
    .command('status')
    .description('Show queue counts, the last reconciliations, pending approvals and failed jobs (read from Redis)')
    .option('--json', 'print the status as JSON (the same document as GET /api/status)')
    .action((opts: { json?: boolean }) =>
      printFromRedis(
        'the status',
        opts.json === true,
        (reader, config) => loadStatusSnapshot({ status: reader.status, queueCounts: () => reader.queueView.counts(), writesEnabled: config.daemon.allowWrites }),
        renderStatusText,
      ),
    );
};
