import { ConfigError, loadConfig, type Config, type LoadOptions } from '../../config/load';
import { createRedactor } from '../lib/redact';
import { RedisUnreachableError } from '../lib/redis-failure';
import { openOpsReader } from '../server/ops-reader';
import { redactJson } from '../server/redact-json';

/**
 * Loads the configuration for a command; on bad configuration prints every problem and sets
 * exit code 2. Returns null then.
 */
export function configOrExit(opts: LoadOptions = {}): Config | null {
  try {
    return loadConfig(process.env, opts);
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

/**
 * A read-only command over the daemon's state in Redis: loads the configuration (Redis and the
 * queue prefix are all it needs; the Okta and HubSpot settings may be left out), opens a reader,
 * prints what `read` returns (redacted; JSON with `--json`, else `render`), and always closes the
 * reader. A failure is reported as `cannot read <what> from Redis` and exits 1.
 */
export async function printFromRedis<T>(
  what: string,
  json: boolean,
  read: (reader: Awaited<ReturnType<typeof openOpsReader>>, config: Config) => Promise<T>,
  render: (value: T) => string,
): Promise<void> {
  const config = configOrExit({ needs: 'state' });
  if (!config) {
    return;
  }
  let reader: Awaited<ReturnType<typeof openOpsReader>> | undefined;
  try {
    reader = await openOpsReader(config);
    const clean = redactJson(createRedactor(config.secrets), await read(reader, config));
    process.stdout.write(json ? `${JSON.stringify(clean, null, 2)}\n` : `${render(clean)}\n`);
  } catch (err) {
    reportFailure(config, err instanceof RedisUnreachableError ? `cannot read ${what}` : `cannot read ${what} from Redis`, err);
  } finally {
    await reader?.close();
  }
}
