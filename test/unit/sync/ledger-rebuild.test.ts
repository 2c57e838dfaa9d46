import { planLedgerRebuild, type LedgerRebuildFacts, type RebuildLink } from '../../../src/sync/ledger-rebuild';
import type { OktaCandidate } from '../../../src/sync/types';
import { hubspotUser, rules, type RulesInput } from './fixtures';

type Assigned = LedgerRebuildFacts['assigned'][number];

function assigned(id: string, email: string | null, status: OktaCandidate['status'] = 'ACTIVE'): Assigned {
  return { oktaUserId: id, email, assigned: true, status };
}

function facts(over: Partial<LedgerRebuildFacts>): LedgerRebuildFacts {
  return { assigned: [], history: [], formerEmails: new Map(), hubspotUsers: [], ledger: [], ...over };
}

const ann = hubspotUser('h-ann', 'ann@acme.example');
const bob = hubspotUser('h-bob', 'Bob@Acme.example');
const root = hubspotUser('h-root', 'root@acme.example', { superAdmin: true });
const vip = hubspotUser('h-vip', 'vip@acme.example');
const pat = hubspotUser('h-pat', 'pat@contractors.example');
const annOld = hubspotUser('h-ann-old', 'ann.old@acme.example');

/** The links as `okta → hubspot (how)`, in the order they are written. */
function links(f: Partial<LedgerRebuildFacts>, r: RulesInput = {}): string[] {
  return planLedgerRebuild(facts(f), rules(r)).links.map((l: RebuildLink) => `${l.oktaUserId} → ${l.hubspotUserId} (${l.how}${l.replaces ? `, replaces ${l.replaces.hubspotUserId}` : ''})`);
}

