import type { HubSpotSimulator } from '../hubspot';
import type { OktaSimulator } from '../okta';

/** What a step may do besides changing Okta and HubSpot: what an operator would do. */
export interface DemoControls {
  /** Retries the failed sync jobs whose reason names `email`, as the Retry button on the status page does. */
  retryFailedSyncs(email: string): void;
}

/** One change the demo makes, and what the daemon should do about it. */
export interface DemoStep {
  say: string;
  expect: string;
  run(okta: OktaSimulator, hubspot: HubSpotSimulator, controls: DemoControls): void;
}

const DOMAIN = 'acme.example';

/** The new hire whose first sync fails (HubSpot refuses the create once) and is fixed later in the story. */
export const FAILING_HIRE_EMAIL = `gladys.west@${DOMAIN}`;

/** People unassigned together in the "reorganisation" step: enough for the deletion guard to hold. */
export const MASS_UNASSIGN_EMAILS = [
  'ken.thompson', 'dennis.ritchie', 'radia.perlman', 'shafi.goldwasser', 'leslie.lamport', 'sophie.wilson',
  'vint.cerf', 'bob.kahn', 'niklaus.wirth', 'jean.sammet', 'anita.borg', 'fran.bilas',
].map((name) => `${name}@${DOMAIN}`);

/**
 * The demo's story, one step every few seconds: a new hire, a hire whose sync fails (fixed later
 * by a retry), a promotion, a Title that matches no role, a leaver, an edit made by hand in
 * HubSpot (drift), a reorganisation that unassigns twelve people at once (held by the deletion
 * guard until approved), then a steady trickle of hires.
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
      say: 'New hire: Gladys West joins as "Service Agent", but HubSpot refuses to create her user (the demo makes its HubSpot answer 400 VALIDATION_ERROR once)',
      expect: `her sync fails for good with HubSpot's reason: the status page's Failed jobs and the audit trail name ${FAILING_HIRE_EMAIL}`,
      run: (okta, hubspot) => {
        okta.admin.createUser({ login: FAILING_HIRE_EMAIL, email: FAILING_HIRE_EMAIL, firstName: 'Gladys', lastName: 'West', title: 'Service Agent', status: 'ACTIVE', assign: true });
        hubspot.faults.failNext(
          { status: 400, body: { status: 'error', category: 'VALIDATION_ERROR', message: 'Property values were not valid (a one-time fault the demo sets for this user)' } },
          { method: 'POST', email: FAILING_HIRE_EMAIL },
        );
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
      say: "Fix: HubSpot's refusal is gone; the demo retries Gladys West's failed job, as the Retry button on the status page does",
      expect: 'created in HubSpot with the Service Agent role; the failed job leaves the list',
      run: (_okta, _hubspot, controls) => {
        controls.retryFailedSyncs(FAILING_HIRE_EMAIL);
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
