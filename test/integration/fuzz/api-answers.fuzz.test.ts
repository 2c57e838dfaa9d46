import type { Daemon } from '../../../src/daemon/daemon';
import type { BadAnswerKind as HubSpotBad } from '../../../simulators/hubspot';
import type { BadAnswerKind as OktaBad } from '../../../simulators/okta';
import { generatedSeed } from '../../../simulators/seeds/generated';
import { rawGet } from '../../helpers/okta-sim';
import { eventually, FAST_DAEMON, startPipelineRig, type PipelineRig } from '../pipeline/pipeline-rig';

/**
 * Bad answers from both APIs while the daemon reconciles and follows events: malformed JSON,
 * HTML pages with status 200, empty and truncated bodies, dropped connections, missing, unknown
 * and wrongly typed fields, answers too slow for the timeout, next links and paging cursors that
 * loop. Whatever the answer, the daemon keeps running, retries with a reason that names the
 * API call, converges once the answers are good again, and never deletes anyone because a
 * listing failed or came back partial.
 */

const USERS = 60;
const OKTA_LIST = 'GET /api/v1/apps/{appId}/users';
const OKTA_USERS = 'GET /api/v1/users';
const HUBSPOT_LIST = { method: 'GET', route: '/settings/v3/users' };
const TIMEOUT_MS = 1_500;

let rig: PipelineRig;
let daemon: Daemon;
let emails: string[];

function deletions() {
  return rig.hubspot.sim.writes().filter((w) => w.method === 'DELETE');
}

/** Every managed user still in HubSpot, once, with the role their Title names. */
function expectAllThere(): void {
  const users = rig.hubspot.sim.admin.users();
  expect(users.map((u) => u.email).sort()).toEqual(emails);
}

/** The failed attempts of the newest reconciliation job: the first line of each error. */
/** Errors the newest reconciliation met: its retries' errors, or the outage its error opened (truncated answers, timeouts and dropped connections pause work instead of using attempts). */
async function reconcileErrors(): Promise<string[]> {
  const jobs = await daemon.queues.queue('reconcile').getJobs(['completed', 'failed']);
  const newest = jobs.sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))[0];
  const started = newest?.timestamp ?? 0;
  const outages = (await daemon.state.status.getOutages()).filter((o) => Date.parse(o.since) >= started).map((o) => o.reason);
  return [...(newest?.stacktrace ?? []).map((s) => s.split('\n')[0] ?? ''), ...outages];
}

beforeAll(async () => {
  rig = await startPipelineRig({
    seed: generatedSeed(USERS),
    daemon: {
      okta: { ...FAST_DAEMON.okta, pageSize: 25, timeoutMs: TIMEOUT_MS },
      hubspot: { ...FAST_DAEMON.hubspot, pageSize: 25, timeoutMs: TIMEOUT_MS },
    },
  });
  rig.hubspot.sim.faults.slowMs = TIMEOUT_MS * 2;
  daemon = rig.daemon({ roles: { workers: true, poller: true } });
  await daemon.start();
  // The first poll finds no cursor and queues a reconciliation of its own: let it finish, so no
  // background reconciliation takes a fault meant for a test's own.
  await eventually(async () => (await daemon.state.plans.list(10)).some((p) => p.trigger === 'cursor-lost' && p.status !== 'applying'), "the first poll's reconciliation", 60_000);
  await daemon.jobs.reconcileNow('manual');
  emails = rig.hubspot.sim.admin
    .users()
    .map((u) => u.email)
    .sort();
  expect(emails).toHaveLength(USERS);
}, 60_000);

afterEach(() => {
  rig.okta.sim.faults.reset();
  rig.hubspot.sim.faults.reset();
  rig.hubspot.sim.faults.slowMs = TIMEOUT_MS * 2;
});

afterAll(async () => {
  await rig.stop();
});

