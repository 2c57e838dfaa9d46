import { foundGroups, unknownGroupsMessage, withGroupIds } from '../../../src/okta/rule-groups';
import type { OktaCandidate } from '../../../src/sync/types';

const SALES = { id: '00gSALES0000000000001', name: 'Sales-EMEA' };
const ENG = { id: '00gENG000000000000001', name: 'Engineering' };

function candidate(oktaUserId: string): OktaCandidate {
  return { oktaUserId, login: `${oktaUserId}@x.example`, email: null, firstName: null, lastName: null, title: null, status: 'ACTIVE', assigned: true, assignedVia: 'USER', assignedAt: null };
}

test('the groups found come once each, in the order the rules first name them, whatever names them', () => {
  const resolved = new Map([
    ['Engineering', ENG],
    ['Sales-EMEA', SALES],
    [SALES.id, SALES],
    ['Nowhere', null],
  ]);
  expect(foundGroups(['Sales-EMEA', 'Nowhere', SALES.id, 'Engineering'], resolved)).toEqual([SALES, ENG]);
  expect(foundGroups([], resolved)).toEqual([]);
});

test('every candidate gets its rule groups, and an empty list when it is in none', () => {
  const memberOf = new Map([['00uA', [SALES.id, ENG.id]]]);
  const out = withGroupIds([candidate('00uA'), candidate('00uB')], memberOf);
  expect(out.map((c) => c.groupIds)).toEqual([[SALES.id, ENG.id], []]);
  // The lists are the candidates' own: changing one leaves the memberships alone.
  out[0]?.groupIds?.push('00gX');
  expect(memberOf.get('00uA')).toEqual([SALES.id, ENG.id]);
});

test('unknown groups are named with the closest existing name and the groups Okta has', () => {
  const message = unknownGroupsMessage(['Sales EMEA', 'Nowhere'], [SALES, ENG]);
  expect(message).toContain('"Sales EMEA" (did you mean "Sales-EMEA"?)');
  expect(message).toMatch(/"Nowhere"(?! \(did)/);
  expect(message).toContain(`Okta's groups: "Sales-EMEA", "Engineering"`);
  expect(unknownGroupsMessage(['X'], [])).toContain("Okta's groups: none");
});
