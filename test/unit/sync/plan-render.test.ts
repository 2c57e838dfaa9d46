import { planSync } from '../../../src/sync/planner';
import { renderPlanTable } from '../../../src/sync/plan-render';
import { candidate, hubspotUser, managed, rules, withManaged } from './fixtures';

const drifted = managed('d', '101', { candidate: { title: 'Sales Rep' }, hubspot: { roleId: '2007', roleIds: ['2007'] } });
const leaving = Array.from({ length: 3 }, (_, i) => managed(`gone${i}`, `${200 + i}`, { candidate: { status: 'DEPROVISIONED' } }));
const plan = planSync(
  withManaged([drifted, ...leaving], {
    rules: rules({ guard: { maxDeletes: 2 }, roles: { aliases: { AE: 'Account Exec' } }, seats: { budget: { 'Sales Rep': 1 } } }),
    candidates: [candidate('new', { title: 'Sales Manager' }), candidate('poet', { title: 'Poet' }), candidate('bad', { email: 'nope' }), candidate('w', { title: 'Sales Rep' })],
    hubspotUsers: [hubspotUser('300', 'agency@partner.example')],
  }),
);

describe('JSON form', () => {
  it('starts with the summary counts, then the actions', () => {
    const json = JSON.parse(JSON.stringify(plan)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['summary', 'actions', 'held', 'unmappedTitles', 'seats', 'warnings']);
    expect(json.summary).toEqual({ create: 3, update: 1, delete: 0, adopt: 0, skip: 2, held: 3, drift: 1, unmapped: 1, waitingForSeat: 1, inSync: 0 });
  });
});

describe('renderPlanTable', () => {
  const text = renderPlanTable(plan);

  it('starts with a summary line', () => {
    expect(text.split('\n')[0]).toBe('Plan: 3 create, 1 update (1 drift), 0 delete, 0 adopt, 2 skip; 3 held by the deletion guard; 0 in sync; 1 with unmapped titles; 1 waiting for a seat');
  });

  it('shows each change with role names', () => {
    expect(text).toMatch(/update\s+drift\s+d@acme\.example\s+101\s+role Admin → Sales Rep/);
    expect(text).toMatch(/create\s+new-assignment\s+new@acme\.example\s+-\s+role Sales Manager; firstName "First"/);
  });

  it('lists skips with reasons but only counts unmanaged users', () => {
    expect(text).toContain('Skipped (2): bad-data 1, unmanaged 1; 1 listed below (1 unmanaged user is only counted)');
    expect(renderPlanTable(plan, { skips: 'all' })).toMatch(/Skipped \(2\): bad-data 1, unmanaged 1\n/);
    expect(text).toContain('email "nope" is not a valid email address');
    expect(text).not.toContain('agency@partner.example');
    expect(renderPlanTable(plan, { skips: 'all' })).toContain('agency@partner.example');
    expect(renderPlanTable(plan, { skips: 'none' })).not.toContain('email "nope"');
  });

  it('shows held deletions, seats, unmapped titles and rule warnings', () => {
    expect(text).toContain('Held by the deletion guard (3): 3 of the 4 managed users are leaving: more than guard.maxDeletes (2)');
    expect(text).toMatch(/Sales Rep\s+1\s+1\s+-\s+1: w@acme\.example/);
    expect(text).toContain('"Poet": 1 user(s): poet@acme.example');
    expect(text).toContain('roles.aliases "AE" names role "Account Exec"');
  });

  it('says so when there is nothing to change', () => {
    expect(renderPlanTable(planSync(withManaged([managed('a', '1')])))).toContain('Nothing to change.');
  });

  it('cuts long cells', () => {
    const long = planSync(withManaged([], { candidates: [candidate('x', { email: `${'a'.repeat(60)}@acme.example` })] }));
    expect(renderPlanTable(long, { maxCell: 20 })).toContain(`${'a'.repeat(19)}…`);
  });
});