describe('planLedgerRebuild: one decision per row', () => {
  it.each<[string, Partial<LedgerRebuildFacts>, RulesInput, string[]]>([
    ['a user in scope is adopted by email, case-insensitively', { assigned: [assigned('o1', ' BOB@acme.example')], hubspotUsers: [bob] }, {}, ['o1 → h-bob (adopted)']],
    ['a user out of scope is linked back (rebuilt), to be deleted', { assigned: [assigned('o1', 'ann@acme.example', 'DEPROVISIONED')], hubspotUsers: [ann] }, {}, ['o1 → h-ann (rebuilt)']],
    ['a stripped user is linked back (rebuilt)', { assigned: [assigned('o1', 'ann@acme.example', 'SUSPENDED')], hubspotUsers: [ann] }, { scope: { statuses: { SUSPENDED: 'strip' } } }, ['o1 → h-ann (rebuilt)']],
    ['a pending user is left alone', { assigned: [assigned('o1', 'ann@acme.example', 'STAGED')], hubspotUsers: [ann] }, {}, []],
    ['no HubSpot user with the email: nothing', { assigned: [assigned('o1', 'nobody@acme.example')], hubspotUsers: [ann] }, {}, []],
    ['an email two users in scope share is left to the planner', { assigned: [assigned('o1', 'ann@acme.example'), assigned('o2', 'ANN@acme.example')], hubspotUsers: [ann] }, {}, []],
    ['a super admin is never linked, in scope or out', { assigned: [assigned('o1', 'root@acme.example'), assigned('o2', 'root@acme.example', 'DEPROVISIONED')], hubspotUsers: [root] }, {}, []],
    ['a protected email is not adopted', { assigned: [assigned('o1', 'vip@acme.example')], hubspotUsers: [vip] }, { protected: ['VIP@acme.example'] }, []],
    ['a protected email out of scope is linked back (the applier refuses its deletion)', { assigned: [assigned('o1', 'vip@acme.example', 'DEPROVISIONED')], hubspotUsers: [vip] }, { protected: ['vip@acme.example'] }, ['o1 → h-vip (rebuilt)']],
    ['a domain the rules do not allow is not adopted', { assigned: [assigned('o1', 'pat@contractors.example')], hubspotUsers: [pat] }, { emailDomains: ['acme.example'] }, []],
    ['an allowed domain written "@acme.example" is adopted', { assigned: [assigned('o1', 'ann@acme.example')], hubspotUsers: [ann] }, { emailDomains: ['@acme.example'] }, ['o1 → h-ann (adopted)']],
    ['a user out of scope is linked back whatever the domain', { assigned: [assigned('o1', 'pat@contractors.example', 'DEPROVISIONED')], hubspotUsers: [pat] }, { emailDomains: ['acme.example'] }, ['o1 → h-pat (rebuilt)']],
    ['an Okta user the ledger links already is left as it is', { assigned: [assigned('o1', 'ann@acme.example')], hubspotUsers: [ann], ledger: [{ oktaUserId: 'o1', hubspotUserId: 'h-other' }] }, {}, []],
    ['a HubSpot user the ledger links already is left as it is', { assigned: [assigned('o1', 'ann@acme.example')], hubspotUsers: [ann], ledger: [{ oktaUserId: 'o9', hubspotUserId: 'h-ann' }] }, {}, []],
    [
      'a user only in the history is linked back by their email in Okta now',
      { history: [{ oktaUserId: 'o1', login: 'old@acme.example', membership: true }], formerEmails: new Map([['o1', 'ann@acme.example']]), hubspotUsers: [ann] },
      {},
      ['o1 → h-ann (rebuilt)'],
    ],
    [
      'a user deleted in Okta since is linked back by the login their last assignment event named',
      {
        history: [
          { oktaUserId: 'o1', login: 'ann.old@acme.example', membership: true },
          { oktaUserId: 'o1', login: 'ann@acme.example', membership: true },
        ],
        formerEmails: new Map([['o1', null]]),
        hubspotUsers: [ann, annOld],
      },
      {},
      ['o1 → h-ann (rebuilt)'],
    ],
    [
      'profile events alone do not put a user in the history',
      { history: [{ oktaUserId: 'o1', login: 'ann@acme.example', membership: false }], hubspotUsers: [ann] },
      {},
      [],
    ],
    [
      'a user in scope whose email change was interrupted before the new user was made is linked to the HubSpot user of the earlier login',
      {
        assigned: [assigned('o1', 'ann@acme.example')],
        history: [
          { oktaUserId: 'o1', login: 'ann.old@acme.example', membership: true },
          { oktaUserId: 'o1', login: 'ann@acme.example', membership: false },
        ],
        hubspotUsers: [annOld],
      },
      {},
      ['o1 → h-ann-old (adopted)'],
    ],
    [
      'a user in scope whose email change was interrupted after the new user was made is linked to it, replacing the old one',
      {
        assigned: [assigned('o1', 'ann@acme.example')],
        history: [
          { oktaUserId: 'o1', login: 'ann.old@acme.example', membership: true },
          { oktaUserId: 'o1', login: 'ann@acme.example', membership: false },
        ],
        hubspotUsers: [ann, annOld],
      },
      {},
      ['o1 → h-ann (adopted, replaces h-ann-old)'],
    ],
    [
      "an email's current owner wins over a user who once had it",
      {
        assigned: [assigned('o1', 'ann@acme.example'), assigned('o2', 'ann.new@acme.example')],
        history: [{ oktaUserId: 'o2', login: 'ann@acme.example', membership: true }],
        hubspotUsers: [ann],
      },
      {},
      ['o1 → h-ann (adopted)'],
    ],
    [
      'a user out of scope whose email finds nobody is linked back by an earlier login',
      {
        assigned: [assigned('o1', 'ann.new@acme.example', 'DEPROVISIONED')],
        history: [{ oktaUserId: 'o1', login: 'ann.old@acme.example', membership: true }],
        hubspotUsers: [annOld],
      },
      {},
      ['o1 → h-ann-old (rebuilt)'],
    ],
    [
      'a user out of scope who has the email now wins over a user in scope who once had it',
      {
        assigned: [assigned('o2', 'ann.new@acme.example'), assigned('o1', 'ann@acme.example', 'DEPROVISIONED')],
        history: [{ oktaUserId: 'o2', login: 'ann@acme.example', membership: true }],
        hubspotUsers: [ann],
      },
      {},
      ['o1 → h-ann (rebuilt)'],
    ],
  ])('%s', (_name, f, r, expected) => {
    expect(links(f, r)).toEqual(expected);
  });

  it('links with the HubSpot user\'s email and counts the Okta users and the unknown emails', () => {
    const plan = planLedgerRebuild(
      facts({
        assigned: [assigned('o1', 'bob@acme.example'), assigned('o2', 'x@acme.example', 'STAGED'), assigned('o3', null, 'DEPROVISIONED')],
        history: [
          { oktaUserId: 'o4', login: null, membership: true },
          { oktaUserId: 'o5', login: 'not-an-email', membership: true },
          { oktaUserId: 'o1', login: 'bob@acme.example', membership: true },
        ],
        formerEmails: new Map([
          ['o4', null],
          ['o5', null],
        ]),
        hubspotUsers: [bob],
      }),
      rules(),
    );
    expect(plan.links).toEqual([{ oktaUserId: 'o1', hubspotUserId: 'h-bob', email: 'Bob@Acme.example', how: 'adopted' }]);
    expect(plan.oktaUsers).toBe(5);
    expect(plan.unknownEmails).toBe(2);
  });
});