describe('a reconciliation reading bad answers retries, names the call, and deletes no one', () => {
  const okta: Array<[OktaBad, number, RegExp | null]> = [
    ['malformed-json', 1, /Okta listAssignedUsers/],
    ['html-200', 1, /Okta listAssignedUsers/],
    ['truncated', 1, /Okta listAssignedUsers/],
    ['empty-200', 1, /Okta listAssignedUsers/],
    ['drop-connection', 1, /Okta listAssignedUsers/],
    ['wrong-shape', 1, /Okta listAssignedUsers.*page 1 failed/],
    ['loop-link', 1, /Okta listAssignedUsers.*page already read/],
    ['strip-embedded', 3, null],
    ['unknown-fields', 3, null],
  ];
  it.each(okta)('Okta app users answer %s (%i page(s))', async (kind, times, reason) => {
    rig.hubspot.sim.clearLog();
    rig.okta.sim.faults.badAnswerNext(kind, { route: OKTA_LIST, times });
    const record = await daemon.jobs.reconcileNow('manual');
    expect(record.outcome?.failures).toEqual([]);
    const errors = await reconcileErrors();
    if (reason) {
      expect(errors[0]).toMatch(reason);
    } else {
      expect(errors).toEqual([]);
    }
    expect(deletions()).toEqual([]);
    expect(record.summary.delete).toBe(0);
    expectAllThere();
  });

  it('a page without embedded users whose bulk lookup leaves one out: that user does not count as gone', async () => {
    rig.hubspot.sim.clearLog();
    const page = rig.okta.sim.admin.listAssigned().slice(0, 25);
    const answers = await Promise.all(page.slice(1).map((u) => rawGet(rig.okta, `/api/v1/users/${u.id}`)));
    rig.okta.sim.faults.badAnswerNext('strip-embedded', { route: OKTA_LIST });
    rig.okta.sim.faults.failNext(200, { route: OKTA_USERS, body: answers.map((a) => a.body) });
    const record = await daemon.jobs.reconcileNow('manual');
    expect(rig.okta.sim.faults.pending()).toBe(0);
    expect([record.summary.delete, record.summary.held]).toEqual([0, 0]);
    expect(deletions()).toEqual([]);
    expectAllThere();
  });

  it.each<[OktaBad, string]>([
    ['missing-fields', 'email is missing'],
    ['wrong-types', 'status UNKNOWN is not named in rules.scope.statuses'],
  ])('Okta app users answer %s: the user is reported and left as is, not deleted', async (kind, why) => {
    rig.hubspot.sim.clearLog();
    rig.okta.sim.faults.badAnswerNext(kind, { route: OKTA_LIST });
    const record = await daemon.jobs.reconcileNow('manual');
    const first = rig.okta.sim.admin.listAssigned()[0];
    const skip = record.plan.actions.find((a) => a.oktaUserId === first?.id);
    expect(skip?.kind).toBe('skip');
    expect(skip?.reason).toContain(first?.id ?? '?');
    expect(skip?.reason).toContain(why);
    expect(rig.hubspot.sim.writes()).toEqual([]);
    expectAllThere();
  });

  it('an Okta answer slower than the timeout is retried', async () => {
    rig.hubspot.sim.clearLog();
    rig.okta.sim.clearRequests();
    rig.okta.sim.faults.set({ latencyMs: TIMEOUT_MS * 2, route: OKTA_LIST });
    const reconciled = daemon.jobs.reconcileNow('manual');
    // Heal once the client has given up on a slow page (the simulator logs status 0 for it).
    await eventually(() => rig.okta.sim.requests.some((r) => r.route === '/api/v1/apps/{appId}/users' && r.status === 0), 'a listing the client gave up on');
    rig.okta.sim.faults.reset();
    const record = await reconciled;
    expect((await reconcileErrors())[0]).toMatch(/Okta listAssignedUsers.*(timed out|timeout)/i);
    expect(record.summary.delete).toBe(0);
    expect(deletions()).toEqual([]);
    expectAllThere();
  });

  const hubspot: Array<[HubSpotBad, number, RegExp | null]> = [
    ['malformed-json', 1, /HubSpot listUsers/],
    ['html-200', 1, /HubSpot listUsers/],
    ['truncated', 1, /HubSpot listUsers/],
    ['missing-fields', 1, /HubSpot listUsers/],
    ['wrong-types', 1, /HubSpot listUsers/],
    ['loop-paging', 2, /HubSpot listUsers.*repeated/],
    ['slow', 1, /HubSpot listUsers: no answer within 1500 ms/],
    ['unknown-fields', 3, null],
  ];
  it.each(hubspot)('HubSpot users answer %s (%i page(s))', async (kind, times, reason) => {
    rig.hubspot.sim.clearLog();
    rig.hubspot.sim.faults.badAnswerNext(kind, times, HUBSPOT_LIST);
    const record = await daemon.jobs.reconcileNow('manual');
    expect(record.outcome?.failures).toEqual([]);
    const errors = await reconcileErrors();
    if (reason) {
      expect(errors[0]).toMatch(reason);
    } else {
      expect(errors).toEqual([]);
    }
    expect(record.summary.create + record.summary.delete + record.summary.adopt).toBe(0);
    expect(deletions()).toEqual([]);
    expectAllThere();
  });
});

