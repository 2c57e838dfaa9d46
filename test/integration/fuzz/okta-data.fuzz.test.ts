import fc from 'fast-check';
import type { Daemon } from '../../../src/daemon/daemon';
import type { AdminUser } from '../../../simulators/okta';
import { generatedSeed } from '../../../simulators/seeds/generated';
import type { PlanAction } from '../../../src/sync/types';
import { roleIdForTitle } from '../../soak/expected-state';
import { eventually, startPipelineRig, type PipelineRig } from '../pipeline/pipeline-rig';

/**
 * Bad and strange Okta data through the whole daemon (simulated Okta → reconciliation and System
 * Log events → simulated HubSpot): missing, invalid, very long, mixed-case and unicode emails;
 * names and Titles with control, zero-width and right-to-left characters, 10,000 characters,
 * emoji; null profile fields; duplicate emails, also differing only by case; logins that differ
 * only by case. Every value is listed with what must happen to it, so the checks never ask the
 * planner what it thinks. Okta refuses logins that differ only by case (so does the simulator):
 * the test sets one in the simulator's store directly, as an org migrated from elsewhere might
 * hold.
 */

type Field = 'email' | 'firstName' | 'lastName' | 'title';

/** A value for one field and whether the daemon must refuse the user because of it. */
interface Case {
  value: (i: number) => string | null;
  bad: boolean;
  note: string;
}

const ok = (note: string, value: (i: number) => string | null): Case => ({ value, bad: false, note });
const bad = (note: string, value: (i: number) => string | null): Case => ({ value, bad: true, note });

const EMAILS: Case[] = [
  ok('plain', (i) => `fz${i}@acme.example`),
  ok('mixed case', (i) => `Fz${i}.Mixed.CASE@Acme.Example`),
  ok('unicode local part', (i) => `zoë.ü${i}@acme.example`),
  ok('plus and apostrophe', (i) => `o'brien+fz${i}@acme.example`),
  ok('surrounded by spaces', (i) => `  fz${i}.spaced@acme.example  `),
  bad('missing (null)', () => null),
  bad('empty', () => ''),
  bad('no @', (i) => `fz${i}.acme.example`),
  bad('two @', (i) => `fz${i}@@acme.example`),
  bad('space inside', (i) => `fz ${i}@acme.example`),
  bad('no dot in the domain', (i) => `fz${i}@localhost`),
  bad('local part over 64', (i) => `${'l'.repeat(70)}${i}@acme.example`),
  bad('over 254 characters', (i) => `fz${i}@${'d'.repeat(250)}.example`),
  bad('control character', (i) => `fz${i}\u0007@acme.example`),
  bad('zero-width space', (i) => `fz${i}\u200b@acme.example`),
  bad('right-to-left override', (i) => `fz${i}\u202e@acme.example`),
];

const NAMES: Case[] = [
  ok('plain', () => 'Ada'),
  ok('null', () => null),
  ok('accents', () => 'Zoë'),
  ok('CJK', () => '李'),
  ok('Arabic (right-to-left script)', () => 'مريم'),
  ok('emoji with joiner', () => '👩‍💻'),
  ok('apostrophe', () => "O'Brien"),
  ok('padded', () => '  Padded  '),
  ok('100 characters', () => 'n'.repeat(100)),
  bad('10,000 characters', () => 'n'.repeat(10_000)),
  bad('101 characters', () => 'n'.repeat(101)),
  bad('NUL', () => 'A\u0000B'),
  bad('newline', () => 'Line\nBreak'),
  bad('tab', () => 'Tab\tName'),
  bad('zero-width space', () => 'Zero\u200bWidth'),
  bad('right-to-left override', () => 'Evil\u202eName'),
  bad('directional isolate', () => '\u2066Iso\u2069'),
  bad('lone zero-width joiner', () => 'Lone\u200d'),
];

const TITLES: Case[] = [
  ok('null', () => null),
  ok('empty', () => ''),
  ok('exact role', () => 'Sales Rep'),
  ok('loose role', () => '  sales   REP '),
  ok('emoji (no role)', () => 'Sales Rep 🚀'),
  ok('Arabic (no role)', () => 'مدير المبيعات'),
  ok('256 characters', () => 't'.repeat(256)),
  bad('10,000 characters', () => 't'.repeat(10_000)),
  bad('257 characters', () => 't'.repeat(257)),
  bad('NUL', () => 'Sales\u0000Rep'),
  bad('zero-width space', () => 'Sales\u200bRep'),
  bad('right-to-left override', () => '\u202eSales Rep'),
  bad('newline', () => 'Sales\nRep'),
];

