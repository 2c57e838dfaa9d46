import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
const url = z
  .string()
  .url()
  .transform((v) => v.replace(/\/+$/, ''));

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
    REDIS_URL: z.string().default('redis://127.0.0.1:6379').describe('Redis URL. Redis must run with maxmemory-policy noeviction.'),
    SYNC_QUEUE_PREFIX: z
      .string()
      .default('{okta-hubspot-sync}')
      .refine((p) => /\{[^}]+\}/.test(p), 'must contain a {hash-tag} so every key lands in one Redis Cluster slot')
      .describe('Prefix of every Redis key the daemon writes; hash-tagged for Redis Cluster.'),
    SYNC_POLL_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(15).describe('System Log poll interval.'),
    SYNC_RECONCILE_CRON: z.string().default('0 * * * *').describe('node-cron expression for full reconciliations (default hourly).'),
    SYNC_CONFIG: optionalString.describe('Path of a rules/daemon YAML file to use instead of config/default.yaml.'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('Ops HTTP server port.'),
    HOST: z.string().default('127.0.0.1').describe('Ops HTTP server address. A non-loopback HOST requires SYNC_ADMIN_TOKEN.'),
    SYNC_ADMIN_TOKEN: optionalString.describe('Token for the dashboard, status page and API (bearer or basic auth password).'),
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

export type Env = z.infer<typeof EnvSchema>;
