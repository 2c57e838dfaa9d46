import type { Seed, SeedPerson } from '../seeds/seed-types';
import type { OktaStore } from './okta-store';

/**
 * Builds the simulated org from a seed, as if it had been run for weeks: groups, people created
 * over time, their app assignments (direct, or through an assigned group) and later status
 * changes, all written to the System Log with past timestamps in time order, so a ledger rebuild
 * from history finds every assignment. Large seeds (over {@link QUIET_LIFECYCLE_ABOVE} people)
 * skip the create/activate events to save memory; assignment events are always written.
 */

const HOUR = 3600_000;
const DAY = 24 * HOUR;
export const QUIET_LIFECYCLE_ABOVE = 10_000;

type Op = { at: number; order: number; run: (at: number) => void };

/** Loads `seed` into an empty store; events are dated between 60 and about 5 days before `nowMs`. */
export function loadSeed(store: OktaStore, seed: Seed, nowMs: number): void {
  const base = nowMs - 60 * DAY;
  const quiet = seed.people.length > QUIET_LIFECYCLE_ABOVE;
  const groupIds = new Map<string, string>();
  seed.groups.forEach((g, i) => {
    const group = store.createGroup({ name: g.name, key: g.key }, base + i * 60_000);
    groupIds.set(g.key, group.id);
  });
  seed.groups.forEach((g, i) => {
    if (g.assignedToApp) {
      store.assignGroup(groupIds.get(g.key) ?? g.name, base + HOUR + i * 60_000, i, g.appProfile);
    }
  });

  const ops: Op[] = [];
  let order = 0;
  const spread = seed.people.length > 0 ? Math.min(HOUR, (50 * DAY) / seed.people.length) : HOUR;
  seed.people.forEach((p, i) => {
    const created = base + 2 * HOUR + Math.floor(i * spread);
    const later = p.status === 'SUSPENDED' || p.status === 'DEPROVISIONED';
    let userId = '';
    ops.push({
      at: created,
      order: order++,
      run: (at) => {
        userId = store.createUser(toNewUser(p, later ? 'ACTIVE' : p.status), at, quiet).id;
      },
    });
    const assignment = p.assignment;
    if (assignment === 'direct') {
      ops.push({ at: created + HOUR, order: order++, run: (at) => void store.assign(userId, at, p.appProfile) });
    } else if (assignment !== null) {
      const groupId = groupIds.get(assignment.group);
      if (groupId === undefined) {
        throw new Error(`seed ${seed.name}: person ${p.key} is in unknown group "${assignment.group}"`);
      }
      ops.push({ at: created + HOUR, order: order++, run: (at) => store.addToGroup(userId, groupId, at) });
    }
    if (p.status === 'SUSPENDED') {
      ops.push({ at: created + 2 * DAY, order: order++, run: (at) => void store.suspend(userId, at) });
    } else if (p.status === 'DEPROVISIONED') {
      ops.push({ at: created + 3 * DAY, order: order++, run: (at) => void store.deactivate(userId, at) });
    }
  });
  ops.sort((a, b) => a.at - b.at || a.order - b.order);
  for (const op of ops) {
    op.run(op.at);
  }
}

function toNewUser(p: SeedPerson, status: SeedPerson['status']) {
  return {
    key: p.key,
    login: p.login,
    email: p.email,
    firstName: p.firstName,
    lastName: p.lastName,
    title: p.title,
    status,
    ...(p.department === undefined ? {} : { department: p.department }),
    ...(p.profile === undefined ? {} : { profile: p.profile }),
  };
}