const FIELDS: Field[] = ['email', 'firstName', 'lastName', 'title'];
const CASES: Record<Field, Case[]> = { email: EMAILS, firstName: NAMES, lastName: NAMES, title: TITLES };

/** One fuzzed Okta user: which case each field took, and the first field the daemon must refuse. */
interface FuzzUser {
  login: string;
  picks: Record<Field, number>;
  values: Record<Field, string | null>;
  badField: Field | null;
  /** Set for users that share an email on purpose (none of them is provisioned). */
  duplicate: boolean;
  id: string;
}

let rig: PipelineRig;
let daemon: Daemon;
const users: FuzzUser[] = [];
let actions: PlanAction[] = [];

function describe(u: FuzzUser): string {
  return FIELDS.map((f) => `${f}: ${CASES[f][u.picks[f]]?.note}`).join(', ');
}

function addUser(picks: Record<Field, number>, i: number, override: Partial<Record<Field, string | null>> = {}, duplicate = false): FuzzUser {
  const values = Object.fromEntries(FIELDS.map((f) => [f, f in override ? (override[f] ?? null) : (CASES[f][picks[f]]?.value(i) ?? null)])) as Record<Field, string | null>;
  const badField = FIELDS.find((f) => !(f in override) && CASES[f][picks[f]]?.bad) ?? null;
  const login = `fuzz.${i}@login.example`;
  const created: AdminUser = rig.okta.sim.admin.createUser({ login, email: values.email, firstName: values.firstName, lastName: values.lastName, title: values.title, assign: true });
  const u: FuzzUser = { login, picks, values, badField, duplicate, id: created.id };
  users.push(u);
  return u;
}

beforeAll(async () => {
  rig = await startPipelineRig({ seed: generatedSeed(20) });
  let i = 0;
  const plain: Record<Field, number> = { email: 0, firstName: 0, lastName: 0, title: 2 };
  // Every case at least once, the other fields plain.
  for (const f of FIELDS) {
    CASES[f].forEach((_c, k) => addUser({ ...plain, [f]: k }, ++i));
  }
  // Random combinations (fast-check, fixed seed so a failure repeats).
  const combo = fc.record({
    email: fc.nat({ max: EMAILS.length - 1 }),
    firstName: fc.nat({ max: NAMES.length - 1 }),
    lastName: fc.nat({ max: NAMES.length - 1 }),
    title: fc.nat({ max: TITLES.length - 1 }),
  });
  for (const picks of fc.sample(combo, { seed: 20261128, numRuns: 30 })) {
    addUser(picks, ++i);
  }
  // Duplicate emails: two users whose emails differ only by case, and two with the same email
  // where one has a bad name (its email still counts: neither is provisioned).
  addUser(plain, ++i, { email: 'Dup.Case@acme.example' }, true);
  addUser(plain, ++i, { email: 'dup.case@ACME.example' }, true);
  addUser({ ...plain, firstName: NAMES.findIndex((c) => c.note === 'NUL') }, ++i, { email: 'dup.bad@acme.example' }, true);
  addUser(plain, ++i, { email: 'dup.bad@acme.example' }, true);
  // Two users whose logins differ only by case (and whose emails differ): two HubSpot users.
  const twinA = addUser(plain, ++i, { email: 'twin.a@acme.example' });
  const twinB = addUser(plain, ++i, { email: 'twin.b@acme.example' });
  twinA.login = 'Twin.Login@login.example';
  twinB.login = 'twin.login@LOGIN.example';
  for (const t of [twinA, twinB]) {
    const stored = rig.okta.sim.store.users.get(t.id);
    if (!stored) throw new Error(`user ${t.id} missing from the simulator`);
    stored.profile.login = t.login;
  }

  daemon = rig.daemon({ roles: { workers: true, poller: true } });
  await daemon.start();
  const record = await daemon.jobs.reconcileNow('manual');
  actions = record.plan.actions;
}, 120_000);

afterAll(async () => {
  await rig.stop();
});

const hs = (email: string) => rig.hubspot.sim.admin.user(email.trim());

it('provisions every user whose data is valid, however strange, with the role the Title names', () => {
  const roles = rig.hubspot.sim.admin.roles();
  const wrong: string[] = [];
  const good = users.filter((x) => x.badField === null && !x.duplicate);
  expect(good.length).toBeGreaterThan(30);
  for (const u of good) {
    const got = hs(u.values.email ?? '');
    const trim = (v: string | null) => (v === null || v.trim() === '' ? undefined : v.trim());
    const want = { email: (u.values.email ?? '').trim().toLowerCase(), firstName: trim(u.values.firstName), lastName: trim(u.values.lastName), role: roleIdForTitle(u.values.title, roles) };
    const have = got && { email: got.email.toLowerCase(), firstName: got.firstName, lastName: got.lastName, role: got.roleIds[0] ?? null };
    if (JSON.stringify(have) !== JSON.stringify(want)) {
      wrong.push(`${describe(u)} → ${JSON.stringify(have)} (want ${JSON.stringify(want)})`);
    }
  }
  expect(wrong).toEqual([]);
  for (const g of rig.okta.sim.admin.listAssigned().filter((x) => x.login.startsWith('user'))) {
    expect(hs(g.login)).not.toBeNull();
  }
});

