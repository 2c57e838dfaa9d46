import { createDaemon, type DaemonRoles } from '../daemon/daemon';
import { createRedactor } from '../lib/redact';
import { configOrExit } from './cli-config';

/** The daemon must be gone this long after SIGTERM/SIGINT, whatever hangs (orchestrators kill at 30 s). */
const HARD_EXIT_MS = 29_000;

/**
 * Runs a long-lived daemon with the given roles until SIGTERM or SIGINT, then stops it in order
 * and exits 0 (1 when the stop itself failed or took too long). Bad configuration exits 2.
 */
export async function runDaemon(roles: Partial<DaemonRoles>): Promise<void> {
  const config = configOrExit();
  if (!config) {
    return;
  }
  const daemon = createDaemon(config, { roles });
  for (const notice of config.notices) {
    daemon.logger[notice.level](notice.message);
  }
  const redactor = createRedactor(config.secrets);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    daemon.logger.info(`received ${signal}: shutting down`);
    const hard = setTimeout(() => {
      process.stderr.write('shutdown took too long; exiting\n');
      process.exit(1);
    }, Math.min(HARD_EXIT_MS, config.daemon.shutdownGraceMs + 4_000));
    hard.unref();
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${redactor.redactString(err instanceof Error ? err.message : String(err))}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason: unknown) => {
    daemon.logger.error('unhandled rejection', { error: reason instanceof Error ? reason.message : String(reason) });
  });
  try {
    await daemon.start();
  } catch (err) {
    process.stderr.write(`cannot start: ${redactor.redactString(err instanceof Error ? err.message : String(err))}\n`);
    await daemon.stop().catch(() => undefined);
    process.exit(1);
  }
}
