import { redactRedisUrl } from '../../../config/redis-url';
import { describeRedisFailure, isConnectionError, REDIS_HINT, redisFailure } from '../../../src/lib/redis-failure';

const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('redactRedisUrl', () => {
  it.each([
    ['redis://:secret@host:6379', 'redis://:***@host:6379'],
    ['rediss://default:secret@host:6380/1', 'rediss://default:***@host:6380/1'],
    ['redis://secret@host:6379', 'redis://***@host:6379'],
    ['redis://host:6379', 'redis://host:6379'],
    ['/run/redis.sock?password=secret', '/run/redis.sock?password=***'],
    [':secret@host:6379', ':***@host:6379'],
  ])('%s → %s', (url, shown) => {
    expect(redactRedisUrl(url)).toBe(shown);
    expect(redactRedisUrl(url)).not.toContain('secret');
  });
});

describe('redisFailure', () => {
  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6391', 'nothing accepts connections'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND redis.invalid', 'does not resolve'],
    ['ETIMEDOUT', 'connect ETIMEDOUT', 'no answer in time'],
  ])('names a socket error %s, says what it means and what to check', (code, message, meaning) => {
    const failure = redisFailure(socketError(code, message));
    expect(failure).toEqual({ cause: code, explanation: expect.stringContaining(meaning), configError: false });
    expect(failure.explanation).toContain(REDIS_HINT);
    expect(isConnectionError(socketError(code, message))).toBe(true);
  });

  it('calls a missing or wrong password a configuration error to fix', () => {
    const noauth = redisFailure(new Error('NOAUTH Authentication required.'));
    expect(noauth).toMatchObject({ cause: 'NOAUTH', configError: true });
    expect(noauth.explanation).toContain('configuration error');
    expect(noauth.explanation).toContain('redis://:PASSWORD@host:port');
    const wrong = redisFailure(new Error('WRONGPASS invalid username-password pair or user is disabled.'));
    expect(wrong).toMatchObject({ cause: 'WRONGPASS', configError: true });
  });

  it('does not take a command error on a working connection for a connection failure', () => {
    expect(isConnectionError(new Error('ERR unknown command'))).toBe(false);
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
  });

  it('describes the failure with the address, password hidden', () => {
    const text = describeRedisFailure('redis://:hunter2@10.0.0.7:6379', redisFailure(socketError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.7:6379')));
    expect(text).toBe(`cannot reach Redis at redis://:***@10.0.0.7:6379 (ECONNREFUSED): nothing accepts connections at that address; ${REDIS_HINT}`);
  });
});
