import fc from 'fast-check';
import { appliedValuesFrom } from '../../../src/sync/desired-user';
import type { HubSpotRole, HubSpotSeat, HubSpotUser, LedgerEntry, OktaCandidate, PlanInput } from '../../../src/sync/types';
import { NOW, rules, type RulesInput } from './fixtures';

/**
 * Random but coherent Okta/HubSpot/ledger states for property tests: a small pool of names so
 * emails collide (in Okta, between Okta and HubSpot, in different case), roles that are equal
 * under the loose match, bad data, every status, every policy, seat budgets and a deletion guard
 * that trips. HubSpot emails are unique (HubSpot enforces it); the ledger links each Okta id and
 * each HubSpot id at most once, and may point at HubSpot users deleted by hand.
 */

export const PROPERTY_ROLES: HubSpotRole[] = [
  { id: '1', name: 'Sales Rep', requiresBillingWrite: true },
  { id: '2', name: 'sales rep', requiresBillingWrite: false },
  { id: '3', name: 'Sales Manager', requiresBillingWrite: true },
  { id: '4', name: 'Viewer', requiresBillingWrite: false },
  { id: '5', name: 'Service Agent', requiresBillingWrite: true },
];

const NAMES = ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal'];
const DOMAINS = ['acme.example', 'other.example'];
const TITLES: Array<string | null> = ['Sales Rep', 'sales rep', 'SALES REP', 'Sales Manager', ' viewer ', 'Service Agent', 'Poet', 'AE', null, 'Sales\u202eRep', 'x'.repeat(300)];
const STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'STAGED', 'SUSPENDED', 'DEPROVISIONED', 'WEIRD'];
const TIMES = [null, '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'];
const SEATS = ['Core', 'Sales Hub'];

const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);
const emailArb = fc
  .tuple(pick(NAMES), pick(DOMAINS), fc.boolean())
  .map(([n, d, upper]) => (upper ? `${n.toUpperCase()}@${d}` : `${n}@${d}`));

const candidateArb = fc.record({
  email: fc.oneof({ weight: 8, arbitrary: emailArb }, { weight: 1, arbitrary: fc.constantFrom(null, 'not-an-email') }),
  title: pick(TITLES),
  firstName: fc.constantFrom('Ann', 'Zoë', null, 'A\tB'),
  status: pick(STATUSES),
  assigned: fc.constantFrom(true, true, true, false),
  assignedAt: pick(TIMES),
  groupIds: fc.subarray(['g1', 'g2']),
});

const hubspotArb = fc.record({
  email: emailArb,
  roleId: fc.constantFrom(undefined, '1', '2', '3', '4', '5'),
  firstName: fc.constantFrom(undefined, 'Ann', 'Edited'),
  superAdmin: fc.constantFrom(false, false, false, true),
  seatNames: fc.subarray(SEATS),
  primaryTeamId: fc.constantFrom(undefined, 't1'),
});

const ledgerArb = fc.record({
  okta: fc.nat(9),
  hubspot: fc.integer({ min: -2, max: 7 }),
  applied: fc.constantFrom('fromUser', 'null', 'other'),
  downgradedAt: fc.constantFrom(null, null, '2026-11-30T12:00:00.000Z', '2026-11-01T00:00:00.000Z'),
  forgottenAt: fc.constantFrom(null, null, '2026-11-30T12:00:00.000Z'),
  email: emailArb,
});

const rulesArb = fc.record({
  leaveScope: fc.constantFrom('delete', 'downgrade', 'report'),
  graceDays: fc.constantFrom(0, 7),
  emailChange: fc.constantFrom('report', 'replace'),
  deletedInHubSpot: fc.constantFrom('forget', 'recreate'),
  suspended: fc.constantFrom('out', 'strip'),
  mode: fc.constantFrom('role', 'named'),
  budget: fc.option(fc.nat(3), { nil: undefined }),
  remaining: fc.option(fc.nat(3), { nil: undefined }),
  maxDeletes: fc.constantFrom(0, 1, 2, 50),
  percent: fc.boolean(),
  protect: fc.subarray(['ann@acme.example', 'BOB@other.example']),
  domains: fc.constantFrom<string[]>([], ['acme.example']),
  alias: fc.constantFrom('Sales Rep', 'Nope'),
  teams: fc.boolean(),
});

export type GeneratedRules = typeof rulesArb extends fc.Arbitrary<infer R> ? R : never;

function buildRules(r: GeneratedRules, guardOff: boolean): RulesInput {
  return {
    scope: { statuses: { SUSPENDED: r.suspended as 'out' | 'strip' } },
    roles: { aliases: { AE: r.alias }, patterns: [{ pattern: '^serv', role: 'Service Agent' }] },
    seats:
      r.mode === 'role'
        ? { mode: 'role', budget: r.budget === undefined ? {} : { 'Sales Rep': r.budget, 'Sales Manager': r.budget } }
        : { mode: 'named', byTitle: { 'sales rep': ['Sales Hub', 'Core'] }, byRole: { 'Sales Manager': ['Core'], Viewer: ['Core'] }, budget: r.budget === undefined ? {} : { Core: r.budget } },
    emailDomains: r.domains,
    protected: r.protect,
    teams: { byGroup: r.teams ? { g1: 't1', g2: 't2' } : {} },
    policies: {
      leaveScope: r.leaveScope as 'delete' | 'downgrade' | 'report',
      graceDays: r.graceDays,
      emailChange: r.emailChange as 'report' | 'replace',
      deletedInHubSpot: r.deletedInHubSpot as 'forget' | 'recreate',
    },
    guard: guardOff ? { maxDeletes: 1_000_000, minDeletesForPercent: 1_000_000 } : { maxDeletes: r.maxDeletes, minDeletesForPercent: r.percent ? 2 : 1_000_000, maxDeletePercent: 20 },
  };
}

