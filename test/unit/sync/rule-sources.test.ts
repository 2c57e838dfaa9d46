import fc from 'fast-check';
import type { RoleSource, SeatSource } from '../../../config/rules-schema';
import { planSync } from '../../../src/sync/planner';
import type { HubSpotTeam, OktaCandidate, OktaGroupRef, Plan, PlanAction } from '../../../src/sync/types';
import { applyPlan } from './apply-plan';
import { actionsFor, candidate, managed, mutating, NOW, onlyAction, planInput, rules, withManaged, type RulesInput } from './fixtures';

const GROUPS: OktaGroupRef[] = [
  { id: '00gSalesEmea', name: 'Sales-EMEA' },
  { id: '00gSalesUs', name: 'Sales-US' },
  { id: '00gMarketing', name: 'Marketing' },
  { id: '00gAdmins', name: 'Admins' },
];

const TEAMS: HubSpotTeam[] = [
  { id: '3001', name: 'EMEA', userIds: [], secondaryUserIds: [] },
  { id: '3002', name: 'Americas', userIds: [], secondaryUserIds: [] },
  { id: '3003', name: 'Marketing Team', userIds: [], secondaryUserIds: [] },
  { id: '3004', name: 'Admins', userIds: [], secondaryUserIds: [] },
];

/** Plans one new user under the rules; returns the one action about them. */
function planOne(over: Partial<OktaCandidate>, r: RulesInput, extra: { oktaGroups?: OktaGroupRef[]; teams?: HubSpotTeam[] } = {}): { plan: Plan; action: PlanAction } {
  const plan = planSync(planInput({ candidates: [candidate('u1', over)], rules: rules(r), oktaGroups: extra.oktaGroups ?? GROUPS, ...(extra.teams ? { teams: extra.teams } : {}) }));
  return { plan, action: onlyAction(plan, 'u1') };
}

