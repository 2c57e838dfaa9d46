import type { Seed, SeedPerson } from './seed-types';
import { demoCompany } from './demo-company';

const TITLES = ['Sales Rep', 'Sales Manager', 'Marketing Manager', 'Marketing Viewer', 'Service Agent', 'Support Viewer', 'Intern', 'Engineer'];

/**
 * A generated population of `size` people for tests and benchmarks, deterministic for a given
 * size: all ACTIVE and directly assigned, titles cycling through the demo roles (and two titles
 * that match none), with the demo company's HubSpot roles and no existing HubSpot users.
 */
export function generatedSeed(size: number): Seed {
  const people: SeedPerson[] = [];
  for (let i = 0; i < size; i++) {
    const n = String(i + 1).padStart(6, '0');
    const email = `user${n}@acme.example`;
    people.push({
      key: `g${n}`,
      firstName: `User${n}`,
      lastName: 'Generated',
      email,
      login: email,
      title: TITLES[i % TITLES.length] ?? null,
      status: 'ACTIVE',
      assignment: 'direct',
    });
  }
  return {
    name: `generated-${size}`,
    app: demoCompany.app,
    groups: [],
    people,
    hubspot: { roles: demoCompany.hubspot.roles, teams: demoCompany.hubspot.teams, users: [], seats: [] },
  };
}

/** Resolves a seed name: `demo`, `empty`, or `generated-N` / a bare number N. */
export function seedByName(name: string): Seed {
  if (name === 'demo') {
    return demoCompany;
  }
  if (name === 'empty') {
    return { ...generatedSeed(0), name: 'empty' };
  }
  const m = /^(?:generated-)?(\d+)$/.exec(name);
  if (m) {
    return generatedSeed(Number(m[1]));
  }
  throw new Error(`unknown seed "${name}": use demo, empty, or generated-N (e.g. generated-1000)`);
}
