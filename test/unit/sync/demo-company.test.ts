import { demoCompany } from '../../../simulators/seeds/demo-company';
import { planSync } from '../../../src/sync/planner';
import { renderPlanTable } from '../../../src/sync/plan-render';
import type { HubSpotUser, OktaCandidate } from '../../../src/sync/types';
import { NOW, planInput, rules } from './fixtures';

function demoInput() {
  const groupsAssigned = new Set(demoCompany.groups.filter((g) => g.assignedToApp).map((g) => g.key));
  const candidates: OktaCandidate[] = demoCompany.people.map((p, i) => {
    const assigned = p.assignment === 'direct' || (p.assignment !== null && groupsAssigned.has(p.assignment.group));
    return {
      oktaUserId: `00u${p.key}`,
      login: p.login,
      email: p.email,
      firstName: p.firstName,
      lastName: p.lastName,
      title: p.title,
      status: p.status,
      assigned,
      assignedVia: assigned ? (p.assignment === 'direct' ? 'USER' : 'GROUP') : null,
      assignedAt: assigned ? new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() : null,
    };
  });
  const roleByName = new Map(demoCompany.hubspot.roles.map((r) => [r.name, r.id]));
  const hubspotUsers: HubSpotUser[] = demoCompany.hubspot.users.map((u, i) => {
    const roleId = u.roleName ? roleByName.get(u.roleName) : undefined;
    return { id: String(1000001 + i), email: u.email, firstName: u.firstName, lastName: u.lastName, roleId, roleIds: roleId ? [roleId] : [], secondaryTeamIds: [], superAdmin: u.superAdmin ?? false };
  });
  return planInput({ candidates, hubspotUsers, roles: demoCompany.hubspot.roles, now: NOW, rules: rules({ emailDomains: ['acme.example'] }) });
}

describe('the demo company, first run', () => {
  const plan = planSync(demoInput());

  it('creates every active assigned person once, adopts the existing user and leaves the rest alone', () => {
    expect(plan.summary).toMatchObject({ adopt: 1, update: 0, delete: 0 });
    const adopted = plan.actions.find((a) => a.kind === 'adopt');
    expect(adopted?.email).toBe('grace.hopper@acme.example');
    expect(adopted?.desired?.roleName).toBe('Sales Rep');
    const created = plan.actions.filter((a) => a.kind === 'create').map((a) => a.email);
    expect(new Set(created).size).toBe(created.length);
    expect(created).toContain('brian.kernighan@acme.example');
    expect(created).not.toContain('claude.shannon@acme.example');
    expect(created).not.toContain('linus.torvalds@acme.example');
    expect(created).not.toContain('charles.babbage@acme.example');
  });

  it('maps loose Titles, reports unmapped ones and skips the other domain', () => {
    const alan = plan.actions.find((a) => a.email === 'alan.turing@acme.example');
    expect(alan?.desired?.roleName).toBe('Sales Rep');
    const katherine = plan.actions.find((a) => a.email === 'katherine.johnson@acme.example');
    expect(katherine?.desired?.roleName).toBe('Sales Rep');
    expect(plan.unmappedTitles.map((t) => t.title)).toEqual(expect.arrayContaining(['Chief Happiness Officer', 'Account Executive', 'Intern']));
    expect(plan.actions.find((a) => a.email === 'pat@contractors.example')?.code).toBe('domain-not-allowed');
    expect(plan.actions.filter((a) => a.code === 'not-yet-active').map((a) => a.email).sort()).toEqual(['claude.shannon@acme.example', 'john.vonneumann@acme.example']);
  });

  it('reports the super admin and the agency user as hands-off', () => {
    expect(plan.actions.find((a) => a.email === 'owner@acme.example')?.code).toBe('super-admin');
    expect(plan.actions.find((a) => a.email === 'agency@partner.example')?.code).toBe('unmanaged');
  });

  it('renders a readable table', () => {
    const text = renderPlanTable(plan);
    expect(text).toMatch(/^Plan: \d+ create, 0 update, 0 delete, 1 adopt/);
    expect(text).toContain('Chief Happiness Officer');
    expect(text).toContain('grace.hopper@acme.example');
  });
});
