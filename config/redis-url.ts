/** The address the daemon uses when REDIS_URL is unset or empty. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const EXPECTED =
  `expected redis://host:port, e.g. ${DEFAULT_REDIS_URL} (rediss:// for TLS, redis://:PASSWORD@host:6379 with a password, ` +
  'host:port or a bare host name, or a unix socket path such as /run/redis/redis.sock or unix:///run/redis/redis.sock)';

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d+)$/;
const BARE_HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)$/;

/** A REDIS_URL checked and put in the one form ioredis reads, or the reason it cannot be used. */
export type RedisUrlParse = { ok: true; url: string } | { ok: false; problem: string };

/**
 * Replaces the password (and nothing else) of a Redis URL with `***`, e.g.
 * `redis://:***@host:6379`, so the address can be shown in logs and errors. Anything that is
 * not a URL with credentials is returned unchanged.
 */
export function redactRedisUrl(url: string): string {
  return url
    .replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?([^@/?#]*)@/, (_all, scheme: string | undefined, auth: string) => {
      const colon = auth.indexOf(':');
      // Without a colon the whole part is hidden: people often put a bare password there.
      return colon === -1 ? `${scheme ?? ''}***@` : `${scheme ?? ''}${auth.slice(0, colon)}:***@`;
    })
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** The password a Redis URL carries, decoded, if any (fed to the log redactor). */
export function redisUrlPassword(url: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^@/?#]*)@/.exec(url);
  if (!m) {
    return undefined;
  }
  const auth = m[1] ?? '';
  const colon = auth.indexOf(':');
  const raw = colon === -1 ? auth : auth.slice(colon + 1);
  if (raw === '') {
    return undefined;
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function validPort(port: string): boolean {
  const n = Number(port);
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

function checkUrl(value: string): RedisUrlParse {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return { ok: false, problem: `"${redactRedisUrl(value)}" is not a valid URL; ${EXPECTED}` };
  }
  if (parsed.hostname === '') {
    return { ok: false, problem: `"${redactRedisUrl(value)}" names no host; ${EXPECTED}` };
  }
  if (parsed.port !== '' && !validPort(parsed.port)) {
    return { ok: false, problem: `"${redactRedisUrl(value)}" has an invalid port; ${EXPECTED}` };
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    return { ok: false, problem: `"${redactRedisUrl(value)}": the path must be a database number such as /0, not "/${db}"; ${EXPECTED}` };
  }
  return { ok: true, url: value };
}

/**
 * Checks a REDIS_URL and normalises it: `redis://` and `rediss://` URLs as given,
 * `host:port` and a bare host as `redis://host:port` (port 6379 by default), `unix:///path`
 * and `/path` as the socket path. Other schemes (`http://` above all, which ioredis would
 * otherwise take for a socket path) are refused with the form expected. Problems never show
 * the password.
 */
export function parseRedisUrl(raw: string): RedisUrlParse {
  const value = raw.trim();
  if (value === '') {
    return { ok: true, url: DEFAULT_REDIS_URL };
  }
  if (value.startsWith('/') && !value.startsWith('//')) {
    return { ok: true, url: value };
  }
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') {
    return checkUrl(value);
  }
  if (scheme === 'unix') {
    const socket = value.slice('unix://'.length);
    if (!socket.startsWith('/')) {
      return { ok: false, problem: `"${redactRedisUrl(value)}" needs an absolute socket path, e.g. unix:///run/redis/redis.sock; ${EXPECTED}` };
    }
    return { ok: true, url: socket };
  }
  if (scheme !== undefined) {
    const hint = scheme === 'http' || scheme === 'https' ? ` (${scheme}:// is a web address; Redis speaks its own protocol)` : '';
    return { ok: false, problem: `"${redactRedisUrl(value)}" uses the scheme ${scheme}://, which is not Redis${hint}; ${EXPECTED}` };
  }
  const hostPort = HOST_PORT.exec(value);
  if (hostPort) {
    if (!validPort(hostPort[2] ?? '')) {
      return { ok: false, problem: `"${redactRedisUrl(value)}" has an invalid port; ${EXPECTED}` };
    }
    return { ok: true, url: `redis://${value}` };
  }
  if (BARE_HOST.test(value)) {
    return { ok: true, url: `redis://${value}:6379` };
  }
  return { ok: false, problem: `"${redactRedisUrl(value)}" is not a Redis address; ${EXPECTED}` };
}
