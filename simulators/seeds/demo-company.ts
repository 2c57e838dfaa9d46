import type { Seed, SeedPerson } from './seed-types';

/**
 * "Acme Robotics": about fifty people. Most titles match HubSpot roles (some only loosely, by case
 * or spacing), a few match none, one group carries the Sales team's assignment, and HubSpot
 * already holds a super admin, an agency user nobody in Okta knows, and an existing user to adopt.
 */
const DOMAIN = 'acme.example';

const roster: Array<[string, string, string | null, SeedPerson['status']?, SeedPerson['assignment']?]> = [
  ['Ada', 'Lovelace', 'Sales Manager'],
  ['Grace', 'Hopper', 'Sales Rep'],
  ['Alan', 'Turing', 'sales rep'],
  ['Katherine', 'Johnson', 'Sales  Rep'],
  ['Edsger', 'Dijkstra', 'Sales Rep', 'ACTIVE', { group: 'sales' }],
  ['Barbara', 'Liskov', 'Sales Rep', 'ACTIVE', { group: 'sales' }],
  ['Donald', 'Knuth', 'Sales Rep', 'ACTIVE', { group: 'sales' }],
  ['Margaret', 'Hamilton', 'Account Executive', 'ACTIVE', { group: 'sales' }],
  ['John', 'McCarthy', 'Sales Development Representative', 'ACTIVE', { group: 'sales' }],
  ['Frances', 'Allen', 'Marketing Manager'],
  ['Ken', 'Thompson', 'Marketing Viewer'],
  ['Dennis', 'Ritchie', 'Marketing Viewer'],
  ['Radia', 'Perlman', 'marketing viewer'],
  ['Tim', 'Berners-Lee', 'Content Strategist'],
  ['Shafi', 'Goldwasser', 'Service Agent'],
  ['Leslie', 'Lamport', 'Service Agent'],
  ['Sophie', 'Wilson', 'Service Agent'],
  ['Vint', 'Cerf', 'Support Viewer'],
  ['Bob', 'Kahn', 'Support Viewer'],
  ['Hedy', 'Lamarr', 'Chief Happiness Officer'],
  ['Niklaus', 'Wirth', 'Intern'],
  ['Jean', 'Sammet', 'Intern'],
  ['Adele', 'Goldberg', 'Sales Manager'],
  ['Guido', 'van Rossum', 'Sales Rep'],
  ['Bjarne', 'Stroustrup', 'Sales Rep'],
  ['Anita', 'Borg', 'Marketing Manager'],
  ['Fran', 'Bilas', 'Marketing Viewer'],
  ['Ruth', 'Teitelbaum', 'Service Agent'],
  ['Kathleen', 'Booth', 'Service Agent'],
  ['Carol', 'Shaw', 'Support Viewer'],
  ['Lynn', 'Conway', 'Sales Rep'],
  ['Mary', 'Kenneth Keller', 'Sales Rep'],
  ['Evelyn', 'Boyd Granville', 'Marketing Viewer'],
  ['Dorothy', 'Vaughan', 'Service Agent'],
  ['Annie', 'Easley', 'Support Viewer'],
  ['Joan', 'Clarke', 'Sales Rep'],
  ['Klara', 'Dan', 'Sales Rep'],
  ['Betty', 'Holberton', 'Marketing Viewer'],
  ['Marlyn', 'Wescoff', 'Service Agent'],
  ['Kay', 'McNulty', 'Support Viewer'],
  // Not in scope yet / out of scope / not assigned
  ['Claude', 'Shannon', 'Sales Rep', 'STAGED'],
  ['John', 'von Neumann', 'Sales Rep', 'PROVISIONED'],
  ['Charles', 'Babbage', 'Sales Rep', 'SUSPENDED'],
  ['Alonzo', 'Church', 'Marketing Viewer', 'DEPROVISIONED'],
  ['Linus', 'Torvalds', 'Engineer', 'ACTIVE', null],
  ['Richard', 'Stallman', 'Engineer', 'ACTIVE', null],
  ['Yukihiro', 'Matsumoto', 'Engineer', 'ACTIVE', null],
  ['Larry', 'Wall', null],
  ['Brian', 'Kernighan', 'Sales Rep', 'LOCKED_OUT'],
  ['Rob', 'Pike', 'Sales Rep', 'PASSWORD_EXPIRED'],
];

function emailOf(first: string, last: string): string {
  const clean = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^a-z]/g, '');
  return `${clean(first)}.${clean(last)}@${DOMAIN}`;
}

const people: SeedPerson[] = roster.map(([firstName, lastName, title, status = 'ACTIVE', assignment = 'direct'], i) => {
  const email = emailOf(firstName, lastName);
  return { key: `p${String(i + 1).padStart(3, '0')}`, firstName, lastName, email, login: email, title, status, assignment };
});

// A contractor on another domain, assigned directly: skipped by the domain rule when the rules limit domains.
people.push({
  key: 'p900',
  firstName: 'Pat',
  lastName: 'Contractor',
  email: 'pat@contractors.example',
  login: 'pat@contractors.example',
  title: 'Sales Rep',
  status: 'ACTIVE',
  assignment: 'direct',
});

/** The demo company used by `demo`, `simulate --seed demo` and the end-to-end tests. */
export const demoCompany: Seed = {
  name: 'demo',
  app: { id: '0oahubspotdemo0001', label: 'HubSpot' },
  groups: [
    { key: 'sales', name: 'Sales', assignedToApp: true },
    { key: 'engineering', name: 'Engineering', assignedToApp: false },
  ],
  people,
  hubspot: {
    roles: [
      { id: '2001', name: 'Sales Manager', requiresBillingWrite: true },
      { id: '2002', name: 'Sales Rep', requiresBillingWrite: true },
      { id: '2003', name: 'Marketing Manager', requiresBillingWrite: true },
      { id: '2004', name: 'Marketing Viewer', requiresBillingWrite: false },
      { id: '2005', name: 'Service Agent', requiresBillingWrite: true },
      { id: '2006', name: 'Support Viewer', requiresBillingWrite: false },
      { id: '2007', name: 'Admin', requiresBillingWrite: false },
    ],
    teams: [
      { id: '3001', name: 'Sales' },
      { id: '3002', name: 'Marketing' },
    ],
    users: [
      { email: `owner@${DOMAIN}`, firstName: 'Olive', lastName: 'Owner', superAdmin: true },
      { email: 'agency@partner.example', firstName: 'Agency', lastName: 'Partner', roleName: 'Marketing Viewer' },
      // Exists in HubSpot before the daemon runs; matches Grace Hopper by email (different case) → adopted.
      { email: `Grace.Hopper@${DOMAIN}`, firstName: 'Grace', lastName: 'Hopper' },
    ],
    seats: [
      { name: 'Core', description: 'Core seat', total: 40 },
      { name: 'Sales Hub Professional', description: 'Sales seat', total: 12 },
      { name: 'Service Hub Professional', description: 'Service seat', total: 8 },
    ],
  },
};
