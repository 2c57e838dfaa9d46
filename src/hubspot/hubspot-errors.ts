import { OutageError, PermanentError, RateLimitedError, SyncError, TransientError } from '../lib/errors';
import { rateLimitPolicy, retryAfterMs, type HeaderBag } from './hubspot-rate';

/**
 * Turns a failed HubSpot exchange into the daemon's error types: 429 → RateLimitedError with a
 * wait; 5xx or no answer → OutageError (unavailable), 401 → OutageError (token rejected);
 * an unreadable 2xx → TransientError; 409 → PermanentError
 * HUBSPOT_CONFLICT; other 4xx → PermanentError HUBSPOT_<subCategory or category>. Messages
 * name the call, the user and the field HubSpot complained about, and never carry headers.
 */

export interface FailedExchange {
  /** Client method, e.g. `createUser`. */
  call: string;
  /** The user concerned, e.g. `ada@acme.example` or `user 1000004`; null for collection calls. */
  subject: string | null;
  /** HTTP status; null when no answer came. */
  status: number | null;
  headers: HeaderBag;
  /** Parsed JSON body, or the text when it was not JSON. */
  body: unknown;
  /** No answer: the request timed out after this many ms. */
  timeoutMs?: number;
  /** No answer: what the network layer said (already free of secrets). */
  networkReason?: string;
  /** An answer came but could not be read (bad JSON, missing fields, wrong content type). */
  unreadable?: string;
  now: Date;
}

const MAX_TEXT = 300;

function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function shorten(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT)}…` : flat;
}

/** Code suffix from HubSpot's subCategory (last dotted part) or category, upper snake case. */
export function hubspotErrorCode(body: unknown, status: number): string {
  const sub = str(field(body, 'subCategory'));
  const category = str(field(body, 'category'));
  const raw = sub?.split('.').pop() ?? category ?? String(status);
  return `HUBSPOT_${raw.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/** What HubSpot said was at fault: a field (`errors[].in`, `context` keys) or the scopes it wants. */
export function faultyField(body: unknown): string | null {
  const errors = field(body, 'errors');
  if (Array.isArray(errors)) {
    for (const e of errors) {
      const where = str(field(e, 'in'));
      if (where) {
        return `field ${where}`;
      }
      const scopes = field(field(e, 'context'), 'requiredGranularScopes');
      if (Array.isArray(scopes) && scopes.length > 0) {
        return `needs scope ${scopes.map(String).join(' or ')}`;
      }
    }
  }
  const context = field(body, 'context');
  if (typeof context === 'object' && context !== null) {
    const keys = Object.keys(context);
    if (keys.length > 0) {
      return `field ${keys.join(', ')}`;
    }
  }
  return null;
}

function describe(x: FailedExchange): string {
  return `HubSpot ${x.call}${x.subject ? ` for ${x.subject}` : ''}`;
}

function serverSaid(body: unknown): string {
  const message = str(field(body, 'message'));
  if (message) {
    return shorten(message);
  }
  if (typeof body === 'string' && body.trim() !== '') {
    return `answer was not JSON: ${shorten(body)}`;
  }
  return 'no message';
}

/** The one mapping from a failed HubSpot exchange to a SyncError. */
export function toSyncError(x: FailedExchange): SyncError {
  const what = describe(x);
  if (x.status === null) {
    if (x.timeoutMs !== undefined) {
      return new OutageError(`${what}: no answer within ${x.timeoutMs} ms`, { api: 'hubspot', kind: 'unavailable', code: 'HUBSPOT_TIMEOUT' });
    }
    return new OutageError(`${what}: network error (${x.networkReason ?? 'unknown'})`, { api: 'hubspot', kind: 'unavailable', code: 'HUBSPOT_NETWORK' });
  }
  const status = x.status;
  if (status === 429) {
    const policy = rateLimitPolicy(x.body, x.headers);
    const wait = retryAfterMs(policy, x.headers, x.now);
    return new RateLimitedError(`${what}: rate limited (${policy}), retry in ${Math.ceil(wait / 1000)} s`, {
      code: `HUBSPOT_RATE_LIMIT_${policy}`,
      retryAfterMs: wait,
      status,
    });
  }
  if (x.unreadable !== undefined || (status >= 200 && status < 300)) {
    return new TransientError(`${what}: unreadable answer (HTTP ${status}): ${x.unreadable ?? 'unexpected status'}`, { code: 'HUBSPOT_BAD_RESPONSE', status });
  }
  if (status >= 500) {
    return new OutageError(`${what}: HubSpot answered ${status}: ${serverSaid(x.body)}`, { api: 'hubspot', kind: 'unavailable', code: `HUBSPOT_${status}`, status });
  }
  if (status === 401) {
    return new OutageError(`${what}: HubSpot rejected the token (HTTP 401): ${serverSaid(x.body)}`, { api: 'hubspot', kind: 'token-rejected', code: 'HUBSPOT_INVALID_AUTHENTICATION', status });
  }
  const where = faultyField(x.body);
  const category = str(field(x.body, 'category'));
  const sub = str(field(x.body, 'subCategory'));
  const label = [String(status), category, sub].filter((p) => p !== undefined).join(' ');
  const message = `${what} failed (${label}${where ? `, ${where}` : ''}): ${serverSaid(x.body)}`;
  if (status === 409) {
    return new PermanentError(message, { code: 'HUBSPOT_CONFLICT', status });
  }
  if (status === 408) {
    return new TransientError(message, { code: 'HUBSPOT_408', status });
  }
  return new PermanentError(message, { code: hubspotErrorCode(x.body, status), status });
}
