import { planSync } from '../../../src/sync/planner';
import { compareRulePlans, renderRulesDiff } from '../../../src/sync/rules-diff';
import type { PlanInput } from '../../../src/sync/types';
import { candidate, managed, rules, withManaged, type RulesInput } from './fixtures';

/** Plans `input` under its rules and under `proposed`, and compares, as the what-if does. */
function whatIf(input: PlanInput, proposed: RulesInput) {
  const proposedInput = { ...input, rules: rules(proposed) };
  return compareRulePlans(proposedInput, planSync(input), planSync(proposedInput));
}

describe('compareRulePlans (what-if)', () => {
  const ann = managed('ann', '101', { candidate: { title: 'Sales Rep' } });
  const bob = managed('bob', '102', { candidate: { title: 'Poet' } });
  const cy = managed('cy', '103', { candidate: { title: 'Marketing Viewer', groupIds: ['00gSales'] } });
  const input = withManaged([ann, bob, cy], {
    candidates: [candidate('dee', { title: 'Intern', email: 'dee@other.example' })],
    rules: rules({ emailDomains: ['acme.example', 'other.example'] }),
    oktaGroups: [{ id: '00gSales', name: 'Sales' }],
  });

  it('finds nothing when the proposed rules are the current ones', () => {
    const diff = whatIf(input, { emailDomains: ['acme.example', 'other.example'] });
    expect(diff).toMatchObject({ changed: [], created: { proposed: [], current: [] }, deleted: { proposed: [], current: [] }, skipped: [], warnings: [] });
  });

  it('lists who gets another role, with the source that decided, and leaves the others out', () => {
    const diff = whatIf(input, {
      emailDomains: ['acme.example', 'other.example'],
      roles: { sources: [{ groups: [{ group: 'Sales', role: 'Sales Manager' }] }, 'title'], aliases: { Poet: 'Admin' } },
    });
    expect(diff.changed).toEqual([
      { oktaUserId: 'bob', email: 'bob@acme.example', role: { current: null, proposed: 'Admin' }, roleReason: 'from title "Poet" (alias)', why: expect.stringContaining('role "Admin" from title "Poet" (alias)') },
      { oktaUserId: 'cy', email: 'cy@acme.example', role: { current: 'Marketing Viewer', proposed: 'Sales Manager' }, roleReason: 'from group Sales', why: expect.stringContaining('role "Sales Manager" from group Sales') },
    ]);
    // dee is created under both rules: no difference, though her role is the same.
    expect(diff.created).toEqual({ proposed: [], current: [] });
    expect(renderRulesDiff(diff)).toContain('bob@acme.example: role (none) → "Admin"');
  });

  it('lists who would be created or deleted only under the proposed rules, and the new skips', () => {
    const diff = whatIf(input, { emailDomains: ['acme.example'], roles: { sources: [{ appAttribute: 'role' }, 'title'] } });
    // dee's domain is no longer allowed: not created. Nobody managed leaves scope through a domain.
    expect(diff.created.current).toEqual([{ oktaUserId: 'dee', email: 'dee@other.example', reason: expect.stringContaining('assigned and in scope: create') }]);
    expect(diff.skipped).toEqual([{ oktaUserId: 'dee', email: 'dee@other.example', reason: expect.stringContaining('not in emailDomains') }]);
    const leaving = whatIf(input, { emailDomains: ['acme.example', 'other.example'], scope: { statuses: { ACTIVE: 'out' } } });
    expect(leaving.deleted.proposed.map((m) => m.oktaUserId)).toEqual(['ann', 'bob', 'cy']);
    expect(leaving.summary.proposed.delete + leaving.summary.proposed.held).toBe(3);
  });

  it('says what the proposed rules name that does not exist, first', () => {
    const diff = whatIf(input, { emailDomains: ['acme.example', 'other.example'], roles: { sources: [{ groups: [{ group: 'Sails', role: 'Sales Manager' }, { group: 'Sales', role: 'Sales Wizard' }] }, 'title'] } });
    expect(diff.ruleProblems).toEqual([expect.stringMatching(/group "Sales" names role "Sales Wizard", which HubSpot does not have/), expect.stringMatching(/"Sails".*Did you mean "Sales"\?/)]);
    expect(renderRulesDiff(diff).split('\n')[0]).toBe('The proposed rules name what does not exist or cannot work as written:');
    expect(whatIf(input, { emailDomains: ['acme.example', 'other.example'] }).ruleProblems).toEqual([]);
  });

  it('reports seats over budget under each set of rules, and teams that change', () => {
    const diff = whatIf(input, {
      emailDomains: ['acme.example', 'other.example'],
      roles: { aliases: { Poet: 'Sales Rep', Intern: 'Sales Rep' } },
      seats: { budget: { 'Sales Rep': 1 } },
      teams: { byGroup: { '00gSales': '3001' } },
    });
    expect(diff.overBudget.current).toEqual([]);
    expect(diff.overBudget.proposed).toEqual([{ seat: 'Sales Rep', used: 1, budget: 1, waiting: 2 }]);
    expect(diff.changed.find((d) => d.oktaUserId === 'cy')).toMatchObject({ primaryTeamId: { current: null, proposed: '3001' } });
    expect(renderRulesDiff(diff)).toMatch(/proposed: Sales Rep: 1 used of 1, 2 waiting/);
    // A user left without a role says why; a team is named as HubSpot names it.
    const waiting = whatIf(input, { emailDomains: ['acme.example', 'other.example'], roles: { sources: [{ groups: [{ group: 'Sales', role: 'Sales Manager' }] }, 'title'] }, seats: { budget: { 'Sales Manager': 0 } } });
    expect(renderRulesDiff(waiting)).toContain('cy@acme.example: role "Marketing Viewer" → (none: waiting for a paid seat for role "Sales Manager" (from group Sales))');
    const named = whatIf({ ...input, teams: [{ id: '3001', name: 'Sales', userIds: [], secondaryUserIds: [] }] }, { emailDomains: ['acme.example', 'other.example'], teams: { byGroup: { '00gSales': '3001' } } });
    expect(named.teamNames).toEqual({ '3001': 'Sales' });
    expect(renderRulesDiff(named)).toContain('cy@acme.example: team (none) → "Sales (3001)"');
  });
});
