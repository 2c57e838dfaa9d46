import Redis from 'ioredis';
import type { Config } from '../../config/load';
import { redactRedisUrl } from '../../config/redis-url';
import type { HubSpotClientApi } from '../hubspot/hubspot-types';
import { errorMessage, SyncError } from '../lib/errors';
import { silentLogger } from '../lib/logger';
import { describeRedisFailure, redisFailure } from '../lib/redis-failure';
import { OKTA_EVENT_FILTER } from '../okta/okta-events';
import { hookReceives, type EventHookInfo } from '../okta/okta-event-hooks';
import type { OktaClientApi } from '../okta/okta-types';
import { createRuleGroupReader, unknownGroupsMessage, withGroupIds, type RuleGroupMemberships } from '../okta/rule-groups';
import { ruleGroupRefs } from '../sync/rule-sources';
import { createEmailPolicy } from '../sync/email-policy';
import { createRoleMapper } from '../sync/role-mapping';
import { checkRuleNames } from '../sync/rules-check';
import { scopeOf } from '../sync/scope';
import { censusOfSources, renderCensus, type CensusCatalog } from '../sync/source-census';
import { rulesMapTeams } from '../sync/team-sources';
import type { HubSpotRole, HubSpotSeat, HubSpotTeam, OktaCandidate, OktaGroupRef } from '../sync/types';

/** ok: ready; warn: works but an operator should look; fail: the daemon cannot work; skip: not checked because an earlier check failed. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
  /** A few examples (titles, emails) behind a warning. */
  examples?: string[];
  /** Each problem behind a failure, one line each. */
  items?: string[];
}

export interface DoctorDeps {
  config: Config;
  okta: OktaClientApi;
  hubspot: HubSpotClientApi;
  /** The HubSpot token's scopes, or null when the account cannot say. */
  hubspotScopes: () => Promise<string[] | null>;
  /** The daemon's Okta event hook (null when Okta has none); asked only when OKTA_EVENT_HOOK_SECRET is set. */
  eventHook?: () => Promise<EventHookInfo | null>;
}

/** The Okta event hook's state, when one is configured: ACTIVE and VERIFIED is ready; anything else leaves the poll alone doing the work. */
export async function checkEventHook(find: () => Promise<EventHookInfo | null>): Promise<CheckResult> {
  const check = 'okta-event-hook';
  try {
    const hook = await find();
    if (!hook) {
      return { check, status: 'warn', detail: 'OKTA_EVENT_HOOK_SECRET is set but Okta has no hook named okta-hubspot-sync: run hooks install --url <public URL> (changes arrive by the poll until then)' };
    }
    if (!hookReceives(hook)) {
      return { check, status: 'warn', detail: `the hook ${hook.id} is ${hook.status} and ${hook.verificationStatus}: it receives nothing (run hooks install --url ${hook.uri || '<public URL>'})` };
    }
    return { check, status: 'ok', detail: `the hook ${hook.id} is ACTIVE and VERIFIED, delivering to ${hook.uri}` };
  } catch (err) {
    return { check, status: 'warn', detail: `cannot read the Okta event hooks (okta.eventHooks.read): ${errorMessage(err)}` };
  }
}

const MAX_EXAMPLES = 5;

function failure(check: string, err: unknown, hint: string): CheckResult {
  const status = err instanceof SyncError && err.status !== undefined ? ` (HTTP ${err.status})` : '';
  return { check, status: 'fail', detail: `${hint}${status}: ${errorMessage(err)}` };
}

/** Scopes the rules need, with the reason each is needed. */
export function requiredHubSpotScopes(config: Config, roles: readonly HubSpotRole[]): Array<{ scope: string; why: string }> {
  const needed = [
    { scope: 'settings.users.read', why: 'list users and roles' },
    { scope: 'settings.users.write', why: 'create, update and delete users' },
  ];
  if (rulesMapTeams(config.rules)) {
    needed.push({ scope: 'settings.users.teams.read', why: 'rules.teams maps teams' });
  }
  if (config.rules.seats.mode === 'named') {
    needed.push({ scope: 'settings.billing.write', why: 'rules.seats.mode is named (seats are assigned)' });
  } else if (roles.some((r) => r.requiresBillingWrite)) {
    needed.push({ scope: 'settings.billing.write', why: 'the account has paid-seat roles (requiresBillingWrite)' });
  }
  return needed;
}

async function collectAssigned(okta: OktaClientApi): Promise<OktaCandidate[]> {
  const all: OktaCandidate[] = [];
  for await (const page of okta.listAssignedUsers()) {
    all.push(...page);
  }
  return all;
}