describe('role sources', () => {
  const groupsToRoles = { groups: [{ group: 'Sales-EMEA', role: 'Sales Manager' }, { group: '00gSalesUs', role: 'Sales Rep' }] };

  it('a profile attribute is matched like a Title, and the reason names the source and value', () => {
    const { action } = planOne({ title: null, profile: { department: 'sales rep' } }, { roles: { sources: [{ attribute: 'department' }] } });
    expect(action.desired).toMatchObject({ roleId: '2002', roleName: 'Sales Rep', roleReason: 'from attribute department = "sales rep" (the role name, loosely)' });
    expect(action.reason).toContain('role "Sales Rep" from attribute department = "sales rep"');
  });

  it('an app attribute goes through the aliases and patterns', () => {
    const r = { roles: { sources: [{ appAttribute: 'role' }], aliases: { sales: 'Sales Rep' }, patterns: [{ pattern: '^mgr', role: 'Sales Manager' }] } };
    expect(planOne({ appProfile: { role: 'sales' } }, r).action.desired).toMatchObject({ roleName: 'Sales Rep', roleReason: 'from app attribute role = "sales" (alias)' });
    expect(planOne({ appProfile: { role: 'mgr-emea' } }, r).action.desired).toMatchObject({ roleName: 'Sales Manager', roleReason: 'from app attribute role = "mgr-emea" (pattern /^mgr/)' });
  });

  it('groups: the first listed group the user is in gives the role, named by name or id', () => {
    const r = { roles: { sources: [groupsToRoles] } };
    expect(planOne({ groupIds: ['00gSalesUs', '00gSalesEmea'] }, r).action.desired).toMatchObject({ roleName: 'Sales Manager', roleReason: 'from group Sales-EMEA' });
    expect(planOne({ groupIds: ['00gSalesUs'] }, r).action.desired).toMatchObject({ roleName: 'Sales Rep', roleReason: 'from group Sales-US' });
    expect(planOne({ groupIds: ['00gSalesUs'] }, r).action.reason).toContain('role "Sales Rep" from group Sales-US');
  });

  it('a group name matches Okta\'s group ignoring case; a group Okta lacks matches nobody', () => {
    const r = { roles: { sources: [{ groups: [{ group: 'sales-emea', role: 'Sales Manager' }, { group: 'Nowhere', role: 'Admin' }] }] } };
    expect(planOne({ groupIds: ['00gSalesEmea'] }, r).action.desired?.roleName).toBe('Sales Manager');
    // "Nowhere" is not in Okta: its name is not taken for an id, even if a user's groups held it.
    expect(planOne({ groupIds: ['Nowhere'] }, r).action.desired?.roleName).toBeNull();
  });

  it('sources are tried in order: the first that gives a role wins, then the fallback role', () => {
    const r = { roles: { sources: [{ appAttribute: 'role' }, groupsToRoles, 'title' as const], fallbackRole: 'Marketing Viewer' } };
    const both = { appProfile: { role: 'Admin' }, groupIds: ['00gSalesEmea'], title: 'Sales Rep' };
    expect(planOne(both, r).action.desired?.roleName).toBe('Admin');
    expect(planOne({ ...both, appProfile: { role: 'ops' } }, r).action.desired).toMatchObject({ roleName: 'Sales Manager', roleReason: 'from group Sales-EMEA' });
    expect(planOne({ ...both, appProfile: {}, groupIds: [] }, r).action.desired).toMatchObject({ roleName: 'Sales Rep', roleReason: 'from title "Sales Rep" (the role name)' });
    expect(planOne({ appProfile: { role: 'ops' }, groupIds: [], title: 'Poet' }, r).action.desired).toMatchObject({ roleName: 'Marketing Viewer', roleReason: 'fallback role → "Marketing Viewer"' });
  });

  it('no source gives a role and no fallback: no role, and the reason lists what was seen', () => {
    const { action } = planOne({ title: null, appProfile: { role: 'ops' } }, { roles: { sources: [{ appAttribute: 'role' }, 'title'] } });
    expect(action.desired).toMatchObject({ roleId: null, roleReason: 'no source gives a role (app attribute role = "ops" matches no role)' });
  });

  it('a group naming a role HubSpot lacks gives no role (not the fallback), like an alias naming one', () => {
    const r = { roles: { sources: [{ groups: [{ group: 'Admins', role: 'Super Boss' }] }, 'title' as const], fallbackRole: 'Marketing Viewer' } };
    const { action, plan } = planOne({ groupIds: ['00gAdmins'], title: 'Poet' }, r);
    expect(action.desired).toMatchObject({ roleId: null, roleReason: 'group Admins names role "Super Boss", which does not exist in HubSpot' });
    expect(plan.warnings?.join('\n')).not.toContain('Super Boss" (1 user');
  });

  it('values that match no role are reported per source with their user count, in the plan and its warnings', () => {
    const r = { roles: { sources: [{ attribute: 'department' }, 'title' as const] } };
    const plan = planSync(
      planInput({
        rules: rules(r),
        candidates: [
          candidate('a', { profile: { department: 'Ops' }, title: 'Sales Rep' }),
          candidate('b', { profile: { department: ' ops ' }, title: null }),
          candidate('c', { profile: { department: 'Ops' }, title: 'Sales Rep' }),
          candidate('d', { profile: { department: 'Sales Rep' } }),
        ],
      }),
    );
    expect(plan.unmappedValues).toEqual([
      { decision: 'role', source: 'attribute department', value: 'Ops', users: 3, message: 'attribute department: "Ops" (3 users) matches no role' },
    ]);
    expect(plan.warnings).toContain('attribute department: "Ops" (3 users) matches no role');
    // The user with no role is still reported by Title: the Title is a source.
    expect(plan.unmappedTitles.map((t) => [t.title, t.users.length])).toEqual([['(no title)', 1]]);
  });

  it('a Title that matches no role is reported once, by Title, not again as a value of the title source', () => {
    const r = { roles: { sources: [{ attribute: 'department' }, 'title' as const] } };
    const plan = planSync(planInput({ rules: rules(r), candidates: [candidate('a', { title: 'Poet', profile: { department: 'Sales Rep' } }), candidate('b', { title: 'Poet', profile: {} }), candidate('c', { title: 'Poet', profile: { department: 'x' } })] }));
    expect(plan.unmappedTitles.map((t) => [t.title, t.users.length])).toEqual([['Poet', 2]]);
    expect(plan.unmappedValues?.map((v) => v.message)).toEqual(['attribute department: "x" (1 user) matches no role']);
    expect(plan.warnings?.some((w) => w.startsWith('title:'))).toBe(false);
  });

  it('with sources that do not include the Title, users with no role are not reported by Title', () => {
    const plan = planSync(planInput({ rules: rules({ roles: { sources: [{ attribute: 'department' }] } }), candidates: [candidate('a', { title: 'Poet', profile: { department: 'x' } })] }));
    expect(plan.unmappedTitles).toEqual([]);
    expect(plan.unmappedValues?.map((v) => v.message)).toEqual(['attribute department: "x" (1 user) matches no role']);
  });

  it('the default (the Title alone) plans exactly as before: same reasons, no per-source report', () => {
    const cs = [candidate('a', { title: 'sales rep', profile: { department: 'Admin' }, groupIds: ['00gAdmins'] }), candidate('b', { title: 'Poet' })];
    const plan = planSync(planInput({ candidates: cs }));
    expect(onlyAction(plan, 'a').desired).toMatchObject({ roleName: 'Sales Rep', roleReason: 'title matches the role name loosely' });
    expect(onlyAction(plan, 'a').reason).toBe('Okta user a@acme.example (a): assigned and in scope: create; role "Sales Rep" (title matches the role name loosely)');
    expect(onlyAction(plan, 'a').desired).not.toHaveProperty('secondaryTeamIds');
    expect(onlyAction(plan, 'a').desired).not.toHaveProperty('sourceReasons');
    expect(plan.unmappedValues).toBeUndefined();
    expect(plan.unmappedTitles.map((t) => t.title)).toEqual(['Poet']);
  });
});

