import winston from 'winston';
import { createRedactor } from './redact';

/** The daemon's logger type: a winston logger; use `.child({ component })` per module and per job. */
export type Logger = winston.Logger;

export interface LoggerOptions {
  level?: string;
  /** json (production), pretty (humans), auto (pretty on a TTY). */
  format?: 'json' | 'pretty' | 'auto';
  /** Secret values to scrub from every line, in messages, metadata and error stacks. */
  secrets?: readonly string[];
  /** Where lines go (default: stdout). Tests pass a stream to read the output back. */
  stream?: NodeJS.WritableStream;
  /**
   * Whether the output is a terminal (default: stdout's isTTY): format auto is pretty on one, and
   * pretty lines get colours only on one (a log redirected to a file stays plain text).
   */
  isTTY?: boolean;
}

/**
 * Creates the root logger. Every line passes through the redactor, so a token that reaches an
 * error thrown by an SDK (headers, request options) is removed before it is written.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const { redact } = createRedactor(opts.secrets ?? []);
  const redactFormat = winston.format((info) => {
    const cleaned = redact({ ...info });
    for (const key of Object.keys(info)) {
      delete (info as Record<string, unknown>)[key];
    }
    Object.assign(info, cleaned);
    return info;
  });
  const tty = opts.isTTY ?? (opts.stream ? false : process.stdout.isTTY === true);
  const pretty = opts.format === 'pretty' || (opts.format !== 'json' && tty);
  const format = winston.format.combine(
    winston.format.errors({ stack: true }),
    redactFormat(),
    winston.format.timestamp(),
    pretty
      ? winston.format.combine(
          tty ? winston.format.colorize() : winston.format((info) => info)(),
          winston.format.printf(({ timestamp, level, message, component, stack, ...rest }) => {
            const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
            const where = typeof component === 'string' ? ` [${component}]` : '';
            return `${String(timestamp)} ${level}${where} ${String(message)}${extra}${typeof stack === 'string' ? `\n${stack}` : ''}`;
          }),
        )
      : winston.format.json(),
  );
  const transport = opts.stream
    ? new winston.transports.Stream({ stream: opts.stream })
    : new winston.transports.Console({ stderrLevels: [] });
  return winston.createLogger({ level: opts.level ?? 'info', format, transports: [transport] });
}

/** A logger that writes nothing (for library callers that pass none). */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