it('skips every user with bad data, with a reason that names the user and the field', () => {
  const wrong: string[] = [];
  const refused = users.filter((x) => x.badField !== null);
  expect(new Set(refused.map((u) => u.badField))).toEqual(new Set(FIELDS));
  expect(refused.length).toBeGreaterThan(40);
  for (const u of refused) {
    const skip = actions.find((a) => a.oktaUserId === u.id && a.kind === 'skip');
    const reasonOk = skip?.code === 'bad-data' && skip.reason.includes(u.login) && skip.reason.includes(u.id) && skip.reason.includes(u.badField ?? '');
    const email = u.values.email?.trim();
    const created = rig.hubspot.sim.writes().some((w) => w.method === 'POST' && w.email !== null && email !== undefined && w.email.toLowerCase() === email.toLowerCase());
    if (!reasonOk || created) {
      wrong.push(`${describe(u)}: ${skip ? `${skip.code}: ${skip.reason.slice(0, 200)}` : 'no skip'}${created ? ' (and it was created)' : ''}`);
    }
  }
  expect(wrong).toEqual([]);
});

it('provisions none of the users who share an email, even when the emails differ only by case', () => {
  for (const u of users.filter((x) => x.duplicate)) {
    const skip = actions.find((a) => a.oktaUserId === u.id && a.kind === 'skip');
    expect([u.values.email, skip?.code]).toEqual([u.values.email, u.badField ? 'bad-data' : 'duplicate-email']);
    expect(hs(u.values.email ?? '')).toBeNull();
  }
});

it('provisions two users whose logins differ only by case as two users, each under its own email', () => {
  const twins = users.filter((u) => u.login.toLowerCase() === 'twin.login@login.example');
  expect(twins).toHaveLength(2);
  const ids = twins.map((t) => hs(t.values.email ?? '')?.id);
  expect(ids.every((id) => id !== undefined)).toBe(true);
  expect(new Set(ids).size).toBe(2);
});

it('keeps running through it all: no failed job, no deletion, every plan action named', async () => {
  expect(daemon.isReady()).toBe(true);
  expect(await daemon.queues.queue('sync-user').getFailed()).toEqual([]);
  expect(rig.hubspot.sim.writes().filter((w) => w.method === 'DELETE')).toEqual([]);
  for (const a of actions.filter((x) => x.kind === 'skip' && x.oktaUserId !== null)) {
    expect(a.reason).toContain(a.oktaUserId ?? '');
  }
});

it('through System Log events: a managed user who gets bad data is left as is, a fixed user is provisioned, nothing is deleted', async () => {
  const managed = users.find((u) => u.badField === null && !u.duplicate && u.values.email !== null && hs(u.values.email) !== null);
  const broken = users.find((u) => u.badField === 'email');
  if (!managed || !broken) {
    throw new Error('the fuzz population lacks a managed user or a user with a bad email');
  }
  // Changes made before the first poll would reach the daemon through the reconciliation that a
  // missing cursor asks for; these must come as events.
  await eventually(async () => (await daemon.state.cursor.get()) !== null, 'the first System Log poll');
  const before = hs(managed.values.email ?? '');
  rig.hubspot.sim.clearLog();
  rig.okta.sim.admin.updateProfile(managed.id, { title: `\u202e${'t'.repeat(10_000)}`, firstName: null });
  const fixed = `fixed.${broken.id.toLowerCase()}@acme.example`;
  rig.okta.sim.admin.updateProfile(broken.id, { email: fixed });
  await eventually(() => hs(fixed) !== null, 'the fixed user provisioned from its event');
  await eventually(
    async () => (await daemon.state.audit.recent(200)).some((e) => e.oktaUserId === managed.id && e.outcome === 'reported' && e.reason.includes('title')),
    'the bad Title reported for the managed user',
  );
  expect(hs(managed.values.email ?? '')).toEqual(before);
  expect(rig.hubspot.sim.writesTo(managed.values.email ?? '')).toEqual([]);
  expect(rig.hubspot.sim.writes().filter((w) => w.method === 'DELETE')).toEqual([]);
});
