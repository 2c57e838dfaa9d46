import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../../../config/load';
import { createRedactor } from '../../lib/redact';
import { openOpsReader } from '../../server/ops-reader';
import { redactJson } from '../../server/redact-json';
import { loadStatusSnapshot } from '../../server/status-snapshot';
import { renderStatusText } from '../../server/status-text';
import type { RegisterCommand } from './index';

/**
 * Loads the configuration for a read-only command; on bad configuration prints every problem
 * and sets exit code 2. Returns null then.
 */
export function configOrExit(): Config | null {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
      return null;
    }
    throw err;
  }
}

/** Prints a failure without secrets (a REDIS_URL password, a token quoted by an error) and sets exit code 1. */
export function reportFailure(config: Config, what: string, err: unknown): void {
  const message = createRedactor(config.secrets).redactString(err instanceof Error ? err.message : String(err));
  process.stderr.write(`${what}: ${message}\n`);
  process.exitCode = 1;
}

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