describe('bad data in a source', () => {
  it.each<[string, unknown, string]>([
    ['a list of two values', ['Sales Rep', 'Admin'], 'app attribute role is a list of 2 values where one is expected'],
    ['an object', { name: 'Sales Rep' }, 'app attribute role is not text'],
    ['a control character', 'Sales\u0007Rep', 'app attribute role contains a control character (U+0007)'],
  ])('%s: the user is skipped with a reason naming the user and the field', (_label, value, phrase) => {
    const { action } = planOne({ appProfile: { role: value } }, { roles: { sources: [{ appAttribute: 'role' }] } });
    expect(action).toMatchObject({ kind: 'skip', code: 'bad-data', email: 'u1@acme.example' });
    expect(action.reason).toBe(`Okta user u1@acme.example (u1): u1@acme.example's ${phrase}`);
  });

  it('a list of one value counts as that value; numbers and booleans as text', () => {
    expect(planOne({ appProfile: { role: ['Admin'] } }, { roles: { sources: [{ appAttribute: 'role' }] } }).action.desired?.roleName).toBe('Admin');
    expect(planOne({ profile: { level: 7 } }, { roles: { sources: [{ attribute: 'level' }], aliases: { '7': 'Admin' } } }).action.desired?.roleName).toBe('Admin');
  });

  it('an attribute the rules do not read is never bad data', () => {
    const { action } = planOne({ title: 'Admin', profile: { department: { odd: true } } }, {});
    expect(action).toMatchObject({ kind: 'create' });
  });
});