/** Options for the state generator. */
export interface StateOptions {
  /** No deletion is ever held (for properties about everything else). */
  guardOff?: boolean;
  /** Only the absolute maxDeletes limit and no approvals, so the guard's verdict cannot change between two plans. */
  stableGuard?: boolean;
  /** No seat limits at all (budgets and free seats), so decisions about one user do not depend on the others. */
  unlimitedSeats?: boolean;
}

/** A random planner input. */
export function planInputArb(options: StateOptions = {}): fc.Arbitrary<PlanInput> {
  return fc
    .record({
      candidates: fc.array(candidateArb, { maxLength: 10 }),
      hubspot: fc.array(hubspotArb, { maxLength: 8 }),
      ledger: fc.array(ledgerArb, { maxLength: 8 }),
      rules: rulesArb,
      approve: fc.subarray(['h0', 'h1', 'h2', 'h3']),
      link: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
      recent: fc.constantFrom(0, 0, 1, 3),
    })
    .map(({ candidates: cs, hubspot, ledger: ls, rules: r, approve, recent, link }) => {
      const candidates: OktaCandidate[] = cs.map((c, i) => ({
        oktaUserId: `o${i}`,
        login: c.email ?? `o${i}@login.example`,
        email: c.email,
        firstName: c.firstName,
        lastName: 'L',
        title: c.title,
        status: c.status,
        assigned: c.assigned,
        assignedVia: c.assigned ? 'USER' : null,
        assignedAt: c.assignedAt,
        groupIds: c.groupIds,
      }));
      const seen = new Set<string>();
      const hubspotUsers: HubSpotUser[] = [];
      hubspot.forEach((h, i) => {
        if (seen.has(h.email.toLowerCase())) return;
        seen.add(h.email.toLowerCase());
        hubspotUsers.push({
          id: `h${i}`,
          email: h.email,
          firstName: h.firstName,
          lastName: 'L',
          roleId: h.roleId,
          roleIds: h.roleId ? [h.roleId] : [],
          secondaryTeamIds: [],
          superAdmin: h.superAdmin,
          seatNames: r.mode === 'named' ? h.seatNames : [],
          primaryTeamId: h.primaryTeamId,
        });
      });
      const usedOkta = new Set<string>();
      const usedHubspot = new Set<string>();
      const ledger: LedgerEntry[] = [];
      for (const l of ls) {
        const oktaUserId = l.okta < candidates.length ? `o${l.okta}` : `x${l.okta}`;
        const hubspotUserId = l.hubspot >= 0 ? `h${l.hubspot}` : `gone${l.hubspot}`;
        if (usedOkta.has(oktaUserId) || usedHubspot.has(hubspotUserId)) continue;
        usedOkta.add(oktaUserId);
        usedHubspot.add(hubspotUserId);
        const h = hubspotUsers.find((u) => u.id === hubspotUserId);
        const email = h?.email ?? l.email;
        const lastApplied =
          l.applied === 'null'
            ? null
            : appliedValuesFrom({
                oktaUserId,
                email,
                firstName: l.applied === 'fromUser' ? (h?.firstName ?? null) : 'Ann',
                lastName: 'L',
                roleId: l.applied === 'fromUser' ? (h?.roleId ?? null) : '4',
                roleName: null,
                seatNames: l.applied === 'fromUser' ? (h?.seatNames ?? []) : [],
                primaryTeamId: null,
                roleReason: '',
              });
        ledger.push({ hubspotUserId, oktaUserId, email, how: 'created', managedSince: '2026-01-01T00:00:00.000Z', lastApplied, downgradedAt: l.downgradedAt, forgottenAt: l.forgottenAt });
      }
      // Also link Okta users to the HubSpot user with their email, as a ledger built by earlier runs would.
      candidates.forEach((c, i) => {
        const h = hubspotUsers.find((u) => u.email.toLowerCase() === (c.email ?? '').toLowerCase());
        if (!link[i] || !h || usedOkta.has(c.oktaUserId) || usedHubspot.has(h.id)) return;
        usedOkta.add(c.oktaUserId);
        usedHubspot.add(h.id);
        const lastApplied = appliedValuesFrom({ oktaUserId: c.oktaUserId, email: h.email, firstName: c.firstName, lastName: 'L', roleId: h.roleId ?? null, roleName: null, seatNames: h.seatNames ?? [], primaryTeamId: null, roleReason: '' });
        ledger.push({ hubspotUserId: h.id, oktaUserId: c.oktaUserId, email: h.email, how: 'adopted', managedSince: '2026-01-01T00:00:00.000Z', lastApplied });
      });
      const unlimited = options.unlimitedSeats === true;
      const seats: HubSpotSeat[] | null = r.mode === 'named' ? SEATS.map((name) => ({ name, remainingSeats: unlimited ? undefined : r.remaining })) : null;
      const ruleSet = rules(buildRules(unlimited ? { ...r, budget: undefined } : r, options.guardOff === true));
      if (options.stableGuard) {
        ruleSet.guard.minDeletesForPercent = 1_000_000;
      }
      const input: PlanInput = {
        mode: 'full',
        candidates,
        hubspotUsers,
        roles: PROPERTY_ROLES,
        seats,
        ledger,
        rules: ruleSet,
        now: NOW,
        recentDeletions: options.stableGuard ? 0 : recent,
        approvedDeletions: options.stableGuard ? [] : approve,
      };
      return input;
    });
}
