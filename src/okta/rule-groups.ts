import type { Rules } from '../../config/rules-schema';
import { errorMessage } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { ruleGroupRefs } from '../sync/rule-sources';
import { closestName, listNames } from '../sync/rules-check';
import type { OktaCandidate, OktaGroupRef } from '../sync/types';
import type { OktaClientApi } from './okta-types';

/**
 * The Okta groups the rules name (roles, seats and teams from group membership, `teams.byGroup`),
 * read cheaply: the names and ids are resolved in a few search requests, a reconciliation reads
 * the members of each resolved group once (never each user's groups), and a single user's sync
 * reads that user's groups in one request. When the rules name no group, nothing is asked.
 */

/** The rules the groups come from (the parts that can name a group). */
export type GroupRules = Pick<Rules, 'roles' | 'seats' | 'teams'>;

/** The rule groups as found in Okta. */
export interface ResolvedRuleGroups {
  /** Every group the rules name, as written. */
  refs: string[];
  /** The groups found (each once, whatever names it): the plan input's `oktaGroups`. */
  groups: OktaGroupRef[];
  /** The refs Okta has no group for. */
  unknown: string[];
}

/** Who is in which rule group, as a reconciliation read it. */
export interface RuleGroupMemberships {
  /** The plan input's `oktaGroups`. */
  oktaGroups: OktaGroupRef[];
  /** Okta user id → the ids of the rule groups the user is in (users in none are absent). */
  memberOf: Map<string, string[]>;
  /** Groups whose members were read (each once). */
  groupsRead: number;
  /** The rules' groups Okta has no group for. */
  unknown: string[];
}

/** What a single user's sync adds to its candidate and input. */
export interface UserRuleGroups {
  oktaGroups: OktaGroupRef[];
  /** The ids of the rule groups the user is in (the candidate's `groupIds`). */
  groupIds: string[];
}

/** The groups found, each once, in the order the rules first name them. */
export function foundGroups(refs: readonly string[], resolved: ReadonlyMap<string, OktaGroupRef | null>): OktaGroupRef[] {
  const byId = new Map<string, OktaGroupRef>();
  for (const ref of refs) {
    const g = resolved.get(ref);
    if (g && !byId.has(g.id)) {
      byId.set(g.id, { id: g.id, name: g.name });
    }
  }
  return [...byId.values()];
}

/** The candidates with their `groupIds` (an empty list for a user in no rule group): they were read, and found in none. */
export function withGroupIds(candidates: readonly OktaCandidate[], memberOf: ReadonlyMap<string, readonly string[]>): OktaCandidate[] {
  return candidates.map((c) => ({ ...c, groupIds: [...(memberOf.get(c.oktaUserId) ?? [])] }));
}

/** The message for rule groups Okta lacks: each with a "did you mean" when a group's name is close, and the groups Okta has. */
export function unknownGroupsMessage(unknown: readonly string[], known: readonly OktaGroupRef[]): string {
  const names = known.map((g) => g.name);
  const each = unknown.map((ref) => {
    const suggestion = closestName(ref, names);
    return `"${ref}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
  });
  return `the rules name Okta groups that do not exist: ${each.join(', ')}; users match no rule for them. Okta's groups: ${names.length > 0 ? listNames(names) : 'none'}.`;
}

/** Resolutions kept this long by per-user syncs: a group renamed or created in Okta is seen within it. */
const RESOLUTION_TTL_MS = 10 * 60_000;

/**
 * The reader of rule groups, shared by reconciliations, per-user syncs and `doctor`. The rules
 * are a parameter of every call (a proposed rules file is read the same way as the current one);
 * the resolution is cached per rules object (a reloaded rules file is a new object) for
 * `ttlMs`, and every reconciliation resolves afresh. Unknown groups are logged once while they
 * stay unknown.
 */
export function createRuleGroupReader(deps: { okta: OktaClientApi; logger: Logger; now?: () => number; ttlMs?: number }) {
  const log = deps.logger.child({ component: 'rule-groups' });
  const now = deps.now ?? Date.now;
  const ttlMs = deps.ttlMs ?? RESOLUTION_TTL_MS;
  let cache: { rules: GroupRules; at: number; value: ResolvedRuleGroups } | null = null;
  let warned = '';

  /** Resolves the rules' groups now (a few search requests) and reports the unknown ones once. */
  async function resolveNow(rules: GroupRules): Promise<ResolvedRuleGroups> {
    const refs = ruleGroupRefs(rules);
    if (refs.length === 0) {
      return { refs, groups: [], unknown: [] };
    }
    const resolved = await deps.okta.resolveGroups(refs);
    const unknown = refs.filter((ref) => !resolved.get(ref));
    const value: ResolvedRuleGroups = { refs, groups: foundGroups(refs, resolved), unknown };
    const key = unknown.join('\u0000');
    if (unknown.length > 0 && key !== warned) {
      // Listing every group costs a few requests: only when there is something new to report.
      let known: OktaGroupRef[] = [];
      try {
        known = await deps.okta.listGroups();
      } catch (err) {
        log.debug("could not list Okta's groups to suggest names", { error: errorMessage(err) });
      }
      log.warn(unknownGroupsMessage(unknown, known), { unknown });
    }
    warned = key;
    cache = { rules, at: now(), value };
    return value;
  }

  /** The resolution for `rules`, cached (see above). */
  async function resolve(rules: GroupRules): Promise<ResolvedRuleGroups> {
    if (cache && cache.rules === rules && now() - cache.at < ttlMs) {
      return cache.value;
    }
    return resolveNow(rules);
  }

  /**
   * For a reconciliation: resolves afresh and reads the members of each resolved group once.
   * Null when the rules name no group (nothing was asked).
   */
  async function readMemberships(rules: GroupRules): Promise<RuleGroupMemberships | null> {
    const resolved = await resolveNow(rules);
    if (resolved.refs.length === 0) {
      return null;
    }
    const memberOf = new Map<string, string[]>();
    for (const g of resolved.groups) {
      for (const userId of await deps.okta.listGroupMemberIds(g.id)) {
        const list = memberOf.get(userId);
        if (list) {
          list.push(g.id);
        } else {
          memberOf.set(userId, [g.id]);
        }
      }
    }
    return { oktaGroups: resolved.groups, memberOf, groupsRead: resolved.groups.length, unknown: resolved.unknown };
  }

  /**
   * For one user's sync: the rule groups the user is in (one request for the user's groups, and
   * the cached resolution). Null when the rules name no group (nothing was asked).
   */
  async function readUser(rules: GroupRules, userIdOrLogin: string): Promise<UserRuleGroups | null> {
    const resolved = await resolve(rules);
    if (resolved.refs.length === 0) {
      return null;
    }
    const ruleIds = new Set(resolved.groups.map((g) => g.id));
    const groupIds = ruleIds.size === 0 ? [] : (await deps.okta.listUserGroupIds(userIdOrLogin)).filter((id) => ruleIds.has(id));
    return { oktaGroups: resolved.groups, groupIds };
  }

  /** Forgets the cached resolution (the next per-user sync resolves again). */
  function invalidate(): void {
    cache = null;
  }

  return { resolve, resolveNow, readMemberships, readUser, invalidate };
}

/** The rule-groups reader's API. */
export type RuleGroupReader = ReturnType<typeof createRuleGroupReader>;
