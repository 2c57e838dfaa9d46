import { OutageError, PermanentError, RateLimitedError, TransientError } from '../../../src/lib/errors';
import { createRedactor } from '../../../src/lib/redact';
import { isNotFound, rateLimitWaitMs, toOktaError } from '../../../src/okta/okta-errors';

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
const ctx = { call: 'getCandidate(ada@x.example)', redactor: createRedactor(['s3cr3t-token-value']), nowMs: Date.parse('2030-01-01T00:00:00Z') };

test('the wait after a rate limit is the reset minus the server date, plus a second', () => {
  const date = 'Tue, 01 Jan 2030 00:00:10 GMT';
  const reset = String(Date.parse('2030-01-01T00:01:00Z') / 1000);
  expect(rateLimitWaitMs(headers({ date, 'x-rate-limit-reset': reset }), 0)).toBe(51_000);
  expect(rateLimitWaitMs(headers({ 'x-rate-limit-reset': reset }), Date.parse('2030-01-01T00:00:30Z'))).toBe(31_000);
  expect(rateLimitWaitMs(headers({ date, 'x-rate-limit-reset': String(Date.parse('2030-01-01T00:00:00Z') / 1000) }), 0)).toBe(1000);
  expect(rateLimitWaitMs(headers({}), 0)).toBeNull();
  expect(rateLimitWaitMs(null, 0)).toBeNull();
});

test('a 429 becomes RateLimitedError with the wait; without a reset header, a window', () => {
  const e = toOktaError(
    { status: 429, errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit', headers: headers({ date: 'Tue, 01 Jan 2030 00:00:00 GMT', 'x-rate-limit-reset': String(ctx.nowMs / 1000 + 5) }) },
    ctx,
  );
  expect(e).toBeInstanceOf(RateLimitedError);
  expect(e.retryAfterMs).toBe(6000);
  expect(e.code).toBe('OKTA_E0000047');
  expect(toOktaError({ status: 429 }, ctx).retryAfterMs).toBe(60_000);
});

test.each([
  [500, 'E0000009', TransientError],
  [503, undefined, TransientError],
  [400, 'E0000053', PermanentError],
  [401, 'E0000011', OutageError],
  [403, 'E0000006', PermanentError],
  [404, 'E0000007', PermanentError],
])('HTTP %i %s', (status, errorCode, type) => {
  const e = toOktaError({ status, errorCode, errorSummary: 'summary' }, ctx);
  expect(e).toBeInstanceOf(type);
  expect(e.status).toBe(status);
  expect(e.code).toBe(errorCode ? `OKTA_${errorCode}` : `OKTA_HTTP_${status}`);
  expect(e.message).toContain('getCandidate(ada@x.example)');
});

test('network errors, timeouts and unreadable answers are transient, each with its code', () => {
  const fetchError = (message: string, type: string, code?: string) => Object.assign(new Error(message), { name: 'FetchError', type, code });
  expect(toOktaError(fetchError('connect ECONNREFUSED', 'system', 'ECONNREFUSED'), ctx).code).toBe('OKTA_NETWORK');
  expect(toOktaError(fetchError('network timeout at: http://x', 'request-timeout'), ctx).code).toBe('OKTA_TIMEOUT');
  expect(toOktaError(fetchError('invalid json response body', 'invalid-json'), ctx).code).toBe('OKTA_BAD_RESPONSE');
  expect(toOktaError(new Error('something odd'), ctx)).toBeInstanceOf(TransientError);
});

test('messages never carry the token, even when the server echoes it', () => {
  const e = toOktaError({ status: 401, errorCode: 'E0000011', errorSummary: 'Invalid token SSWS s3cr3t-token-value' }, ctx);
  expect(e.message).not.toContain('s3cr3t-token-value');
});

test('SyncErrors pass through; 404 is recognised', () => {
  const original = new PermanentError('x', { code: 'X' });
  expect(toOktaError(original, ctx)).toBe(original);
  expect(isNotFound({ status: 404 })).toBe(true);
  expect(isNotFound({ status: 500 })).toBe(false);
  expect(isNotFound(null)).toBe(false);
});
