import type { Command } from 'commander';
import type { Config } from '../../config/load';
import type { Daemon } from '../daemon/daemon';
import { createLogger, type Logger } from '../lib/logger';

/** Registers one CLI command on the program. */
export type RegisterCommand = (program: Command) => void;

/**
 * Writes to stdout and resolves once the text was handed to the OS, so a large JSON document
 * reaches a pipe whole before the process exits.
 */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * The logger of one-shot commands: logs go to stderr, so stdout carries only the command's
 * answer (a `--json` document stays parseable).
 */
export function commandLogger(config: Config): Logger {
  return createLogger({ level: config.env.LOG_LEVEL, format: config.env.LOG_FORMAT, secrets: config.secrets, stream: process.stderr, isTTY: process.stderr.isTTY === true });
}

/** Flushes stdout, stops the daemon and exits with `code`. */
export async function finish(daemon: Daemon | null, code: number, text = ''): Promise<never> {
  if (text !== '') {
    await writeOut(text);
  }
  await daemon?.stop().catch(() => undefined);
  process.exit(code);
}

/**
 * Loads a part that lives outside the daemon (the simulators and the demo, in `simulators/`):
 * a checkout has it, the runtime image does not, and there the command says so instead of
 * failing with a stack trace.
 */
export async function loadFromCheckout<T>(command: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes('simulators')) {
      process.stderr.write(`${command}: the simulators and the demo are not in this installation (the runtime image leaves them out); run it from a checkout of the source: npm ci && npm run demo\n`);
      process.exit(2);
    }
    throw err;
  }
}
