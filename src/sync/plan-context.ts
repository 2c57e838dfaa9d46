import type { Rules } from '../../config/rules-schema';
import { createDesiredContext, type DesiredContext } from './desired-user';
import type { HubSpotRole, HubSpotUser, LedgerEntry, OktaCandidate, PlanInput } from './types';
import { scopeOf, type ScopeDecision } from './scope';
import { createRoleMapper } from './role-mapping';
import { createSeatCatalog } from './seat-catalog';
import { createEmailPolicy, emailKey } from './email-policy';

/**
 * Everything one plan looks things up in, indexed once. `touched` collects the HubSpot users a
 * decision has spoken about, so the hands-off sweep reports each HubSpot user at most once.
 */
export interface PlanContext {
  input: PlanInput;
  rules: Rules;
  now: string;
  nowMs: number;
  desired: DesiredContext;
  roleById: ReadonlyMap<string, HubSpotRole>;
  hubspotById: ReadonlyMap<string, HubSpotUser>;
  hubspotByEmail: ReadonlyMap<string, HubSpotUser>;
  ledgerByOkta: ReadonlyMap<string, LedgerEntry>;
  ledgerByHubspot: ReadonlyMap<string, LedgerEntry>;
  touched: Set<string>;
  warnings: string[];
  /** The email policy's `isProtected` under these rules. */
  isProtected(email: string | null | undefined): boolean;
  /** {@link scopeOf} under these rules, remembered per status. */
  scopeOf(candidate: Pick<OktaCandidate, 'assigned' | 'status'>): ScopeDecision;
  /** The email policy's `domainAllowed` under these rules. */
  domainAllowed(email: string): boolean;
}

function firstBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (!map.has(k)) {
      map.set(k, item);
    }
  }
  return map;
}

/** Indexes the input. Duplicates (which HubSpot and a sound ledger never hold) resolve to the first. */
export function createPlanContext(input: PlanInput): PlanContext {
  const { rules } = input;
  const roles = createRoleMapper(input.roles, rules.roles);
  const seats = createSeatCatalog(input.roles, input.seats, rules.seats, roles);
  const emails = createEmailPolicy(rules);
  const nowMs = Date.parse(input.now);
  const warnings = [...roles.problems, ...seats.problems];
  const desired = createDesiredContext(rules, roles, seats, input, warnings);
  if (Number.isNaN(nowMs)) {
    warnings.push(`now "${input.now}" is not an ISO time: downgrade grace periods cannot expire in this plan`);
  }
  const scopes = new Map<string, ScopeDecision>();
  return {
    input,
    rules,
    now: input.now,
    nowMs,
    desired,
    roleById: new Map(input.roles.map((r) => [r.id, r])),
    hubspotById: firstBy(input.hubspotUsers, (u) => u.id),
    hubspotByEmail: firstBy(input.hubspotUsers, (u) => emailKey(u.email)),
    ledgerByOkta: firstBy(input.ledger, (e) => e.oktaUserId),
    // The old user of an email change not yet deleted is managed too (by the entry that replaces it).
    ledgerByHubspot: new Map([...input.ledger.flatMap((e) => (e.replaces ? [[e.replaces.hubspotUserId, e] as const] : [])), ...firstBy(input.ledger, (e) => e.hubspotUserId)]),
    touched: new Set(),
    warnings,
    isProtected: emails.isProtected,
    scopeOf: (candidate) => {
      const key = `${candidate.assigned ? 1 : 0}${candidate.status}`;
      let decision = scopes.get(key);
      if (!decision) {
        decision = scopeOf(candidate, rules.scope.statuses);
        scopes.set(key, decision);
      }
      return decision;
    },
    domainAllowed: emails.domainAllowed,
  };
}
