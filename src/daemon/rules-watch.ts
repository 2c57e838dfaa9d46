import type { Rules } from '../../config/rules-schema';
import type { HubSpotClientApi } from '../hubspot/hubspot-types';
import { errorMessage } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { StatusStore } from '../state/status-store';
import { checkRuleNames, type RuleNameCheck } from '../sync/rules-check';
import type { HubSpotRole, HubSpotSeat } from '../sync/types';

/** What the watch needs: the rules, HubSpot (for the check at start), where status facts go, a logger. */
export interface RulesWatchDeps {
  rules: Pick<Rules, 'roles' | 'seats'>;
  hubspot: Pick<HubSpotClientApi, 'listRoles' | 'listSeats'>;
  status: Pick<StatusStore, 'setRulesCheck'>;
  logger: Logger;
  now?: () => Date;
}

/**
 * Checks the rules' role and seat names against HubSpot's whenever the daemon reads HubSpot's
 * roles and seats (at start, and on every reconciliation): a warning in the log once per distinct
 * problem while it lasts, and the latest outcome in Redis for the status page and the metrics.
 * Never throws: a rule check must not stop the sync.
 */
export function createRulesWatch(deps: RulesWatchDeps) {
  const log = deps.logger.child({ component: 'rules-check' });
  const now = deps.now ?? (() => new Date());
  /** Problems already logged, by kind, place and name; a problem fixed and back is logged again. */
  let warned = new Set<string>();

  /** Checks against roles and seats just read from HubSpot; logs new problems and stores the outcome. */
  async function observe(catalog: { roles: readonly HubSpotRole[]; seats: readonly HubSpotSeat[] | null }): Promise<RuleNameCheck> {
    const check = checkRuleNames(deps.rules, catalog.roles, catalog.seats);
    const current = new Set<string>();
    for (const u of check.unknown) {
      const key = `${u.kind}\u0000${u.where}\u0000${u.name}`;
      current.add(key);
      if (!warned.has(key)) {
        log.warn(`rules name a ${u.kind} HubSpot lacks: ${u.message}`, { kind: u.kind, where: u.where, name: u.name, suggestion: u.suggestion });
      }
    }
    warned = current;
    try {
      await deps.status.setRulesCheck({ checkedAt: now().toISOString(), unknown: check.unknown, roles: check.roles, seats: check.seats });
    } catch (err) {
      log.warn('could not store the rules check for the status page', { error: errorMessage(err) });
    }
    return check;
  }

  /** Reads HubSpot's roles (and seats in named mode) and checks; null when HubSpot could not be read. */
  async function checkNow(): Promise<RuleNameCheck | null> {
    try {
      const [roles, seats] = await Promise.all([deps.hubspot.listRoles(), deps.rules.seats.mode === 'named' ? deps.hubspot.listSeats() : Promise.resolve(null)]);
      return await observe({ roles, seats });
    } catch (err) {
      log.warn("could not read HubSpot's roles to check the rules' names; the next reconciliation checks them", { error: errorMessage(err) });
      return null;
    }
  }

  return { observe, checkNow };
}

/** The rules watch's API. */
export type RulesWatch = ReturnType<typeof createRulesWatch>;
