import { z } from 'zod';
import { DEFAULT_REDIS_URL, parseRedisUrl } from './redis-url';
import { isLoopbackHost } from '../src/server/loopback';

/** The key prefix used when SYNC_QUEUE_PREFIX is unset or blank. */
export const DEFAULT_QUEUE_PREFIX = '{okta-hubspot-sync}';

/**
 * The Redis Cluster hash tag of a key prefix: the text between the first `{` and the next `}`,
 * when it is not empty (Redis hashes only that part, so every key under the prefix lands in one
 * slot). Null when the prefix has none, e.g. `myapp`, `{myapp` or `{}myapp`.
 */
export function redisHashTag(prefix: string): string | null {
  const open = prefix.indexOf('{');
  const close = open < 0 ? -1 : prefix.indexOf('}', open + 1);
  return close > open + 1 ? prefix.slice(open + 1, close) : null;
}

/** The System Log poll interval without an event hook. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 15;
/** The poll interval when OKTA_EVENT_HOOK_SECRET is set: the poll only catches what the hook missed. */
export const DEFAULT_POLL_INTERVAL_WITH_HOOK_SECONDS = 60;
/** Shortest OKTA_EVENT_HOOK_SECRET accepted (it is the only thing between the internet and the endpoint). */
export const MIN_HOOK_SECRET_LENGTH = 32;

/** Shortest SYNC_ADMIN_TOKEN accepted when the ops server is reachable beyond loopback. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;
/** Fewest different characters in such a token (`aaaa…` or `abab…` is not a secret). */
export const MIN_ADMIN_TOKEN_DISTINCT = 8;
const STRONG_TOKEN_HOWTO = `make one with \`openssl rand -hex 32\` or \`node -e "console.log(require('crypto').randomBytes(32).toString('hex'))"\``;

/** What SYNC_QUEUE_PREFIX means: the prefix to use and whether it was wrapped, or why it cannot work. */
export type QueuePrefixReading = { prefix: string; wrapped: boolean; problem?: undefined } | { problem: string };

/**
 * Reads SYNC_QUEUE_PREFIX once for every consumer: blank means the default; a value with a hash
 * tag is kept as is; a plain name (no braces) is wrapped in one (`myapp` → `{myapp}`) so the
 * daemon works on Redis Cluster; braces that make no hash tag (`{myapp`, `{}x`) are refused with
 * the value to write instead.
 */
export function readQueuePrefix(raw: string | undefined): QueuePrefixReading {
  const value = raw?.trim() ?? '';
  if (value === '') {
    return { prefix: DEFAULT_QUEUE_PREFIX, wrapped: false };
  }
  if (redisHashTag(value) !== null) {
    return { prefix: value, wrapped: false };
  }
  if (!/[{}]/.test(value)) {
    return { prefix: `{${value}}`, wrapped: true };
  }
  const bare = value.replace(/[{}]/g, '');
  const example = bare === '' ? DEFAULT_QUEUE_PREFIX : `{${bare}}`;
  return {
    problem: `"${value}" has braces but no Redis Cluster hash tag (text between the first "{" and the next "}"): write it as SYNC_QUEUE_PREFIX=${example}, or give a plain name such as SYNC_QUEUE_PREFIX=${bare || 'myapp'} (wrapped to ${example}), or leave it unset for ${DEFAULT_QUEUE_PREFIX}`,
  };
}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
const url = z
  .string()
  .url()
  .transform((v) => v.replace(/\/+$/, ''));

const redisUrl = z
  .string()
  .default(DEFAULT_REDIS_URL)
  .transform((v, ctx) => {
    const parsed = parseRedisUrl(v);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }
    return parsed.url;
  });

/**
 * Endpoints and secrets, from the environment only. These names are a public interface: other
 * tools (compose files, Helm charts) rely on them.
 */
