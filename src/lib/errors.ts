/**
 * The daemon's error hierarchy. Every adapter turns API failures into one of these, so workers
 * decide with one classifier whether to retry, wait for a rate limit, or fail with a reason.
 */
export class SyncError extends Error {
  /** Whether trying again later can succeed. */
  readonly retryable: boolean;
  /** How long to wait before trying again, when the server said so. */
  readonly retryAfterMs: number | undefined;
  /** Stable machine code, e.g. `HUBSPOT_409`, `OKTA_E0000007`, `BAD_EMAIL`. */
  readonly code: string;
  /** HTTP status, when the error came from an API. */
  readonly status: number | undefined;

  constructor(message: string, opts: { retryable: boolean; code: string; retryAfterMs?: number; status?: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.retryable = opts.retryable;
    this.code = opts.code;
    this.retryAfterMs = opts.retryAfterMs;
    this.status = opts.status;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** The API answered 429: wait `retryAfterMs`, and do not count it as a failed attempt. */
export class RateLimitedError extends SyncError {
  constructor(message: string, opts: { code: string; retryAfterMs: number; status?: number; cause?: unknown }) {
    super(message, { ...opts, retryable: true });
  }
}

/** A network error, timeout or 5xx: retry with backoff. */
export class TransientError extends SyncError {
  constructor(message: string, opts: { code: string; retryAfterMs?: number; status?: number; cause?: unknown }) {
    super(message, { ...opts, retryable: true });
  }
}

/** The APIs the daemon talks to. */
export type ApiName = 'hubspot' | 'okta';

/** How an API is out: it does not answer normally (5xx, timeout, network), or it rejects the token (401). */
export type OutageKind = 'unavailable' | 'token-rejected';

/**
 * The API as a whole is out, not this one request: every job would meet the same answer. Work
 * pauses while one probe checks for the end, so no job uses up attempts on it (see
 * `src/queue/outage-breaker.ts`). A TransientError, so callers that only ask "retry?" are unchanged.
 */
export class OutageError extends TransientError {
  readonly api: ApiName;
  readonly kind: OutageKind;

  constructor(message: string, opts: { api: ApiName; kind: OutageKind; code: string; status?: number; cause?: unknown }) {
    super(message, opts);
    this.api = opts.api;
    this.kind = opts.kind;
  }
}

/** Retrying cannot help (validation, missing scope, conflict): fail at once with the reason. */
export class PermanentError extends SyncError {
  constructor(message: string, opts: { code: string; status?: number; cause?: unknown }) {
    super(message, { ...opts, retryable: false });
  }
}

/** A mutating HubSpot call was refused because the client runs in dry-run mode. */
export class DryRunRefusedError extends PermanentError {
  constructor(call: string) {
    super(`dry run: refused to call ${call}`, { code: 'DRY_RUN' });
  }
}

/** What a worker should do with an error. */
export type ErrorDisposition = 'rate-limit' | 'outage' | 'retry' | 'fail';

/**
 * The one classifier every worker uses: a 429 waits, an outage pauses work until a probe sees
 * the API answer again, a permanent error fails, the rest (bugs, a bad answer) is retried.
 */
export function classifyError(err: unknown): ErrorDisposition {
  if (err instanceof RateLimitedError) {
    return 'rate-limit';
  }
  if (err instanceof OutageError) {
    return 'outage';
  }
  if (err instanceof SyncError) {
    return err.retryable ? 'retry' : 'fail';
  }
  return 'retry';
}

/** A message safe to show: the error's own message, never its request or headers. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
