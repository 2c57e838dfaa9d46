import { errorMessage } from '../lib/errors';
import { withTimeout } from '../lib/async';
import type { HubSpotClientApi } from '../hubspot/hubspot-types';
import type { OktaClientApi } from '../okta/okta-types';
import type { UserLookup } from './ops-types';

/** How long the user page waits for Okta or HubSpot before showing the page without it. */
const LOOKUP_TIMEOUT_MS = 5_000;

/**
 * Asks Okta (the user by login, with their assignment) and HubSpot (the user by email, and the
 * role names) about one user for the user page. A side that fails or is slow is reported, not
 * thrown: the page still shows the daemon's own record. Three or four API calls per page view.
 */
export function createUserLookup(deps: { okta: Pick<OktaClientApi, 'getCandidate'>; hubspot: Pick<HubSpotClientApi, 'getUserByEmail' | 'listRoles'>; timeoutMs?: number }) {
  const ms = deps.timeoutMs ?? LOOKUP_TIMEOUT_MS;
  const timedOut = (what: string) => () => new Error(`${what} did not answer within ${ms / 1000} s`);
  return async function lookupUser(email: string): Promise<UserLookup> {
    const [okta, hubspot, roles] = await Promise.allSettled([
      withTimeout(deps.okta.getCandidate(email), ms, timedOut('Okta')),
      withTimeout(deps.hubspot.getUserByEmail(email), ms, timedOut('HubSpot')),
      withTimeout(deps.hubspot.listRoles(), ms, timedOut('HubSpot')),
    ]);
    return {
      okta: okta.status === 'fulfilled' ? okta.value : null,
      oktaError: okta.status === 'rejected' ? errorMessage(okta.reason) : null,
      hubspot: hubspot.status === 'fulfilled' ? hubspot.value : null,
      hubspotError: hubspot.status === 'rejected' ? errorMessage(hubspot.reason) : null,
      roleNames: roles.status === 'fulfilled' ? Object.fromEntries(roles.value.map((r) => [r.id, r.name])) : {},
    };
  };
}
