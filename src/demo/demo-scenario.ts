import type { HubSpotSimulator } from '../simulators/hubspot';
import type { OktaSimulator } from '../simulators/okta';

/** One change the demo makes, and what the daemon should do about it. */
export interface DemoStep {
  say: string;
  expect: string;
  run(okta: OktaSimulator, hubspot: HubSpotSimulator): void;
}

const DOMAIN = 'acme.example';

/** People unassigned together in the "reorganisation" step: enough for the deletion guard to hold. */
export const MASS_UNASSIGN_EMAILS = [
  'ken.thompson', 'dennis.ritchie', 'radia.perlman', 'shafi.goldwasser', 'leslie.lamport', 'sophie.wilson',
  'vint.cerf', 'bob.kahn', 'niklaus.wirth', 'jean.sammet', 'anita.borg', 'fran.bilas',
].map((name) => `${name}@${DOMAIN}`);

/**
 * The demo's story, one step every few seconds: a new hire, a promotion, a Title that matches no
 * role, a leaver, an edit made by hand in HubSpot (drift), a reorganisation that unassigns twelve
 * people at once (held by the deletion guard until approved), then a steady trickle of hires.
 */
export function demoSteps(): DemoStep[] {
  return [
    {
      say: 'New hire: Mae Jemison joins as "Sales Rep" and is assigned to HubSpot',
      expect: 'created in HubSpot with the Sales Rep role (a paid seat)',
      run: (okta) => {
        okta.admin.createUser({ login: `mae.jemison@${DOMAIN}`, email: `mae.jemison@${DOMAIN}`, firstName: 'Mae', lastName: 'Jemison', title: 'Sales Rep', status: 'ACTIVE', assign: true });
      },
    },
    {
      say: 'Promotion: Grace Hopper becomes "Sales Manager"',
      expect: 'role changed to Sales Manager',
      run: (okta) => {
        okta.admin.updateProfile(`grace.hopper@${DOMAIN}`, { title: 'Sales Manager' });
      },
    },
    {
      say: 'Promotion: Joan Clarke becomes "Sales Manager" too (the budget allows 3 Sales Manager seats)',
      expect: 'waits for a Sales Manager seat: provisioned without the paid role, listed as waiting',
      run: (okta) => {
        okta.admin.updateProfile(`joan.clarke@${DOMAIN}`, { title: 'Sales Manager' });
      },
    },
    {
      say: 'Title change: Ken Thompson becomes "Growth Hacker", which matches no HubSpot role',
      expect: 'role removed (minimal permissions), listed under unmapped titles',
      run: (okta) => {
        okta.admin.updateProfile(`ken.thompson@${DOMAIN}`, { title: 'Growth Hacker' });
      },
    },
    {
      say: 'Leaver: Alan Turing is deactivated in Okta',
      expect: 'deleted from HubSpot',
      run: (okta) => {
        okta.admin.deactivate(`alan.turing@${DOMAIN}`);
      },
    },
    {
      say: 'Drift: someone gives Ada Lovelace the "Admin" role by hand in HubSpot',
      expect: 'put back to Sales Manager by the next reconciliation (Okta wins)',
      run: (_okta, hubspot) => {
        hubspot.admin.updateUser(`ada.lovelace@${DOMAIN}`, { roleName: 'Admin' });
      },
    },
    {
      say: `Reorganisation: ${MASS_UNASSIGN_EMAILS.length} people are unassigned from HubSpot at once`,
      expect: 'deletions held by the guard; approve them on the status page or with `reconcile --approve`',
      run: (okta) => {
        for (const email of MASS_UNASSIGN_EMAILS) {
          okta.admin.unassign(email);
        }
      },
    },
  ];
}

const HIRE_TITLES = ['Sales Rep', 'Marketing Viewer', 'Service Agent', 'Support Viewer', 'Solutions Architect'];

/** After the story: one more hire per step, so the dashboard keeps moving. */
export function hireStep(n: number): DemoStep {
  const title = HIRE_TITLES[n % HIRE_TITLES.length] ?? 'Sales Rep';
  const login = `hire${String(n).padStart(3, '0')}@${DOMAIN}`;
  return {
    say: `New hire: hire${String(n).padStart(3, '0')} joins as "${title}"`,
    expect: title === 'Solutions Architect' ? 'created with no role (unmapped title)' : `created with the ${title} role`,
    run: (okta) => {
      okta.admin.createUser({ login, email: login, firstName: 'New', lastName: `Hire ${n}`, title, status: 'ACTIVE', assign: true });
    },
  };
}