/** Redis answers and keeps jobs safe (noeviction). */
export async function checkRedis(url: string): Promise<CheckResult> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  let lastError: unknown = null;
  redis.on('error', (err: Error) => {
    lastError = err;
  });
  const where = redactRedisUrl(url);
  try {
    await redis.connect();
    await redis.ping();
    let policy: string | null = null;
    try {
      const answer = (await redis.config('GET', 'maxmemory-policy')) as unknown;
      policy = Array.isArray(answer) && typeof answer[1] === 'string' ? answer[1] : null;
    } catch {
      policy = null; // CONFIG may be disabled on managed Redis
    }
    if (policy !== null && policy !== 'noeviction') {
      return { check: 'redis', status: 'warn', detail: `${where} answers, but maxmemory-policy is ${policy}: set noeviction or queued jobs and the ledger can be evicted` };
    }
    return { check: 'redis', status: 'ok', detail: `${where} answers${policy ? ' (maxmemory-policy noeviction)' : ''}` };
  } catch (err) {
    return { check: 'redis', status: 'fail', detail: describeRedisFailure(url, redisFailure(lastError ?? err)) };
  } finally {
    redis.disconnect();
  }
}

/**
 * Per source of the rules (other than the Title, reported by Title below), the values found
 * among the users in scope and what each gives; a warning when some value gives nothing.
 * Null when the rules read no other source.
 */
function sourcesCheck(config: Config, catalog: CensusCatalog, inScope: OktaCandidate[]): CheckResult | null {
  const census = censusOfSources(config.rules, inScope, catalog);
  if (census.length === 0) {
    return null;
  }
  const items = census.map(renderCensus);
  const unmatched = census.flatMap((c) => c.values.filter((v) => v.gives === null).map((v) => `${c.source === 'groups' ? '' : `${c.source} `}${c.source === 'groups' ? v.value : `"${v.value}"`} (${c.decision})`));
  return unmatched.length === 0
    ? { check: 'rule-sources', status: 'ok', detail: `every value the rules' sources found among ${inScope.length} users in scope gives a ${census.map((c) => c.decision).filter((d, i, a) => a.indexOf(d) === i).join(', ')}`, items }
    : { check: 'rule-sources', status: 'warn', detail: `${unmatched.length} value(s) the rules' sources found give nothing: ${unmatched.slice(0, MAX_EXAMPLES).join(', ')}`, items };
}

/**
 * The groups the rules name, read as a reconciliation reads them (resolved by id or name, each
 * group's members once): how many assigned users each holds, or the groups Okta lacks with the
 * names it has. The memberships feed the per-source census.
 */
async function ruleGroupsCheck(okta: OktaClientApi, config: Config, candidates: readonly OktaCandidate[]): Promise<{ result: CheckResult; memberships: RuleGroupMemberships | null }> {
  const check = 'rule-groups';
  // Doctor reports what it finds itself: the reader's own warnings would repeat it.
  const reader = createRuleGroupReader({ okta, logger: silentLogger() });
  try {
    const memberships = await reader.readMemberships(config.rules);
    if (memberships === null) {
      return { result: { check, status: 'ok', detail: 'the rules name no Okta group' }, memberships };
    }
    const assigned = new Map<string, number>();
    for (const c of withGroupIds(candidates, memberships.memberOf)) {
      for (const id of c.groupIds ?? []) {
        assigned.set(id, (assigned.get(id) ?? 0) + 1);
      }
    }
    const items = memberships.oktaGroups.map((g) => `${g.name} (${g.id}): ${assigned.get(g.id) ?? 0} of the assigned users`);
    if (memberships.unknown.length > 0) {
      const known = await okta.listGroups().catch(() => memberships.oktaGroups);
      return { result: { check, status: 'fail', detail: unknownGroupsMessage(memberships.unknown, known), items }, memberships };
    }
    return { result: { check, status: 'ok', detail: `the ${memberships.oktaGroups.length} Okta group(s) the rules name exist; their members were read once each`, items }, memberships };
  } catch (err) {
    return { result: failure(check, err, "cannot read the Okta groups the rules name or their members (okta.groups.read)"), memberships: null };
  }
}

/**
 * Checks a real (or simulated) setup before the daemon runs: Okta token, app, users and System
 * Log; HubSpot token and scopes; that every role the rules name exists; which assigned users have
 * a Title that matches no role or an email outside the allowed domains; Redis.
 */
