import { OutageError, PermanentError, RateLimitedError, SyncError, TransientError } from '../lib/errors';
import type { Redactor } from '../lib/redact';

/**
 * Turns whatever the Okta SDK threw into the daemon's error hierarchy: 429 → RateLimitedError
 * (wait until the window resets), 5xx / network / timeout → OutageError (unavailable), 401 →
 * OutageError (token rejected), 408 / unreadable answer → TransientError,
 * other 4xx → PermanentError with code `OKTA_<errorCode>`. Messages name the call and the user,
 * never a token.
 */

/** Headers as the SDK exposes them on errors and responses (node-fetch `Headers`). */
export interface HeaderReader {
  get(name: string): string | null;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | null {
  return v !== null && typeof v === 'object' ? (v as Obj) : null;
}

function headerReader(v: unknown): HeaderReader | null {
  const o = obj(v);
  return o && typeof o.get === 'function' ? (v as HeaderReader) : null;
}

/** The wait assumed after a 429 that carries no `X-Rate-Limit-Reset` (one rate-limit window). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * Milliseconds to wait after a 429 (or before the next call once Remaining hits 0): the reset
 * time minus the server's `Date` (so clock skew does not matter) plus one second, because both
 * are in whole seconds, like the SDK's own retry. `nowMs` stands in for a missing `Date`.
 */
export function rateLimitWaitMs(headers: HeaderReader | null, nowMs: number): number | null {
  const reset = Number(headers?.get('x-rate-limit-reset') ?? NaN);
  if (!Number.isFinite(reset) || reset <= 0) {
    return null;
  }
  const dateHeader = headers?.get('date');
  const serverNow = dateHeader ? Date.parse(dateHeader) : NaN;
  const base = Number.isNaN(serverNow) ? nowMs : serverNow;
  return Math.max(0, reset * 1000 - base) + 1000;
}

export interface ErrorContext {
  /** What was being done, e.g. `getCandidate(ada@acme.example)`. */
  call: string;
  redactor: Redactor;
  nowMs: number;
}

/** Maps an error from the SDK (or node-fetch) to a SyncError; SyncErrors pass through. */
export function toOktaError(err: unknown, ctx: ErrorContext): SyncError {
  if (err instanceof SyncError) {
    return err;
  }
  const e = obj(err);
  const clean = (s: string) => ctx.redactor.redactString(s);
  const status = typeof e?.status === 'number' ? e.status : typeof e?.status === 'string' && /^\d+$/.test(e.status) ? Number(e.status) : undefined;
  if (status !== undefined) {
    const errorCode = typeof e?.errorCode === 'string' && e.errorCode !== '' ? e.errorCode : null;
    const summary = typeof e?.errorSummary === 'string' ? e.errorSummary : '';
    const code = errorCode ? `OKTA_${errorCode}` : `OKTA_HTTP_${status}`;
    const message = clean(`Okta ${ctx.call} failed: HTTP ${status}${errorCode ? ` ${errorCode}` : ''}${summary ? ` ${summary}` : ''}`);
    if (status === 429) {
      const wait = rateLimitWaitMs(headerReader(e?.headers), ctx.nowMs) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
      return new RateLimitedError(message, { code: errorCode ? code : 'OKTA_E0000047', retryAfterMs: wait, status, cause: err });
    }
    if (status >= 500) {
      return new OutageError(message, { api: 'okta', kind: 'unavailable', code, status, cause: err });
    }
    if (status === 401) {
      return new OutageError(message, { api: 'okta', kind: 'token-rejected', code, status, cause: err });
    }
    if (status === 408) {
      return new TransientError(message, { code, status, cause: err });
    }
    return new PermanentError(message, { code, status, cause: err });
  }
  const name = typeof e?.name === 'string' ? e.name : '';
  const type = typeof e?.type === 'string' ? e.type : '';
  const text = err instanceof Error ? err.message : String(err);
  if (type === 'request-timeout' || /timeout|time exceeded/i.test(text)) {
    return new OutageError(clean(`Okta ${ctx.call} timed out: ${text}`), { api: 'okta', kind: 'unavailable', code: 'OKTA_TIMEOUT', cause: err });
  }
  if (type === 'invalid-json' || err instanceof SyntaxError) {
    return new TransientError(clean(`Okta ${ctx.call} got an unreadable answer: ${text}`), { code: 'OKTA_BAD_RESPONSE', cause: err });
  }
  if (name === 'FetchError' || type === 'system' || typeof e?.code === 'string') {
    return new OutageError(clean(`Okta ${ctx.call} failed: network error: ${text}`), { api: 'okta', kind: 'unavailable', code: 'OKTA_NETWORK', cause: err });
  }
  return new TransientError(clean(`Okta ${ctx.call} failed: ${text}`), { code: 'OKTA_UNEXPECTED', cause: err });
}

/** Whether an SDK error is a 404 (used where "not found" is an answer, not a failure). */
export function isNotFound(err: unknown): boolean {
  const e = obj(err);
  return e?.status === 404 || e?.status === '404';
}
