import type { Command } from 'commander';
import { openOpsReader } from '../../server/ops-reader';
import { redactJson } from '../../server/redact-json';
import { loadStatusSnapshot } from '../../server/status-snapshot';
import { renderStatusText } from '../../server/status-text';
import { createRedactor } from '../../lib/redact';
import { configOrExit, reportFailure } from '../cli-config';
import type { RegisterCommand } from './index';

/** `status`: queue counts, freshness, recent reconciliations and pending approvals, read from Redis. */
export const registerStatus: RegisterCommand = (program: Command) => {
  program
    .command('status')
    .description('Show queue counts, the last reconciliations, pending approvals and failed jobs (read from Redis)')
    .option('--json', 'print the status as JSON (the same document as GET /api/status)')
    .action(async (opts: { json?: boolean }) => {
      const config = configOrExit();
      if (!config) {
        return;
      }
      let reader: Awaited<ReturnType<typeof openOpsReader>> | undefined;
      try {
        reader = await openOpsReader(config);
        const open = reader;
        const snapshot = await loadStatusSnapshot({ status: open.status, queueCounts: () => open.queueJobs.counts(), writesEnabled: config.daemon.allowWrites });
        const clean = redactJson(createRedactor(config.secrets), snapshot);
        process.stdout.write(opts.json ? `${JSON.stringify(clean, null, 2)}\n` : `${renderStatusText(clean)}\n`);
      } catch (err) {
        reportFailure(config, 'cannot read the status from Redis', err);
      } finally {
        await reader?.close();
      }
    });
};
