import { randomUUID } from 'node:crypto';
import type { HubSpotClientApi } from '../src/hubspot/hubspot-types';
import { TransientError } from '../src/lib/errors';
import type { Logger } from '../src/lib/logger';
import type { OktaClientApi } from '../src/okta/okta-types';
import type { State } from '../src/state/state';
import { scopeOf } from '../src/sync/scope';
import type { Rules } from '../config/rules-schema';
import type { HubSpotUser } from '../src/sync/types';

/** System Log filter for the rebuild: the app's assignment history. */
export const ASSIGNMENT_HISTORY_FILTER = 'eventType sw "application.user_membership"';

const DAY_MS = 86_400_000;
const REBUILD_LOCK_MS = 10 * 60_000;

/** What a rebuild found. */
export interface RebuildResult {
  /** Okta users ever assigned in the history window (or assigned now). */
  oktaUsers: number;
  /** Ledger entries recovered by email match. */
  recovered: number;
  /** Okta users whose email could not be read (deleted in Okta): not matched. */
  unknownEmails: number;
}

/**
 * Guards every deletion decision: when the ledger's sentinel is missing (first start, or Redis
 * came back empty) the ledger is rebuilt before anything else runs. The rebuild reads the app's
 * assignment history from the System Log (`historyDays`) and the current assignments, reads
 * those users' emails (for a user deleted in Okta since, the login the event named), and links
 * every HubSpot user with one of those emails (how: rebuilt). Users assigned and in scope now are
 * left to the planner, which adopts them by email. So users who left scope while the ledger was
 * gone are still deleted, and HubSpot users the daemon never managed stay untouched.
 */
export function createLedgerGate(deps: {
  okta: OktaClientApi;
  hubspot: HubSpotClientApi;
  state: State;
  appId: string;
  historyDays: number;
  /** rules.scope.statuses: users assigned and in scope are left to the planner's adoption. */
  statuses: Rules['scope']['statuses'];
  logger: Logger;
  now?: () => Date;
}) {
  const log = deps.logger.child({ component: 'ledger-rebuild' });
  const now = () => (deps.now ? deps.now() : new Date());

  async function rebuild(): Promise<RebuildResult> {
    const until = now();
    const since = new Date(until.getTime() - deps.historyDays * DAY_MS);
    // Okta user id → email of the users to link; null: assigned and in scope, which the planner
    // adopts by email anyway (so a first start adopts rather than "rebuilds" them).
    const emails = new Map<string, string | null>();
    const inScope = new Set<string>();
    for await (const page of deps.okta.listAssignedUsers()) {
      for (const c of page) {
        const scope = scopeOf(c, deps.statuses).scope;
        if (scope === 'out' || scope === 'strip') {
          emails.set(c.oktaUserId, c.email);
        } else {
          inScope.add(c.oktaUserId);
        }
      }
    }
    // Okta user id → the login the event named (the only trace of a user deleted in Okta since).
    const history = new Map<string, string | null>();
    for await (const events of deps.okta.readLogHistory(since.toISOString(), until.toISOString(), ASSIGNMENT_HISTORY_FILTER)) {
      for (const e of events) {
        if (e.eventType.startsWith('application.user_membership') && e.appIds.includes(deps.appId)) {
          for (const id of e.userIds) {
            const login = e.targets?.find((t) => t.type === 'User' && t.id === id)?.alternateId ?? null;
            history.set(id, login ?? history.get(id) ?? null);
          }
        }
      }
    }
    let unknownEmails = 0;
    for (const [id, login] of history) {
      if (!emails.has(id) && !inScope.has(id)) {
        const c = await deps.okta.getCandidate(id);
        const email = c?.email ?? (login && login.includes('@') ? login : null);
        emails.set(id, email);
        if (!email) {
          unknownEmails++;
        }
      }
    }
    const byEmail = new Map<string, HubSpotUser>();
    for await (const page of deps.hubspot.listUsers()) {
      for (const u of page) {
        byEmail.set(u.email.trim().toLowerCase(), u);
      }
    }
    let recovered = 0;
    const at = until.toISOString();
    for (const [oktaUserId, email] of emails) {
      const hs = email ? byEmail.get(email.trim().toLowerCase()) : undefined;
      if (!hs || hs.superAdmin || (await deps.state.ledger.get(oktaUserId)) || (await deps.state.ledger.getByHubSpotId(hs.id))) {
        continue;
      }
      await deps.state.ledger.upsert({ hubspotUserId: hs.id, oktaUserId, email: hs.email, how: 'rebuilt', managedSince: at, lastApplied: null });
      recovered++;
    }
    return { oktaUsers: emails.size + inScope.size, recovered, unknownEmails };
  }

  /**
   * Returns once the ledger can be trusted. One replica rebuilds (under a lock); the others get a
   * TransientError so their job is retried after the rebuild.
   */
  async function ensureReady(): Promise<void> {
    if (await deps.state.ledger.epoch()) {
      return;
    }
    const lock = await deps.state.locks.tryAcquire('ledger-rebuild', REBUILD_LOCK_MS);
    if (!lock) {
      throw new TransientError('the ledger is being rebuilt after Redis came back empty; trying again shortly', { code: 'LEDGER_REBUILDING', retryAfterMs: 2000 });
    }
    try {
      if (await deps.state.ledger.epoch()) {
        return;
      }
      log.warn('the ledger sentinel is missing (first start, or Redis lost its data): rebuilding the ledger before any deletion is decided');
      const result = await rebuild();
      await deps.state.ledger.markComplete({ id: randomUUID(), since: now().toISOString(), how: 'rebuilt' });
      await deps.state.status.set({ ledgerRebuiltAt: now().toISOString(), ledgerRebuiltUsers: result.recovered });
      await deps.state.audit.append({
        action: 'rebuild',
        email: null,
        oktaUserId: null,
        hubspotUserId: null,
        before: null,
        after: null,
        jobId: null,
        outcome: 'applied',
        reason: `ledger rebuilt from ${deps.historyDays} days of System Log: ${result.oktaUsers} Okta users ever assigned, ${result.recovered} HubSpot users linked by email, ${result.unknownEmails} without a readable email`,
      });
      log.info('ledger rebuilt', { ...result });
    } finally {
      await lock.release();
    }
  }

  return { ensureReady, rebuild };
}

/** The ledger gate's API. */
export type LedgerGate = ReturnType<typeof createLedgerGate>;
