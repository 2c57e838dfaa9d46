import type { Rules } from '../../config/rules-schema';
import type { OktaCandidate } from './types';

/** in: provisioned; pending: left as is; out: leaves scope; strip: kept with no role and no seat. */
export type Scope = 'in' | 'pending' | 'out' | 'strip';

/** Where an Okta user stands, and why (for the reason sentences). */
export interface ScopeDecision {
  scope: Scope;
  why: string;
}

/**
 * Scope of one Okta user: unassigned users are out; assigned users go where
 * `rules.scope.statuses` puts their status (looked up as given, then upper-cased); a status the
 * rules do not name is pending, so an unexpected Okta status never creates or deletes anyone.
 */
export function scopeOf(candidate: Pick<OktaCandidate, 'assigned' | 'status'>, statuses: Rules['scope']['statuses']): ScopeDecision {
  if (!candidate.assigned) {
    return { scope: 'out', why: 'not assigned to the HubSpot app' };
  }
  const status = candidate.status.trim();
  const lookup = (key: string) => (Object.hasOwn(statuses, key) ? statuses[key] : undefined);
  const mapped = lookup(status) ?? lookup(status.toUpperCase());
  if (mapped === undefined) {
    return { scope: 'pending', why: `status ${status || '(none)'} is not named in rules.scope.statuses (treated as pending)` };
  }
  const words: Record<Scope, string> = {
    in: 'in scope',
    pending: 'pending (nothing is created or deleted yet)',
    out: 'out of scope',
    strip: 'kept without role or seat',
  };
  return { scope: mapped, why: `status ${status}: ${words[mapped]}` };
}
