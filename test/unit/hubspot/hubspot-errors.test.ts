import { classifyError, OutageError, PermanentError, RateLimitedError, TransientError } from '../../../src/lib/errors';
import { faultyField, hubspotErrorCode, toSyncError, type FailedExchange } from '../../../src/hubspot/hubspot-errors';

const now = new Date(2026, 5, 10, 12, 0, 0);

function failed(over: Partial<FailedExchange>): FailedExchange {
  return { call: 'updateUser', subject: 'user 1000004', status: 400, headers: {}, body: undefined, now, ...over };
}

describe('toSyncError', () => {
  test('429 → RateLimitedError with the wait for its budget', () => {
    const ten = toSyncError(failed({ status: 429, body: { policyName: 'TEN_SECONDLY_ROLLING' }, headers: { 'x-hubspot-ratelimit-interval-milliseconds': '10000' } }));
    expect(ten).toBeInstanceOf(RateLimitedError);
    expect(ten).toMatchObject({ code: 'HUBSPOT_RATE_LIMIT_TEN_SECONDLY_ROLLING', retryAfterMs: 10_000, retryable: true });
    expect(classifyError(ten)).toBe('rate-limit');
    const daily = toSyncError(failed({ status: 429, body: { policyName: 'DAILY' } }));
    expect(daily.retryAfterMs).toBe(12 * 3600_000 + 60_000);
  });

  test.each([500, 502, 503, 504])('%i → OutageError (HubSpot unavailable: work pauses, no attempt used)', (status) => {
    const e = toSyncError(failed({ status, body: '<html>Bad gateway</html>' }));
    expect(e).toBeInstanceOf(TransientError);
    expect(e).toMatchObject({ api: 'hubspot', kind: 'unavailable' });
    expect(classifyError(e)).toBe('outage');
    expect(e.message).toContain('answer was not JSON');
  });

  test('401 → OutageError (token rejected), the same for every job', () => {
    const e = toSyncError(failed({ status: 401, body: { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' } }));
    expect(e).toBeInstanceOf(OutageError);
    expect(e).toMatchObject({ api: 'hubspot', kind: 'token-rejected', code: 'HUBSPOT_INVALID_AUTHENTICATION', status: 401 });
    expect(e.message).toContain('HubSpot rejected the token (HTTP 401)');
    expect(classifyError(e)).toBe('outage');
  });

  test('no answer → OutageError (timeout or network)', () => {
    expect(toSyncError(failed({ status: null, timeoutMs: 5000 }))).toMatchObject({ code: 'HUBSPOT_TIMEOUT', retryable: true });
    const net = toSyncError(failed({ status: null, networkReason: 'FetchError: connect ECONNREFUSED' }));
    expect(net).toBeInstanceOf(TransientError);
    expect(net.message).toContain('ECONNREFUSED');
  });

  test('an unreadable 2xx → TransientError HUBSPOT_BAD_RESPONSE', () => {
    expect(toSyncError(failed({ status: 200, unreadable: 'user has no email' }))).toMatchObject({ code: 'HUBSPOT_BAD_RESPONSE', retryable: true });
  });

  test('409 → PermanentError HUBSPOT_CONFLICT', () => {
    const e = toSyncError(failed({ call: 'createUser', subject: 'ada@acme.example', status: 409, body: { category: 'CONFLICT', message: 'exists' } }));
    expect(e).toBeInstanceOf(PermanentError);
    expect(e).toMatchObject({ code: 'HUBSPOT_CONFLICT', status: 409 });
    expect(classifyError(e)).toBe('fail');
  });

  test('400 names the call, the user, the category and the field', () => {
    const e = toSyncError(
      failed({
        status: 400,
        body: { category: 'VALIDATION_ERROR', message: 'Role 9 does not exist in this account.', errors: [{ message: 'x', in: 'roleId' }] },
      }),
    );
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.code).toBe('HUBSPOT_VALIDATION_ERROR');
    expect(e.message).toBe('HubSpot updateUser for user 1000004 failed (400 VALIDATION_ERROR, field roleId): Role 9 does not exist in this account.');
  });

  test('403 names the scope HubSpot wants', () => {
    const e = toSyncError(
      failed({
        status: 403,
        body: { category: 'MISSING_SCOPES', message: 'scopes', errors: [{ message: 'One or more', context: { requiredGranularScopes: ['settings.billing.write'] } }] },
      }),
    );
    expect(e).toMatchObject({ code: 'HUBSPOT_MISSING_SCOPES', retryable: false });
    expect(e.message).toContain('needs scope settings.billing.write');
  });
});

test('hubspotErrorCode prefers the subCategory', () => {
  expect(hubspotErrorCode({ category: 'VALIDATION_ERROR', subCategory: 'ValidationErrors.USER_ID_NOT_NUMERIC' }, 400)).toBe('HUBSPOT_USER_ID_NOT_NUMERIC');
  expect(hubspotErrorCode({ category: 'MISSING_SCOPES' }, 403)).toBe('HUBSPOT_MISSING_SCOPES');
  expect(hubspotErrorCode('<html>', 418)).toBe('HUBSPOT_418');
});

test('faultyField reads errors[].in, then context keys', () => {
  expect(faultyField({ errors: [{ message: 'm', in: 'email' }] })).toBe('field email');
  expect(faultyField({ context: { firstName: ['too long'] } })).toBe('field firstName');
  expect(faultyField({ message: 'nothing' })).toBeNull();
});