describe('seat sources (named mode)', () => {
  const seats = [{ name: 'Sales Hub' }, { name: 'Service Hub' }, { name: 'Core' }];
  const named = (sources?: SeatSource[]): RulesInput => ({
    seats: { mode: 'named', ...(sources ? { sources } : {}), byTitle: { 'Sales Rep': ['Core'] }, byRole: { 'Sales Manager': ['Sales Hub'] } },
  });
  const planSeats = (over: Partial<OktaCandidate>, r: RulesInput) => onlyAction(planSync(planInput({ candidates: [candidate('u1', over)], rules: rules(r), seats, oktaGroups: GROUPS })), 'u1');

  it('the default sources (title, then role) give what byTitle then byRole always gave', () => {
    expect(planSeats({ title: 'Sales Rep' }, named(undefined)).desired?.seatNames).toEqual(['Core']);
    expect(planSeats({ title: 'Sales Manager' }, named(undefined)).desired?.seatNames).toEqual(['Sales Hub']);
    expect(planSeats({ title: 'Sales Manager' }, named(undefined)).desired).not.toHaveProperty('sourceReasons');
  });

  it('an attribute gives seat names, a list or comma-separated, matched to HubSpot\'s names', () => {
    const r = named([{ attribute: 'hubspotSeats' }, 'title']);
    expect(planSeats({ profile: { hubspotSeats: 'sales hub, Service Hub' } }, r).desired).toMatchObject({ seatNames: ['Sales Hub', 'Service Hub'], sourceReasons: ['seats ["Sales Hub", "Service Hub"] from attribute hubspotSeats = "sales hub, Service Hub"'] });
    expect(planSeats({ profile: { hubspotSeats: ['Core'] } }, r).desired?.seatNames).toEqual(['Core']);
    // Nothing there: the next source (the Title) decides.
    expect(planSeats({ title: 'Sales Rep', profile: {} }, r).desired?.seatNames).toEqual(['Core']);
  });

  it('seat names HubSpot does not list are left out and reported', () => {
    const plan = planSync(planInput({ candidates: [candidate('u1', { profile: { hubspotSeats: 'Core, Platinum' } })], rules: rules(named([{ attribute: 'hubspotSeats' }])), seats }));
    expect(onlyAction(plan, 'u1').desired?.seatNames).toEqual(['Core']);
    expect(plan.unmappedValues?.map((v) => v.message)).toEqual(['attribute hubspotSeats: "Platinum" (1 user) matches no seat HubSpot lists']);
  });

  it('groups: the first listed group the user is in gives the seats; role mode ignores seat sources', () => {
    const r = named([{ groups: [{ group: 'Marketing', seats: ['Core'] }, { group: 'Sales-EMEA', seats: ['Sales Hub', 'Core'] }] }, 'role']);
    expect(planSeats({ groupIds: ['00gSalesEmea'], title: 'Sales Manager' }, r).desired).toMatchObject({ seatNames: ['Core', 'Sales Hub'], sourceReasons: ['seats ["Core", "Sales Hub"] from group Sales-EMEA'] });
    expect(planSeats({ groupIds: [], title: 'Sales Manager' }, r).desired?.seatNames).toEqual(['Sales Hub']);
    const roleMode = { seats: { sources: [{ groups: [{ group: 'Marketing', seats: ['Core'] }] }] } };
    expect(planSeats({ groupIds: ['00gMarketing'], title: 'Sales Rep' }, roleMode).desired?.seatNames).toEqual([]);
  });
});

