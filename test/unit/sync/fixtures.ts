import type { z } from 'zod';
import { RulesSchema, type Rules } from '../../../config/rules-schema';
import { appliedValuesFrom } from '../../../src/sync/desired-user';
import type { FullInput, HubSpotRole, HubSpotUser, LedgerEntry, OktaCandidate, Plan, PlanAction, PlanInput, UsersInput } from '../../../src/sync/types';

/** Test data builders for the planner: small, explicit, and valid unless a test says otherwise. */

export type RulesInput = z.input<typeof RulesSchema>;

export const NOW = '2026-12-01T12:00:00.000Z';

export function rules(partial: RulesInput = {}): Rules {
  return RulesSchema.parse(partial);
}

export const ROLES: HubSpotRole[] = [
  { id: '2001', name: 'Sales Manager', requiresBillingWrite: true },
  { id: '2002', name: 'Sales Rep', requiresBillingWrite: true },
  { id: '2004', name: 'Marketing Viewer', requiresBillingWrite: false },
  { id: '2007', name: 'Admin', requiresBillingWrite: false },
];

export function candidate(id: string, over: Partial<OktaCandidate> = {}): OktaCandidate {
  const email = over.email === undefined ? `${id}@acme.example` : over.email;
  return {
    oktaUserId: id,
    login: email ?? `${id}@login.example`,
    email,
    firstName: 'First',
    lastName: id,
    title: 'Marketing Viewer',
    status: 'ACTIVE',
    assigned: true,
    assignedVia: 'USER',
    assignedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

export function hubspotUser(id: string, email: string, over: Partial<HubSpotUser> = {}): HubSpotUser {
  const roleId = over.roleId;
  return { id, email, roleIds: roleId ? [roleId] : [], secondaryTeamIds: [], superAdmin: false, ...over };
}

/**
 * An Okta user already managed and in sync: the candidate, its HubSpot user (with the role the
 * Title maps to among {@link ROLES}) and its ledger entry.
 */
export function managed(id: string, hubspotId: string, over: { candidate?: Partial<OktaCandidate>; hubspot?: Partial<HubSpotUser>; ledger?: Partial<LedgerEntry> } = {}): {
  candidate: OktaCandidate;
  hubspot: HubSpotUser;
  entry: LedgerEntry;
} {
  const c = candidate(id, over.candidate);
  const role = ROLES.find((r) => r.name === c.title) ?? null;
  const email = c.email ?? `${id}@acme.example`;
  const hubspot = hubspotUser(hubspotId, email, { firstName: c.firstName ?? undefined, lastName: c.lastName ?? undefined, roleId: role?.id, ...over.hubspot });
  const lastApplied = appliedValuesFrom({
    oktaUserId: id,
    email,
    firstName: c.firstName,
    lastName: c.lastName,
    roleId: role?.id ?? null,
    roleName: role?.name ?? null,
    seatNames: hubspot.seatNames ?? [],
    primaryTeamId: null,
    roleReason: 'test',
  });
  const entry: LedgerEntry = { hubspotUserId: hubspotId, oktaUserId: id, email, how: 'created', managedSince: '2026-01-02T00:00:00.000Z', lastApplied, ...over.ledger };
  return { candidate: c, hubspot, entry };
}

/** Pieces of an input: a full one by default; a users-mode one names its users. */
export type InputOverrides = Partial<FullInput> | (Partial<UsersInput> & Pick<UsersInput, 'mode' | 'oktaUserIds'>);

export function planInput(over: InputOverrides = {}): PlanInput {
  const base = { candidates: [], hubspotUsers: [], roles: ROLES, seats: null, ledger: [], rules: rules(), now: NOW };
  return over.mode === 'users' ? { ...base, ...over } : { ...base, ...over, mode: 'full' };
}

/** Builds an input from managed triples plus extra pieces. */
export function withManaged(triples: Array<ReturnType<typeof managed>>, over: InputOverrides = {}): PlanInput {
  return planInput({
    ...over,
    candidates: [...triples.map((t) => t.candidate), ...(over.candidates ?? [])],
    hubspotUsers: [...triples.map((t) => t.hubspot), ...(over.hubspotUsers ?? [])],
    ledger: [...triples.map((t) => t.entry), ...(over.ledger ?? [])],
  });
}

/** The actions (carried out or skipped) about one Okta user or HubSpot user id. */
export function actionsFor(plan: Plan, id: string): PlanAction[] {
  return plan.actions.filter((a) => a.oktaUserId === id || a.hubspotUserId === id);
}

/** The single action about one user; fails the test when there is not exactly one. */
export function onlyAction(plan: Plan, id: string): PlanAction {
  const found = actionsFor(plan, id);
  if (found.length !== 1 || !found[0]) {
    throw new Error(`expected one action for ${id}, got ${JSON.stringify(found.map((a) => `${a.kind}/${a.code}`))}`);
  }
  return found[0];
}

export function kinds(plan: Plan): string[] {
  return plan.actions.map((a) => `${a.kind}:${a.code}:${a.oktaUserId ?? a.hubspotUserId}`);
}

export const MUTATING: ReadonlySet<PlanAction['kind']> = new Set(['create', 'update', 'delete', 'adopt']);

export function mutating(plan: Plan): PlanAction[] {
  return plan.actions.filter((a) => MUTATING.has(a.kind));
}
