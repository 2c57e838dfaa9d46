import { hostnameOfHostHeader, isLoopbackHost } from '../../../src/server/loopback';
import { offeredToken } from '../../../src/server/admin-auth';

describe('loopback hosts', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1'])('%s is loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.5', 'example.com', '128.0.0.1', 'localhost.example.com'])('%s is not', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
  });
  it('takes the host name out of a Host header', () => {
    expect(hostnameOfHostHeader('localhost:3000')).toBe('localhost');
    expect(hostnameOfHostHeader('[::1]:3000')).toBe('::1');
    expect(hostnameOfHostHeader('example.com')).toBe('example.com');
  });
});

describe('offered admin token', () => {
  it('reads a bearer token and the password of basic auth', () => {
    expect(offeredToken('Bearer abc.def')).toBe('abc.def');
    expect(offeredToken(`Basic ${Buffer.from('admin:s3cr:et').toString('base64')}`)).toBe('s3cr:et');
    expect(offeredToken(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeNull();
    expect(offeredToken('Digest x')).toBeNull();
    expect(offeredToken(undefined)).toBeNull();
  });
});