export async function runDoctor(deps: DoctorDeps): Promise<CheckResult[]> {
  const { config, okta, hubspot } = deps;
  const results: CheckResult[] = [];

  let oktaOk = false;
  try {
    const app = await okta.getApp();
    oktaOk = true;
    results.push({ check: 'okta-app', status: app.status === 'ACTIVE' ? 'ok' : 'warn', detail: `Okta answers; app "${app.label}" (${app.id}) is ${app.status}` });
  } catch (err) {
    const code = err instanceof SyncError ? err.status : undefined;
    const hint =
      code === 401 ? `Okta rejected the token (check OKTA_API_TOKEN / OAuth settings for ${config.env.OKTA_ORG_URL})`
      : code === 404 ? `Okta has no app ${config.env.OKTA_APP_ID} (check OKTA_APP_ID)`
      : code === 403 ? 'the Okta token may not read apps (okta.apps.read)'
      : `Okta at ${config.env.OKTA_ORG_URL} cannot be reached`;
    results.push(failure('okta-app', err, hint));
  }

  let candidates: OktaCandidate[] | null = null;
  if (oktaOk) {
    try {
      candidates = await collectAssigned(okta);
      results.push({ check: 'okta-users', status: 'ok', detail: `${candidates.length} users assigned to the app can be read (with profiles)` });
    } catch (err) {
      results.push(failure('okta-users', err, 'cannot list the app\'s users (okta.apps.read, okta.users.read)'));
    }
    try {
      const since = new Date(Date.now() - 5 * 60_000).toISOString();
      const polled = await okta.pollLog(null, since, OKTA_EVENT_FILTER);
      results.push({ check: 'okta-system-log', status: 'ok', detail: `System Log readable (${polled.events.length} relevant events in the last 5 minutes)` });
    } catch (err) {
      results.push(failure('okta-system-log', err, 'cannot read the System Log (okta.logs.read)'));
    }
  } else {
    results.push({ check: 'okta-users', status: 'skip', detail: 'skipped: Okta is not ready' }, { check: 'okta-system-log', status: 'skip', detail: 'skipped: Okta is not ready' });
  }

  let oktaGroups: OktaGroupRef[] | undefined;
  if (candidates && ruleGroupRefs(config.rules).length > 0) {
    const read = await ruleGroupsCheck(okta, config, candidates);
    results.push(read.result);
    if (read.memberships) {
      candidates = withGroupIds(candidates, read.memberships.memberOf);
      oktaGroups = read.memberships.oktaGroups;
    }
  }

  let roles: HubSpotRole[] | null = null;
  try {
    roles = await hubspot.listRoles();
    results.push({ check: 'hubspot-token', status: 'ok', detail: `HubSpot answers; ${roles.length} roles` });
  } catch (err) {
    const code = err instanceof SyncError ? err.status : undefined;
    const hint = code === 401 ? 'HubSpot rejected the token (check HUBSPOT_ACCESS_TOKEN)' : code === 403 ? 'the HubSpot token cannot read roles (settings.users.read)' : `HubSpot at ${config.env.HUBSPOT_BASE_URL} cannot be reached`;
    results.push(failure('hubspot-token', err, hint));
  }

  if (roles) {
    const needed = requiredHubSpotScopes(config, roles);
    let granted: string[] | null = null;
    try {
      granted = await deps.hubspotScopes();
    } catch {
      granted = null;
    }
    if (granted === null) {
      try {
        for await (const page of hubspot.listUsers()) {
          void page;
          break;
        }
        results.push({ check: 'hubspot-scopes', status: 'warn', detail: `users are readable; the token's other scopes could not be listed. Needed: ${needed.map((n) => n.scope).join(', ')}` });
      } catch (err) {
        results.push(failure('hubspot-scopes', err, 'the token cannot list users (settings.users.read)'));
      }
    } else {
      const missing = needed.filter((n) => !granted.includes(n.scope) && !(n.scope.startsWith('settings.users.') && granted.includes(n.scope.replace('settings.users.', 'crm.objects.users.'))));
      results.push(
        missing.length === 0
          ? { check: 'hubspot-scopes', status: 'ok', detail: `token has ${needed.map((n) => n.scope).join(', ')}` }
          : { check: 'hubspot-scopes', status: 'fail', detail: `token lacks ${missing.map((m) => `${m.scope} (to ${m.why})`).join('; ')}` },
      );
    }

    const mapper = createRoleMapper(roles, config.rules.roles);
    let seats: HubSpotSeat[] | null = null;
    if (config.rules.seats.mode === 'named') {
      try {
        seats = await hubspot.listSeats();
      } catch {
        seats = null;
      }
    }
    let teams: HubSpotTeam[] | undefined;
    if (rulesMapTeams(config.rules)) {
      try {
        teams = await hubspot.listTeams();
      } catch {
        teams = undefined;
      }
    }
    const names = checkRuleNames(config.rules, roles, seats, { teams, candidates: candidates ?? undefined });
    const problems = [...names.unknown.map((u) => u.message), ...names.otherProblems];
    const checked = config.rules.seats.mode === 'named' && seats !== null ? 'role and seat' : 'role';
    results.push(
      problems.length === 0
        ? { check: 'rules-roles', status: 'ok', detail: `every ${checked} the rules name exists in HubSpot` }
        : { check: 'rules-roles', status: 'fail', detail: `${problems.length} rule(s) name what HubSpot lacks or cannot work as written:`, items: problems },
    );

    if (candidates) {
      const inScope = candidates.filter((c) => scopeOf(c, config.rules.scope.statuses).scope === 'in');
      const sources = sourcesCheck(config, { roles, seats, teams, oktaGroups }, inScope);
      if (sources) {
        results.push(sources);
      }
      const byTitle = new Map<string, number>();
      for (const c of inScope) {
        const match = mapper.roleForTitle(c.title);
        if (match.role === null && (match.kind === 'unmapped' || match.kind === 'ambiguous' || match.kind === 'missing-role')) {
          const key = c.title?.trim() || '(no title)';
          byTitle.set(key, (byTitle.get(key) ?? 0) + 1);
        }
      }
      const unmapped = [...byTitle.values()].reduce((a, b) => a + b, 0);
      const examples = [...byTitle.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_EXAMPLES).map(([t, n]) => `"${t}" (${n})`);
      results.push(
        unmapped === 0
          ? { check: 'titles', status: 'ok', detail: `all ${inScope.length} users in scope have a Title that maps to a role` }
          : { check: 'titles', status: 'warn', detail: `${unmapped} of ${inScope.length} users in scope have a Title that matches no role: they get HubSpot's minimal permissions`, examples },
      );
    }
  } else {
    for (const check of ['hubspot-scopes', 'rules-roles', 'titles']) {
      results.push({ check, status: 'skip', detail: 'skipped: HubSpot is not ready' });
    }
  }

  const emails = createEmailPolicy(config.rules);
  const allowed = emails.domains;
  if (allowed.length === 0) {
    results.push({ check: 'email-domains', status: 'warn', detail: 'rules.emailDomains is empty: users of every email domain are provisioned; list your verified domains' });
  } else if (candidates) {
    const outside = candidates.filter((c) => scopeOf(c, config.rules.scope.statuses).scope === 'in' && !emails.domainAllowed(c.email));
    results.push(
      outside.length === 0
        ? { check: 'email-domains', status: 'ok', detail: `every user in scope has an email in ${allowed.join(', ')}` }
        : { check: 'email-domains', status: 'warn', detail: `${outside.length} users in scope have an email outside ${allowed.join(', ')} and will be skipped`, examples: outside.slice(0, MAX_EXAMPLES).map((c) => c.email ?? `${c.login} (no email)`) },
    );
  }

  if (config.env.OKTA_EVENT_HOOK_SECRET !== undefined && deps.eventHook) {
    results.push(await checkEventHook(deps.eventHook));
  }
  results.push(await checkRedis(config.env.REDIS_URL));
  return results;
}

/** A fixed-width table of the results. */
export function renderDoctor(results: readonly CheckResult[]): string {
  const mark: Record<CheckStatus, string> = { ok: 'ok', warn: 'WARN', fail: 'FAIL', skip: 'skip' };
  const width = Math.max(...results.map((r) => r.check.length), 5);
  const lines = results.flatMap((r) => [
    `${mark[r.status].padEnd(5)} ${r.check.padEnd(width)}  ${r.detail}`,
    ...(r.items ?? []).map((e) => `${''.padEnd(5)} ${''.padEnd(width)}    - ${e}`),
    ...(r.examples ?? []).map((e) => `${''.padEnd(5)} ${''.padEnd(width)}    e.g. ${e}`),
  ]);
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  lines.push('', failed > 0 ? `${failed} check(s) failed, ${warned} warning(s).` : `Ready${warned > 0 ? `, with ${warned} warning(s)` : ''}.`);
  return lines.join('\n');
}
