import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/lib/logger';
import { PermanentError } from '../../../src/lib/errors';

function capture(secrets: string[]) {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const logger = createLogger({ format: 'json', secrets, stream });
  return { logger, lines, flush: () => new Promise((r) => setImmediate(r)) };
}

describe('logger redaction', () => {
  const token = 'pat-na1-11111111-2222-3333-4444-555555555555';

  it('never writes a known token, in messages, metadata, nested errors or headers', async () => {
    const { logger, lines, flush } = capture([token]);
    const sdkError = Object.assign(new Error(`request failed with Authorization: Bearer ${token}`), {
      headers: { authorization: `Bearer ${token}` },
      options: { token, url: `https://api.example/x?hapikey=${token}` },
    });
    logger.error('call failed', { err: sdkError, token, nested: { deeper: [`SSWS ${token}`] } });
    logger.info(`plain message with ${token}`);
    logger.warn('typed', new PermanentError(`bad ${token}`, { code: 'X' }));
    await flush();
    const out = lines.join('\n');
    expect(lines.length).toBe(3);
    expect(out).not.toContain(token);
    expect(out).toContain('[REDACTED]');
  });

  it('redacts bearer and SSWS tokens it was not told about', async () => {
    const { logger, lines, flush } = capture([]);
    logger.info('header was Authorization: SSWS 00abcDEF_unknown-token and Bearer eyJhbGciOi.payload.sig');
    await flush();
    expect(lines.join('')).not.toMatch(/00abcDEF_unknown-token|eyJhbGciOi/);
  });
});

describe('logger format', () => {
  function prettyLines(isTTY: boolean) {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const logger = createLogger({ format: 'pretty', stream, isTTY });
    return { logger, lines };
  }

  it('colours pretty lines only on a terminal: a redirected log is plain text', async () => {
    const plain = prettyLines(false);
    const coloured = prettyLines(true);
    plain.logger.child({ component: 'demo' }).info('user synced', { email: 'a@acme.example' });
    coloured.logger.info('user synced');
    await new Promise((r) => setImmediate(r));
    expect(plain.lines[0]).toMatch(/^\S+Z info \[demo\] user synced {"email":"a@acme.example"}$/);
    // eslint-disable-next-line no-control-regex
    expect(plain.lines.join('')).not.toMatch(/\x1b\[/);
    // eslint-disable-next-line no-control-regex
    expect(coloured.lines[0]).toMatch(/\x1b\[32minfo\x1b\[39m/);
  });
});