describe('team sources', () => {
  const planTeams = (over: Partial<OktaCandidate>, teams: RulesInput['teams'], hubspotTeams: HubSpotTeam[] | undefined = TEAMS) => planOne(over, { teams }, hubspotTeams ? { teams: hubspotTeams } : {});

  it('primary team from an attribute, by team name or id', () => {
    expect(planTeams({ profile: { region: 'emea' } }, { primary: [{ attribute: 'region' }] }).action.desired).toMatchObject({ primaryTeamId: '3001', sourceReasons: ['primary team "EMEA" from attribute region = "emea"'] });
    expect(planTeams({ profile: { region: '3002' } }, { primary: [{ attribute: 'region' }] }).action.desired?.primaryTeamId).toBe('3002');
  });

  it('primary sources come before teams.byGroup, which keeps taking group ids to team ids', () => {
    const teams = { primary: [{ groups: [{ group: 'Marketing', team: 'Marketing Team' }] }], byGroup: { '00gSalesEmea': '3001' } };
    expect(planTeams({ groupIds: ['00gSalesEmea', '00gMarketing'] }, teams).action.desired?.primaryTeamId).toBe('3003');
    expect(planTeams({ groupIds: ['00gSalesEmea'] }, teams).action.desired).toMatchObject({ primaryTeamId: '3001', sourceReasons: ['primary team "EMEA" from group Sales-EMEA'] });
    expect(planTeams({ groupIds: [] }, teams).action.desired?.primaryTeamId).toBeNull();
  });

  it('secondary teams come from every matching group and source, the primary team left out', () => {
    const teams = {
      primary: [{ groups: [{ group: 'Sales-EMEA', team: 'EMEA' }] }],
      secondary: [{ groups: [{ group: 'Sales-EMEA', team: 'EMEA' }, { group: 'Marketing', team: '3003' }, { group: 'Sales-US', team: 'Americas' }] }, { attribute: 'extraTeams' }],
    };
    const { action } = planTeams({ groupIds: ['00gSalesEmea', '00gMarketing'], profile: { extraTeams: 'Admins, Americas' } }, teams);
    expect(action.desired).toMatchObject({ primaryTeamId: '3001', secondaryTeamIds: ['3002', '3003', '3004'] });
    expect(action.changes).toEqual(expect.arrayContaining([{ field: 'secondaryTeamIds', before: [], after: ['3002', '3003', '3004'] }]));
    expect(action.desired?.sourceReasons).toEqual([
      'primary team "EMEA" from group Sales-EMEA',
      'secondary teams "Marketing Team" from group Marketing, "Admins" from attribute extraTeams = "Admins", "Americas" from attribute extraTeams = "Americas"',
    ]);
  });

  it('secondary teams are left alone when their groups were not read, and cleared when the user is in none', () => {
    const teams = { secondary: [{ groups: [{ group: 'Marketing', team: 'Marketing Team' }] }] };
    const m = managed('u1', '101', { candidate: { title: 'Marketing Viewer' }, hubspot: { secondaryTeamIds: ['3003'] } });
    const input = (groupIds: string[] | undefined) => withManaged([{ ...m, candidate: { ...m.candidate, groupIds } }], { rules: rules({ teams }), teams: TEAMS, oktaGroups: GROUPS });
    expect(mutating(planSync(input(undefined)))).toEqual([]);
    expect(mutating(planSync(input(['00gMarketing'])))).toEqual([]);
    expect(onlyAction(planSync(input([])), 'u1').changes).toEqual([{ field: 'secondaryTeamIds', before: ['3003'], after: [] }]);
  });

  it('a secondary team edited in HubSpot is put back (drift), once the daemon wrote them', () => {
    const teams = { secondary: [{ groups: [{ group: 'Marketing', team: 'Marketing Team' }] }] };
    const m = managed('u1', '101', { candidate: { groupIds: ['00gMarketing'] }, hubspot: { secondaryTeamIds: ['3003', '3004'] } });
    const entry = { ...m.entry, lastApplied: m.entry.lastApplied && { ...m.entry.lastApplied, secondaryTeamIds: ['3003'] } };
    const action = onlyAction(planSync(withManaged([{ ...m, entry }], { rules: rules({ teams }), teams: TEAMS, oktaGroups: GROUPS })), 'u1');
    expect(action).toMatchObject({ kind: 'update', code: 'drift', drift: true });
    expect(action.changes).toEqual([{ field: 'secondaryTeamIds', before: ['3003', '3004'], after: ['3003'] }]);
  });

  it('team values HubSpot lacks give no team and are reported', () => {
    const { action, plan } = planTeams({ profile: { region: 'Mars' } }, { primary: [{ attribute: 'region' }] });
    expect(action.desired?.primaryTeamId).toBeNull();
    expect(plan.unmappedValues?.map((v) => v.message)).toEqual(['attribute region: "Mars" (1 user) matches no HubSpot team']);
  });

  it('two teams differing only by case: a loose value picks neither', () => {
    const twins = [...TEAMS, { id: '3005', name: 'emea', userIds: [], secondaryUserIds: [] }];
    expect(planTeams({ profile: { region: 'Emea' } }, { primary: [{ attribute: 'region' }] }, twins).action.desired?.primaryTeamId).toBeNull();
    expect(planTeams({ profile: { region: 'emea' } }, { primary: [{ attribute: 'region' }] }, twins).action.desired?.primaryTeamId).toBe('3005');
  });
});