describe('per-user jobs reading bad answers', () => {
  it('a create whose answer is lost (truncated, then too slow) still makes one user, linked once', async () => {
    const hires = ['bad.answer.one@acme.example', 'bad.answer.two@acme.example'];
    rig.hubspot.sim.faults.badAnswerNext('truncated', 1, { method: 'POST', route: '/settings/v3/users' });
    rig.hubspot.sim.faults.badAnswerNext('slow', 1, { method: 'POST', route: '/settings/v3/users' });
    for (const email of hires) {
      rig.okta.sim.admin.createUser({ login: email, email, firstName: 'Bad', lastName: 'Answer', title: 'Sales Rep', assign: true });
    }
    for (const email of hires) {
      await eventually(async () => (await daemon.state.ledger.getByEmail(email)) !== null, `${email} linked in the ledger`);
      expect(rig.hubspot.sim.admin.users().filter((u) => u.email === email)).toHaveLength(1);
    }
    emails = [...emails, ...hires].sort();
    expectAllThere();
  });

  it.each<[OktaBad, string]>([
    ['malformed-json', 'GET /api/v1/users/{userId}'],
    ['html-200', 'GET /api/v1/users/{userId}'],
    ['wrong-shape', 'GET /api/v1/apps/{appId}/users/{userId}'],
    ['empty-200', 'GET /api/v1/apps/{appId}/users/{userId}'],
  ])('Okta answers %s on %s: the Title change still lands, nobody is deleted', async (kind, route) => {
    const user = rig.okta.sim.admin.listAssigned().find((u) => u.profile.title !== 'Support Viewer');
    if (!user) throw new Error('no user to change');
    rig.hubspot.sim.clearLog();
    rig.okta.sim.faults.badAnswerNext(kind, { route, times: 2 });
    rig.okta.sim.admin.updateProfile(user.id, { title: 'Support Viewer' });
    await eventually(() => rig.hubspot.sim.admin.user(user.login)?.roleIds[0] === '2006', 'the new role in HubSpot');
    expect(deletions()).toEqual([]);
    expectAllThere();
  });

  it.each<[HubSpotBad, string]>([
    ['missing-fields', '/settings/v3/users/{userId}'],
    ['wrong-types', '/settings/v3/users/{userId}'],
    ['html-200', '/settings/v3/users/{userId}'],
  ])('HubSpot answers %s on GET %s: the Title change still lands, nobody is deleted', async (kind, route) => {
    const user = rig.okta.sim.admin.listAssigned().find((u) => u.profile.title !== 'Marketing Viewer');
    if (!user) throw new Error('no user to change');
    rig.hubspot.sim.clearLog();
    rig.hubspot.sim.faults.badAnswerNext(kind, 2, { method: 'GET', route });
    rig.okta.sim.admin.updateProfile(user.id, { title: 'Marketing Viewer' });
    await eventually(() => rig.hubspot.sim.admin.user(user.login)?.roleIds[0] === '2004', 'the new role in HubSpot');
    expect(deletions()).toEqual([]);
    expectAllThere();
  });

  it('a System Log page that loops, or is not JSON, loses no event', async () => {
    const [a, b] = rig.okta.sim.admin.listAssigned().filter((u) => u.profile.title !== 'Service Agent');
    if (!a || !b) throw new Error('no users to change');
    rig.okta.sim.faults.badAnswerNext('loop-link', { route: 'GET /api/v1/logs' });
    rig.okta.sim.faults.badAnswerNext('malformed-json', { route: 'GET /api/v1/logs' });
    rig.okta.sim.admin.updateProfile(a.id, { title: 'Service Agent' });
    rig.okta.sim.admin.updateProfile(b.id, { title: 'Service Agent' });
    for (const u of [a, b]) {
      await eventually(() => rig.hubspot.sim.admin.user(u.login)?.roleIds[0] === '2005', `${u.login} changed from its event`);
    }
    expect(rig.okta.sim.faults.pending()).toBe(0);
    expect(daemon.isReady()).toBe(true);
  });
});
