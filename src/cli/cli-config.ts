import { ConfigError, loadConfig, type Config } from '../../config/load';
import { createRedactor } from '../lib/redact';

/**
 * Loads the configuration for a command; on bad configuration prints every problem and sets
 * exit code 2. Returns null then.
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