describe('properties of the sources', () => {
  const roleNames = ['Sales Manager', 'Sales Rep', 'Marketing Viewer', 'Admin', 'ops', ''];
  const groupIds = fc.subarray(GROUPS.map((g) => g.id));
  const userArb = fc.record({
    title: fc.constantFrom<string | null>(...roleNames, null),
    department: fc.option(fc.constantFrom(...roleNames), { nil: undefined }),
    appRole: fc.option(fc.constantFrom(...roleNames), { nil: undefined }),
    groups: groupIds,
  });
  const toCandidate = (u: { title: string | null; department: string | undefined; appRole: string | undefined; groups: string[] }, i: number) =>
    candidate(`u${i}`, { title: u.title, profile: u.department === undefined ? {} : { department: u.department }, appProfile: u.appRole === undefined ? {} : { role: u.appRole }, groupIds: u.groups });
  const groupSource = { groups: [{ group: 'Admins', role: 'Admin' }, { group: 'Sales-EMEA', role: 'Sales Manager' }, { group: 'Marketing', role: 'Marketing Viewer' }] };
  const allSources = [{ appAttribute: 'role' }, groupSource, { attribute: 'department' }, 'title' as const];
  const roleOf = (sources: RoleSource[], c: OktaCandidate) =>
    onlyAction(planSync(planInput({ candidates: [c], rules: rules({ roles: { sources } }), oktaGroups: GROUPS })), c.oktaUserId).desired?.roleName ?? null;

  it('the first source that gives a role decides; a source that gives none can be dropped without changing the role', () => {
    fc.assert(
      fc.property(userArb, fc.shuffledSubarray(allSources, { minLength: 1 }), (u, sources) => {
        const c = toCandidate(u, 0);
        const whole = roleOf(sources, c);
        const [first, ...rest] = sources;
        const alone = roleOf([first!], c);
        if (alone !== null) {
          expect(whole).toBe(alone);
        } else if (rest.length > 0) {
          expect(whole).toBe(roleOf(rest, c));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('secondary teams are exactly the teams of the groups the user is in, the primary team left out', () => {
    const secondary = { groups: [{ group: 'Sales-EMEA', team: 'EMEA' }, { group: 'Sales-US', team: 'Americas' }, { group: 'Marketing', team: 'Marketing Team' }, { group: 'Admins', team: 'Admins' }] };
    const teamOf: Record<string, string> = { '00gSalesEmea': '3001', '00gSalesUs': '3002', '00gMarketing': '3003', '00gAdmins': '3004' };
    fc.assert(
      fc.property(groupIds, fc.option(fc.constantFrom('3001', '3002', '3003', '3004'), { nil: undefined }), (groups, primary) => {
        const c = candidate('u1', { groupIds: groups, profile: primary === undefined ? {} : { team: primary } });
        const plan = planSync(planInput({ candidates: [c], rules: rules({ teams: { primary: [{ attribute: 'team' }], secondary: [secondary] } }), teams: TEAMS, oktaGroups: GROUPS }));
        const desired = onlyAction(plan, 'u1').desired;
        const want = [...new Set(groups.map((g) => teamOf[g]!))].filter((t) => t !== primary).sort();
        expect(desired?.primaryTeamId).toBe(primary ?? null);
        expect(desired?.secondaryTeamIds).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  it('users with the same values share one decision: planned together or each alone, every user gets the same role, seats, teams and reasons', () => {
    const seats = [{ name: 'Sales Hub' }, { name: 'Core' }];
    const r = rules({
      roles: { sources: allSources },
      seats: { mode: 'named', sources: [{ groups: [{ group: 'Sales-EMEA', seats: ['Sales Hub'] }] }, { attribute: 'seats' }, 'role'], byRole: { Admin: ['Core'] } },
      teams: { primary: [{ appAttribute: 'team' }], secondary: [{ groups: [{ group: 'Marketing', team: 'Marketing Team' }, { group: 'Admins', team: 'Admins' }] }, { attribute: 'teams' }] },
    });
    // Values of every shape a profile may hold, so that a number, its text and a list of it are told apart.
    const value = fc.constantFrom<unknown>('EMEA', 'Core', 'Core, Sales Hub', ['Core'], ['Core', 'Sales Hub'], 3003, '3003', true, null, undefined, { nested: 'x' });
    const extra = fc.record({ team: value, seats: value, teams: value, appRead: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.tuple(userArb, extra), { minLength: 2, maxLength: 16 }), (users) => {
        const candidates = users.map(([u, x], i) => {
          const c = toCandidate(u, i);
          return { ...c, appProfile: x.appRead ? { ...c.appProfile, team: x.team } : undefined, profile: { ...c.profile, seats: x.seats, teams: x.teams } };
        });
        const decided = (plan: Plan, id: string) => {
          const a = actionsFor(plan, id)[0];
          return a && { kind: a.kind, reason: a.reason, desired: a.desired ? { ...a.desired, oktaUserId: '', email: '' } : null };
        };
        const together = planSync(planInput({ candidates, rules: r, seats, teams: TEAMS, oktaGroups: GROUPS }));
        for (const c of candidates) {
          const alone = planSync(planInput({ candidates: [c], rules: r, seats, teams: TEAMS, oktaGroups: GROUPS }));
          expect(decided(together, c.oktaUserId)).toEqual(decided(alone, c.oktaUserId));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('converges: applying a plan with every kind of source and planning again changes nothing', () => {
    const seats = [{ name: 'Sales Hub' }, { name: 'Core' }];
    const r = rules({
      roles: { sources: allSources, fallbackRole: null },
      seats: { mode: 'named', sources: [{ groups: [{ group: 'Sales-EMEA', seats: ['Sales Hub'] }] }, { attribute: 'seats' }, 'role'], byRole: { Admin: ['Core'] } },
      teams: { primary: [{ appAttribute: 'team' }], secondary: [{ groups: [{ group: 'Marketing', team: 'Marketing Team' }, { group: 'Admins', team: 'Admins' }] }], byGroup: { '00gSalesUs': '3002' } },
    });
    const extra = fc.record({ team: fc.option(fc.constantFrom('EMEA', '3003', 'Nowhere'), { nil: undefined }), seats: fc.option(fc.constantFrom('Core', 'Core, Sales Hub', 'Gold'), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(userArb, extra), { minLength: 1, maxLength: 12 }), (users) => {
        const candidates = users.map(([u, x], i) => {
          const c = toCandidate(u, i);
          return { ...c, appProfile: { ...c.appProfile, ...(x.team === undefined ? {} : { team: x.team }) }, profile: { ...c.profile, ...(x.seats === undefined ? {} : { seats: x.seats }) } };
        });
        const input = planInput({ candidates, rules: r, seats, teams: TEAMS, oktaGroups: GROUPS });
        const first = planSync(input);
        const state = applyPlan({ hubspotUsers: input.hubspotUsers, ledger: input.ledger, seats }, first, NOW);
        const second = planSync({ ...input, hubspotUsers: state.hubspotUsers, ledger: state.ledger, seats: state.seats });
        expect(mutating(second)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
