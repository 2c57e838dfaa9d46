import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DaemonSchema, type DaemonSettings } from './daemon-schema';
import {
  adminTokenProblems,
  adminTokenWarnings,
  DEFAULT_POLL_INTERVAL_WITH_HOOK_SECONDS,
  EnvSchema,
  MIN_HOOK_SECRET_LENGTH,
  oktaAuthProblems,
  readQueuePrefix,
  type Env,
} from './env-schema';
import { redisUrlPassword } from './redis-url';
import { RulesSchema, type Rules } from './rules-schema';

/** The YAML file: `rules:` (what is enforced) and `daemon:` (how it runs). */
export const FileSchema = z
  .object({ rules: RulesSchema.prefault({}), daemon: DaemonSchema.prefault({}) })
  .strict();

/** Everything the daemon is configured with, parsed once at start. */
export interface Config {
  env: Env;
  rules: Rules;
  daemon: DaemonSettings;
  /** The YAML file the rules came from. */
  configPath: string;
  /** Secret values (tokens, keys) that must never appear in output; fed to the log redactor. */
  secrets: string[];
  /** What the daemon logs once at start about how it read the settings (never a secret). */
  notices: ConfigNotice[];
}

/** A line for the log at start: a setting was adjusted (info) or works but is risky (warn). */
export interface ConfigNotice {
  level: 'info' | 'warn';
  message: string;
}

/** Bad configuration: `problems` lists every one found, one line each. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A YAML file shipped in `config/` (found from `config/` under ts and from `dist/config/`). */
export function bundledConfigPath(fileName: string): string {
  const candidates = [path.resolve(__dirname, fileName), path.resolve(__dirname, '..', '..', 'config', fileName)];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/** The default rules file shipped in `config/`. */
export function defaultConfigPath(): string {
  return bundledConfigPath('default.yaml');
}

function formatIssues(prefix: string, error: z.ZodError, describe?: (key: string) => string | undefined): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const help = describe?.(String(issue.path[0] ?? ''));
    return `${prefix}${where}: ${missing ? 'is required' : issue.message}${missing && help ? ` (${help})` : ''}`;
  });
}

function envDescription(key: string): string | undefined {
  const shape = EnvSchema.shape as Record<string, z.ZodType | undefined>;
  return shape[key]?.description;
}

/** A rules/daemon file's settings once validated. */
export interface RulesFile {
  rules: Rules;
  daemon: DaemonSettings;
}

function validateRulesFile(raw: unknown, source: string): RulesFile {
  const parsed = FileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigError(formatIssues(`${source}: `, parsed.error));
  }
  return parsed.data;
}

/** Reads and validates a rules/daemon YAML file. */
export function loadRulesFile(filePath: string): RulesFile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(filePath, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${filePath}: cannot read or parse: ${(err as Error).message}`]);
  }
  return validateRulesFile(raw, filePath);
}

/**
 * Validates the text of a rules/daemon file (YAML, or JSON, which YAML reads too) exactly as
 * {@link loadRulesFile} validates a file; `source` names it in the problems (e.g. "proposed
 * rules"). Throws ConfigError listing every problem.
 */
export function parseRulesText(text: string, source: string): RulesFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`${source}: cannot parse: ${(err as Error).message}`]);
  }
  return validateRulesFile(raw, source);
}

/**
 * What a command that only reads the daemon's state in Redis (`status`, `audit`) puts in the API
 * settings it never uses when they are not set: no client is built from them, and they are no
 * secrets to redact.
 */
const UNUSED_API_SETTINGS: Readonly<Record<string, string>> = {
  OKTA_ORG_URL: 'https://okta.invalid',
  OKTA_APP_ID: 'not-used',
  OKTA_API_TOKEN: 'not-used',
  HUBSPOT_ACCESS_TOKEN: 'not-used',
};

/** What a command needs of the configuration: everything (the default), or only Redis and the queue prefix. */
export interface LoadOptions {
  /** `state`: the Okta and HubSpot settings may be left out (read-only commands over Redis). */
  needs?: 'all' | 'state';
}

/** Parses the environment and the rules file together and reports every problem at once. */
export function loadConfig(given: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Config {
  const problems: string[] = [];
  const blank = (v: string | undefined) => v === undefined || v.trim() === '';
  const filled = opts.needs === 'state' ? Object.keys(UNUSED_API_SETTINGS).filter((k) => blank(given[k]) && !(k === 'OKTA_API_TOKEN' && !blank(given.OKTA_CLIENT_ID))) : [];
  const env: NodeJS.ProcessEnv = { ...given, ...Object.fromEntries(filled.map((k) => [k, UNUSED_API_SETTINGS[k]])) };
  const hookOn = !blank(env.OKTA_EVENT_HOOK_SECRET);
  // With an event hook the poll is the backstop: its default interval is longer.
  const withDefaults = hookOn && blank(env.SYNC_POLL_INTERVAL_SECONDS) ? { ...env, SYNC_POLL_INTERVAL_SECONDS: String(DEFAULT_POLL_INTERVAL_WITH_HOOK_SECONDS) } : env;
  const parsedEnv = EnvSchema.safeParse(withDefaults);
  if (hookOn && (env.OKTA_EVENT_HOOK_SECRET ?? '').trim().length < MIN_HOOK_SECRET_LENGTH) {
    problems.push(`environment OKTA_EVENT_HOOK_SECRET: at least ${MIN_HOOK_SECRET_LENGTH} characters (the whole header value, e.g. "Bearer " and the output of openssl rand -hex 32)`);
  }
  if (!parsedEnv.success) {
    problems.push(...formatIssues('environment ', parsedEnv.error, envDescription));
  }
  problems.push(...oktaAuthProblems(env));
  const binding = EnvSchema.pick({ HOST: true, SYNC_ADMIN_TOKEN: true }).safeParse(env);
  if (binding.success) {
    problems.push(...adminTokenProblems(binding.data));
  }
  const configPath = env.SYNC_CONFIG && env.SYNC_CONFIG.trim() !== '' ? path.resolve(env.SYNC_CONFIG) : defaultConfigPath();
  let file: RulesFile | undefined;
  try {
    file = loadRulesFile(configPath);
  } catch (err) {
    if (err instanceof ConfigError) {
      problems.push(...err.problems);
    } else {
      throw err;
    }
  }
  if (problems.length > 0 || !parsedEnv.success || file === undefined) {
    throw new ConfigError(problems);
  }
  const e = parsedEnv.data;
  const placeholders = new Set(filled.map((k) => UNUSED_API_SETTINGS[k]));
  const secrets = [e.OKTA_API_TOKEN, e.OKTA_PRIVATE_KEY, e.HUBSPOT_ACCESS_TOKEN, e.SYNC_ADMIN_TOKEN, e.OKTA_EVENT_HOOK_SECRET, redisUrlPassword(e.REDIS_URL)].filter(
    (s): s is string => typeof s === 'string' && s.length >= 4 && !placeholders.has(s),
  );
  const notices: ConfigNotice[] = adminTokenWarnings(e).map((message) => ({ level: 'warn', message }));
  const prefix = readQueuePrefix(env.SYNC_QUEUE_PREFIX);
  if (prefix.problem === undefined && prefix.wrapped) {
    notices.unshift({
      level: 'info',
      message: `SYNC_QUEUE_PREFIX "${env.SYNC_QUEUE_PREFIX?.trim() ?? ''}" has no Redis Cluster hash tag: using "${e.SYNC_QUEUE_PREFIX}" as the key prefix`,
    });
  }
  return { env: e, rules: file.rules, daemon: file.daemon, configPath, secrets, notices };
}