export const EnvSchema = z
  .object({
    OKTA_ORG_URL: url.describe('Okta org URL, e.g. https://acme.okta.com (a trailing slash is removed).'),
    OKTA_API_TOKEN: optionalString.describe('Okta API token (SSWS). Or use OKTA_CLIENT_ID + OKTA_PRIVATE_KEY.'),
    OKTA_CLIENT_ID: optionalString.describe('OAuth service app client id (private-key JWT).'),
    OKTA_PRIVATE_KEY: optionalString.describe('OAuth service app private key: a JWK (JSON) or a PEM.'),
    OKTA_KEY_ID: optionalString.describe('Key id of OKTA_PRIVATE_KEY when it is a PEM.'),
    OKTA_APP_ID: z.string().min(1).describe('Id of the HubSpot app instance in Okta (0oa…).'),
    HUBSPOT_BASE_URL: url.default('https://api.hubapi.com').describe('HubSpot API base URL.'),
    HUBSPOT_ACCESS_TOKEN: z.string().min(1).describe('HubSpot private app (or service key) access token.'),
    REDIS_URL: redisUrl.describe(
      `Redis address: redis://[:PASSWORD@]host:port[/db] (default ${DEFAULT_REDIS_URL}), rediss:// for TLS, host:port, a bare host, or a unix socket path. Redis must run with maxmemory-policy noeviction.`,
    ),
    SYNC_QUEUE_PREFIX: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        const read = readQueuePrefix(raw);
        if (read.problem !== undefined) {
          ctx.addIssue({ code: 'custom', message: read.problem });
          return z.NEVER;
        }
        return read.prefix;
      })
      .describe(`Prefix of every Redis key the daemon writes, with a Redis Cluster hash tag: a plain name is wrapped (myapp → {myapp}); blank means ${DEFAULT_QUEUE_PREFIX}.`),
    SYNC_POLL_INTERVAL_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(DEFAULT_POLL_INTERVAL_SECONDS)
      .describe(`System Log poll interval (default ${DEFAULT_POLL_INTERVAL_SECONDS} s, or ${DEFAULT_POLL_INTERVAL_WITH_HOOK_SECONDS} s when OKTA_EVENT_HOOK_SECRET is set: the poll is then the backstop of the event hook).`),
    SYNC_RECONCILE_CRON: z.string().default('0 * * * *').describe('node-cron expression for full reconciliations (default hourly).'),
    SYNC_CONFIG: optionalString.describe('Path of a rules/daemon YAML file to use instead of config/default.yaml.'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('Ops HTTP server port.'),
    HOST: z.string().default('127.0.0.1').describe('Ops HTTP server address. A non-loopback HOST requires SYNC_ADMIN_TOKEN.'),
    SYNC_ADMIN_TOKEN: optionalString.describe(
      `Token for the dashboard, status page and API (bearer or basic auth password). Beyond loopback at least ${MIN_ADMIN_TOKEN_LENGTH} characters: ${STRONG_TOKEN_HOWTO}.`,
    ),
    OKTA_EVENT_HOOK_SECRET: optionalString.describe(
      'Turns on the Okta event hook endpoint (/hooks/okta): the full value of the Authorization header Okta sends (e.g. "Bearer <random>"; at least 32 characters: openssl rand -hex 32). Unset: the endpoint answers 404.',
    ),
    HOOK_PORT: z.coerce.number().int().min(0).max(65535).optional().describe('Serve /hooks/okta on a listener of its own on this port (only the hook is exposed there). Unset: on the ops server port.'),
    HOOK_HOST: z.string().default('127.0.0.1').describe('Address of the HOOK_PORT listener (put a TLS reverse proxy in front; 0.0.0.0 to listen on every interface).'),
    LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info').describe('winston log level.'),
    LOG_FORMAT: z.enum(['json', 'pretty', 'auto']).default('auto').describe('json, pretty, or auto (pretty on a TTY, JSON otherwise).'),
  });

/**
 * Okta needs either an API token or an OAuth client id with its private key. Checked apart from
 * the schema so the problem is reported even when other settings are wrong too.
 */
export function oktaAuthProblems(env: NodeJS.ProcessEnv): string[] {
  const set = (k: string) => typeof env[k] === 'string' && env[k]!.trim() !== '';
  const hasOAuth = set('OKTA_CLIENT_ID') || set('OKTA_PRIVATE_KEY');
  if (!set('OKTA_API_TOKEN') && !hasOAuth) {
    return ['environment OKTA_API_TOKEN: set OKTA_API_TOKEN, or OKTA_CLIENT_ID and OKTA_PRIVATE_KEY'];
  }
  if (hasOAuth && !set('OKTA_API_TOKEN') && !(set('OKTA_CLIENT_ID') && set('OKTA_PRIVATE_KEY'))) {
    return ['environment OKTA_CLIENT_ID: OAuth needs both OKTA_CLIENT_ID and OKTA_PRIVATE_KEY'];
  }
  return [];
}

/** Why an admin token is too weak to guard a server others can reach, or null. */
export function adminTokenWeakness(token: string): string | null {
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    return `it has ${token.length} characters, fewer than ${MIN_ADMIN_TOKEN_LENGTH}`;
  }
  const distinct = new Set(token).size;
  return distinct < MIN_ADMIN_TOKEN_DISTINCT ? `it uses only ${distinct} different characters (at least ${MIN_ADMIN_TOKEN_DISTINCT} needed)` : null;
}

/**
 * The ops server on a HOST beyond loopback is guarded by SYNC_ADMIN_TOKEN alone, so it needs one
 * and it must be strong. On loopback any token (or none) is accepted; a weak one is a warning
 * (see {@link adminTokenWarnings}). Checked apart from the schema so it is listed with the rest.
 */
export function adminTokenProblems(env: Pick<Env, 'HOST' | 'SYNC_ADMIN_TOKEN'>): string[] {
  if (isLoopbackHost(env.HOST)) {
    return [];
  }
  if (!env.SYNC_ADMIN_TOKEN) {
    return [`environment HOST: the ops server would listen on ${env.HOST} without authentication; set SYNC_ADMIN_TOKEN (${STRONG_TOKEN_HOWTO}) or use HOST=127.0.0.1`];
  }
  const weak = adminTokenWeakness(env.SYNC_ADMIN_TOKEN);
  return weak === null
    ? []
    : [`environment SYNC_ADMIN_TOKEN: too weak to guard an ops server on HOST=${env.HOST} (${weak}); ${STRONG_TOKEN_HOWTO}, or use HOST=127.0.0.1`];
}

/** Warnings for the log at start: a weak admin token on loopback works, but is worth replacing. */
export function adminTokenWarnings(env: Pick<Env, 'HOST' | 'SYNC_ADMIN_TOKEN'>): string[] {
  const weak = env.SYNC_ADMIN_TOKEN && isLoopbackHost(env.HOST) ? adminTokenWeakness(env.SYNC_ADMIN_TOKEN) : null;
  return weak === null ? [] : [`SYNC_ADMIN_TOKEN is weak (${weak}): accepted because HOST=${env.HOST} is loopback; it will be refused on any other HOST (${STRONG_TOKEN_HOWTO})`];
}

export type Env = z.infer<typeof EnvSchema>;
