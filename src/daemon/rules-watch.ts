import type { Rules } from '../../config/rules-schema';
import type { HubSpotClientApi } from '../hubspot/hubspot-types';
import { errorMessage } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { StatusStore } from '../state/status-store';
import { checkRuleNames, type RuleNameCheck } from '../sync/rules-check';
import { rulesMapTeams } from '../sync/team-sources';
import type { HubSpotRole, HubSpotSeat, HubSpotTeam, OktaCandidate, OktaGroupRef } from '../sync/types';

/** What the watch needs: the rules, HubSpot (for the check at start), where status facts go, a logger. */
export interface RulesWatchDeps {
  rules: Pick<Rules, 'roles' | 'seats' | 'teams'>;
  hubspot: Pick<HubSpotClientApi, 'listRoles' | 'listSeats' | 'listTeams'>;
  status: Pick<StatusStore, 'setRulesCheck'>;
  logger: Logger;
  now?: () => Date;
}

/** What a check is given: HubSpot's catalog, and from a reconciliation the rule groups as found in Okta and every assigned user. */
export interface RulesCatalog {
  roles: readonly HubSpotRole[];
  seats: readonly HubSpotSeat[] | null;
  teams?: readonly HubSpotTeam[] | undefined;
  oktaGroups?: readonly OktaGroupRef[] | undefined;
  candidates?: readonly OktaCandidate[] | undefined;
}

/**
 * Checks the rules' role, seat and team names against HubSpot's whenever the daemon reads HubSpot's
 * roles and seats (at start, and on every reconciliation), and on a reconciliation the rule
 * groups against Okta's and the attributes against the assigned users': a warning in the log once per distinct
 * problem while it lasts, and the latest outcome in Redis for the status page and the metrics.
 * Never throws: a rule check must not stop the sync.
 */
export function createRulesWatch(deps: RulesWatchDeps) {
  const log = deps.logger.child({ component: 'rules-check' });
  const now = deps.now ?? (() => new Date());
  /** Problems already logged, by kind, place and name; a problem fixed and back is logged again. */
  let warned = new Set<string>();

  /** Checks against roles and seats just read from HubSpot; logs new problems and stores the outcome. */
  async function observe(catalog: RulesCatalog): Promise<RuleNameCheck> {
    const check = checkRuleNames(deps.rules, catalog.roles, catalog.seats, { teams: catalog.teams, oktaGroups: catalog.oktaGroups, candidates: catalog.candidates });
    const current = new Set<string>();
    for (const u of check.unknown) {
      const key = `${u.kind}\u0000${u.where}\u0000${u.name}`;
      current.add(key);
      if (!warned.has(key)) {
        const lacks = u.kind === 'group' ? 'Okta lacks' : u.kind === 'attribute' ? 'no assigned user has' : 'HubSpot lacks';
        log.warn(`rules name a ${u.kind} ${lacks}: ${u.message}`, { kind: u.kind, where: u.where, name: u.name, suggestion: u.suggestion });
      }
    }
    warned = current;
    try {
      await deps.status.setRulesCheck({
        checkedAt: now().toISOString(),
        unknown: check.unknown,
        roles: check.roles,
        seats: check.seats,
        ...(check.teams ? { teams: check.teams } : {}),
        ...(check.groups ? { groups: check.groups } : {}),
      });
    } catch (err) {
      log.warn('could not store the rules check for the status page', { error: errorMessage(err) });
    }
    return check;
  }

  /** Reads HubSpot's roles (and seats in named mode) and checks; null when HubSpot could not be read. */
  async function checkNow(): Promise<RuleNameCheck | null> {
    try {
      const [roles, seats, teams] = await Promise.all([
        deps.hubspot.listRoles(),
        deps.rules.seats.mode === 'named' ? deps.hubspot.listSeats() : Promise.resolve(null),
        rulesMapTeams(deps.rules) ? deps.hubspot.listTeams() : Promise.resolve(undefined),
      ]);
      return await observe({ roles, seats, teams });
    } catch (err) {
      log.warn("could not read HubSpot's roles to check the rules' names; the next reconciliation checks them", { error: errorMessage(err) });
      return null;
    }
  }

  return { observe, checkNow };
}

/** The rules watch's API. */
export type RulesWatch = ReturnType<typeof createRulesWatch>;
