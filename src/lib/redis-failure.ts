import { redactRedisUrl } from '../../config/redis-url';

/** What to check when Redis does not answer; part of every message about it. */
export const REDIS_HINT = 'is redis-server running? is REDIS_URL right?';

/** Why a Redis connection failed, in an operator's terms. */
export interface RedisFailure {
  /** Short stable cause: the socket error code (ECONNREFUSED, ENOTFOUND…) or the reply (NOAUTH, WRONGPASS). */
  cause: string;
  /** One sentence: what the cause means and what to do. */
  explanation: string;
  /** Retrying cannot help until an operator fixes the configuration (a missing or wrong password). */
  configError: boolean;
}

const NETWORK: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing accepts connections at that address',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS not answering)',
  ETIMEDOUT: 'no answer in time (wrong host, or a firewall)',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  ECONNRESET: 'the server closed the connection (a TLS-only server needs rediss://)',
  ENOENT: 'no socket at that path',
  EACCES: 'no permission to open that socket',
};

function codeOf(err: unknown): string | null {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' && err.code !== '') {
    return err.code;
  }
  return null;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Classifies a Redis connection error (an ioredis `error` event or a failed command). */
export function redisFailure(err: unknown): RedisFailure {
  const message = messageOf(err);
  const reply = /^([A-Z]+)\b/.exec(message)?.[1];
  if (reply === 'NOAUTH') {
    return {
      cause: 'NOAUTH',
      explanation: 'it requires a password and REDIS_URL gives none. This is a configuration error to fix: put the password in REDIS_URL as redis://:PASSWORD@host:port.',
      configError: true,
    };
  }
  if (reply === 'WRONGPASS' || /invalid password|invalid username-password/i.test(message)) {
    return {
      cause: 'WRONGPASS',
      explanation: 'it refused the user name or password in REDIS_URL. This is a configuration error to fix: correct them in REDIS_URL.',
      configError: true,
    };
  }
  const code = codeOf(err) ?? /\b(E[A-Z_]{3,})\b/.exec(message)?.[1] ?? null;
  if (code !== null && NETWORK[code] !== undefined) {
    return { cause: code, explanation: `${NETWORK[code]}; ${REDIS_HINT}`, configError: false };
  }
  return { cause: code ?? message, explanation: REDIS_HINT, configError: false };
}

/** Whether an error says the connection to Redis failed (rather than a command failing on a working one). */
export function isConnectionError(err: unknown): boolean {
  const failure = redisFailure(err);
  return failure.configError || NETWORK[failure.cause] !== undefined || /Connection is closed|max retries per request/i.test(messageOf(err));
}

/** The one-line message for an operator: which Redis (password hidden), the cause, and what to check. */
export function describeRedisFailure(url: string, failure: RedisFailure): string {
  const where = redactRedisUrl(url);
  return failure.configError
    ? `Redis at ${where} (${failure.cause}): ${failure.explanation}`
    : `cannot reach Redis at ${where} (${failure.cause}): ${failure.explanation}`;
}

/** Redis did not answer (or refused the credentials); the message says which Redis, why, and what to check. */
export class RedisUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly failure: RedisFailure,
  ) {
    super(describeRedisFailure(url, failure));
    this.name = 'RedisUnreachableError';
  }
}
