import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createDaemon, type Daemon, type DaemonRoles } from '../../src/daemon/daemon';
import { createLogger } from '../../src/lib/logger';
import type { PublicUserJson } from '../../simulators/hubspot';
import { generatedSeed } from '../../simulators/seeds/generated';
import { FAST_DAEMON, startPipelineRig, type PipelineRig } from '../integration/pipeline/pipeline-rig';
import { removeKeys } from '../helpers/redis';
import { compareState, expectedUsers, type HandsOffUser } from './expected-state';
import { createFaultSchedule, type FaultFigures, type OutageRecord, type ScheduledOutage } from './fault-schedule';
import { createOperatorBot } from './operator-bot';
import { createOktaChaos, type ChangeKind } from './okta-chaos';
import { createRandom } from './random';
import { findSecrets, type SecretLeak } from './secret-scan';
import { createWorkerPool, type WorkerCommand, type WorkerExit } from './worker-processes';

/**
 * A chaos soak: a generated Okta population on the simulators, two in-process replicas (one with
 * the ops server) and `worker` child processes, random Okta changes at a steady rate while
 * HubSpot answers 5xx, 429 bursts and latency spikes, HubSpot outages (every answer 503, then a
 * run of 401s), a child killed with SIGKILL every so often and started again, the Redis data lost
 * once, and a mass unassignment during a hiring burst. The deletion guard is on with its default
 * thresholds and an operator bot approves the holds through the ops API, except the one with the
 * mass unassignment, which stays held through a reconciliation after the growth and is approved
 * later. When the changes stop and one reconciliation has run, HubSpot must be exactly what Okta
 * and the rules call for, no held user may have been deleted before an approval, and no job may
 * have failed for good; every breach is listed. Shared by `npm run soak` (long) and the
 * integration test (short).
 */

/** A mass unassignment during account growth (see {@link SoakOptions.massUnassignment}). */
export interface MassUnassignmentOptions {
  /** When (from the start of the changes) the users are unassigned. */
  atMs: number;
  /** Share of the managed users unassigned at once (above the guard's 20 %). */
  share: number;
  /** People hired right after, over `growthMs`. */
  growth: number;
  growthMs: number;
}

export interface SoakOptions {
  /** Okta users at start (a generated population, all assigned). */
  users: number;
  /** How long the changes and faults go on. */
  changeMs: number;
  changesPerSecond: number;
  /** `worker` child processes (at least 1). */
  workerProcesses: number;
  workerCommand: WorkerCommand;
  /** A child is killed with SIGKILL this often (0: never). */
  killEveryMs: number;
  /** At most this many kills (default: as many as fit). */
  maxKills?: number;
  /** When (from the start of the changes) the Redis data is lost. */
  dataLossAtMs: number;
  /**
   * Loses the Redis data (default: deletes every key under the run's prefix while everything
   * runs). `npm run soak` restarts a private redis-server instead.
   */
  loseRedisData?: (prefix: string) => Promise<void>;
  /** Seed of the changes and faults. */
  seed: number;
  /** Reconciliations during the run (node-cron, default every 30 s). */
  reconcileCron?: string;
  /** Longest wait for the initial provisioning, the queues to drain, and the final reconciliation. */
  convergeTimeoutMs: number;
  /** HubSpot outages (every answer 503, or 401s as for a revoked token), timed from the start of the changes. */
  hubspotOutages?: readonly ScheduledOutage[];
  /**
   * Unassigns a share of the managed users at once, then hires a burst of people so that the
   * share falls well below the guard's threshold; those users must stay in HubSpot through a full
   * reconciliation after the growth, until the operator approves their hold.
   */
  massUnassignment?: MassUnassignmentOptions;
  /** Share of HubSpot requests answered with a random 5xx (default 0.05). */
  hubspotErrorRate?: number;
  /** How often the operator bot looks at the pending holds (default 1,500 ms). */
  operatorEveryMs?: number;
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

/** What one HubSpot outage did. */
export interface OutageFigures {
  answer: ScheduledOutage['answer'];
  /** From the start of the changes. */
  atMs: number;
  forMs: number;
  /** HubSpot requests during the outage (all answered with the outage's status). */
  requestsDuring: number;
  /** sync-user jobs waiting (waiting, delayed, prioritized or active) when it ended; null if not sampled. */
  backlogAtEnd: number | null;
  /** From its end to the first HubSpot write answered 2xx (null: none). */
  resumeMs: number | null;
  /** From its end to the first HubSpot request answered 2xx (the breaker's probe, usually). */
  firstAnswerMs: number | null;
}

/** What became of the mass unassignment. */
export interface MassFigures {
  unassigned: number;
  managedBefore: number;
  /** People hired in the growth burst. */
  hired: number;
  /** Managed users (HubSpot users but the hands-off ones) when the reconciliation after the growth ran. */
  managedAtReconcile: number;
  /** The reconciliation after the growth, and how many of the unassigned users it held. */
  reconcilePlanId: string | null;
  heldByReconcile: number;
  /** Unassigned users HubSpot still had after that reconciliation. */
  inHubSpotAfterReconcile: number;
  /** The hold that had them, and when (from the unassignment) the operator approved it. */
  holdId: string | null;
  approvedAfterMs: number | null;
  /** Deletions of unassigned users before the approval (must be 0). */
  deletedBeforeApproval: number;
  /** Unassigned users deleted early on an approval given in an earlier hold (see `approvedEarlier`). */
  deletedOnEarlierApproval: number;
}

/** What the operator bot did. */
export interface OperatorFigures {
  holdsSeen: number;
  holdsApproved: number;
  /** Held deletions it approved, over every hold. */
  deletionsApproved: number;
  /** Approvals refused because the hold changed after the bot read it (looked at again). */
  conflicts: number;
  /** Holds that left the list without its approval (withdrawn, or lost with the Redis data). */
  vanished: number;
  /** HubSpot deletions of a user while in a hold nobody had approved (must be 0). */
  deletionsWithoutApproval: number;
}

export interface SoakFigures {
  users: number;
  changes: number;
  changesByKind: Readonly<Record<ChangeKind, number>>;
  initialProvisioningMs: number;
  hubspotRequests: number;
  hubspotWrites: number;
  hubspotDeletes: number;
  hubspot429: number;
  hubspot5xx: number;
  oktaRequests: number;
  oktaErrors: number;
  faults: FaultFigures;
  outages: OutageFigures[];
  mass: MassFigures | null;
  operator: OperatorFigures;
  /** Attempts beyond the first, over the sync-user jobs Redis still holds at the end (the data loss forgets earlier ones). */
  retries: number;
  /** sync-user jobs Redis still holds at the end (completed or failed). */
  jobsKept: number;
  /** Why attempts failed (first line of each error, user ids and emails masked), with counts. */
  retryReasons: Record<string, number>;
  /** Jobs that failed for good (sync-user, reconcile, reconcile-summary; must be 0). */
  failedJobs: number;
  workersKilled: number;
  workersStarted: number;
  dataLostAfterMs: number;
  /** From the end of the changes until HubSpot was right through events alone (null: only after the reconciliation). */
  eventConvergenceMs: number | null;
  /** From the end of the changes until the final reconciliation had run and HubSpot was right. */
  convergenceMs: number;
  finalReconcile: { create: number; update: number; delete: number; adopt: number; failures: number };
  hubspotUsersAtEnd: number;
  expectedUsersAtEnd: number;
  logLines: number;
  scannedTexts: number;
}

export interface SoakReport {
  figures: SoakFigures;
  /** Everything that went wrong; empty when the run passed. */
  breaches: string[];
  leaks: SecretLeak[];
  /** Every log line of the run: in-process replicas, then worker processes. */
  logs: string[];
}

const DOMAIN = 'acme.example';
const SUPER_ADMIN = `root@${DOMAIN}`;
const PROTECTED = `ceo@${DOMAIN}`;
const UNMANAGED = 'agency@partner.example';
const QUIET_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; returns whether it did. */
async function until(check: () => Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) {
      return true;
    }
    if (Date.now() > deadline) {
      return false;
    }
    await sleep(everyMs);
  }
}

/** A log sink: every line kept in memory for the secret scan and the figures. */
function lineSink(into: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') into.push(line);
      }
      done();
    },
  });
}

/** Runs one soak and reports figures and breaches; never throws for a breach (only for a broken rig). */
export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const say = opts.progress ?? (() => undefined);
  const random = createRandom(opts.seed);
  const adminToken = randomBytes(24).toString('hex');
  const breaches: string[] = [];
  const logLines: string[] = [];
  const childLines: string[] = [];
  const rig: PipelineRig = await startPipelineRig({
    seed: generatedSeed(opts.users),
    rules: {
      protected: [PROTECTED],
      policies: { emailChange: 'replace' },
      // The guard at its defaults (50 deletions, or 10 and 20 %): the operator bot approves its holds.
    },
    daemon: {
      allowWrites: true,
      jobs: { ...FAST_DAEMON.jobs, attempts: 10, backoffMs: 200, concurrency: 8 },
      hubspot: { requestsPerWindow: 1500, windowMs: 10_000, timeoutMs: 10_000 },
      okta: { historyDays: 90, timeoutMs: 10_000 },
    },
    env: { SYNC_ADMIN_TOKEN: adminToken, LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'info', LOG_FORMAT: 'json', SYNC_RECONCILE_CRON: opts.reconcileCron ?? '*/30 * * * * *' },
  });
  const { okta, hubspot } = rig;
  const secrets = [
    { name: 'Okta API token', value: okta.sim.token },
    { name: 'HubSpot access token', value: hubspot.sim.token },
    { name: 'admin token', value: adminToken },
  ];

  // Hands-off fixtures: a super admin and a protected user that Okta users share an email with, and an agency user.
  hubspot.sim.admin.createUser({ email: SUPER_ADMIN, firstName: 'Root', lastName: 'Owner', superAdmin: true });
  hubspot.sim.admin.createUser({ email: PROTECTED, firstName: 'Cee', lastName: 'Eo', roleName: 'Admin' });
  hubspot.sim.admin.createUser({ email: UNMANAGED, firstName: 'Agency', lastName: 'Partner', roleName: 'Marketing Viewer' });
  okta.sim.admin.createUser({ login: SUPER_ADMIN, email: SUPER_ADMIN, firstName: 'Root', lastName: 'Okta', title: 'Sales Rep', assign: true });
  okta.sim.admin.createUser({ login: PROTECTED, email: PROTECTED, firstName: 'Cee', lastName: 'Okta', title: 'Sales Manager', assign: true });
  const handsOff: HandsOffUser[] = [SUPER_ADMIN, PROTECTED, UNMANAGED].map((e) => {
    const u = hubspot.sim.admin.user(e);
    if (!u) throw new Error(`fixture ${e} missing`);
    return u;
  });
  const handsOffEmails = new Set([SUPER_ADMIN, PROTECTED, UNMANAGED]);

  const config = rig.config();
  const logger = (name: string) => createLogger({ level: process.env.SOAK_LOG_LEVEL ?? 'info', format: 'json', secrets: config.secrets, stream: lineSink(logLines) }).child({ replica: name });
  const replicas: Daemon[] = [];
  const replica = (name: string, roles: Partial<DaemonRoles>) => {
    const d = createDaemon(rig.config(), { roles, logger: logger(name) });
    replicas.push(d);
    return d;
  };
  const a = replica('a', { poller: true, scheduler: true, workers: true, server: true });
  const b = replica('b', { poller: true, scheduler: true, workers: true });
  const pool = createWorkerPool({
    count: Math.max(1, opts.workerProcesses),
    command: opts.workerCommand,
    env: rig.env,
    onOutput: (line, child) => childLines.push(`${child} ${line}`),
  });
  const backlogAtEnd = new Map<number, number>();
  const backlog = async (): Promise<number> => {
    const c = await a.queues.queue('sync-user').getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    return Object.values(c).reduce((n, x) => n + x, 0);
  };
  let chaosStart = 0;
  const sinceStart = (at: number) => `${((at - chaosStart) / 1000).toFixed(1)} s`;
  const faults = createFaultSchedule({
    hubspot: hubspot.sim,
    okta: okta.sim,
    random,
    ...(opts.hubspotErrorRate === undefined ? {} : { hubspotErrorRate: opts.hubspotErrorRate }),
    outages: opts.hubspotOutages ?? [],
    onOutage: (event, o) => {
      say(`HubSpot outage (${o.answer}, ${o.forMs / 1000} s) ${event === 'start' ? 'begins' : 'ends'} at ${sinceStart(Date.now())}`);
      if (event === 'end') {
        void backlog().then((n) => backlogAtEnd.set(o.startedAt, n), () => undefined);
      }
    },
  });
  const chaos = createOktaChaos({ admin: okta.sim.admin, random, domain: DOMAIN, untouchable: handsOffEmails });
  const timers: NodeJS.Timeout[] = [];
  let exits: WorkerExit[] = [];
  // The mass unassignment: HubSpot id → email of each user unassigned, and whether the operator may approve their hold yet.
  const massIds = new Map<string, string>();
  let massApproveFrom: number | null = null;
  /**
   * Unassigned users whose deletion the operator had approved before (in an earlier hold): they
   * came back into scope and left again with the mass unassignment. When no job or
   * reconciliation saw them back, that approval still stands (docs/RELIABILITY.md, known gaps) and may delete
   * them early; a deletion after the daemon said the approval no longer applies is a breach.
   */
  const approvedEarlier = new Set<string>();
  const onEarlierApproval = async (id: string): Promise<boolean> =>
    approvedEarlier.has(id) && !(await a.state.audit.recent(200_000)).some((e) => e.hubspotUserId === id && e.outcome === 'released' && e.reason.includes('the approval no longer applies'));
  const bot = createOperatorBot({
    url: '',
    adminToken,
    everyMs: opts.operatorEveryMs ?? 1_500,
    holdBack: (h) => massApproveFrom === null && h.members.some((m) => m.hubspotUserId !== null && massIds.has(m.hubspotUserId)),
  });

  const roles = () => hubspot.sim.admin.roles().map((r) => ({ id: r.id, name: r.name }));
  const breachesNow = () =>
    compareState(expectedUsers(okta.sim.admin.listUsers(), roles(), handsOffEmails), { users: hubspot.sim.admin.users(), writes: hubspot.sim.writes() }, handsOff, chaos.removableEmails());
  const quiet = async (): Promise<boolean> => {
    for (const q of ['sync-user', 'reconcile', 'reconcile-summary'] as const) {
      const counts = await a.queues.queue(q).getJobCounts(...QUIET_STATES);
      if (QUIET_STATES.some((s) => (counts[s] ?? 0) > 0)) {
        return false;
      }
    }
    return true;
  };

  /**
   * Unassigns a share of the managed users at once, hires a burst of people, waits for most of
   * them to be in HubSpot, runs a full reconciliation (the unassigned users must all still be in
   * HubSpot after it), then lets the operator approve their hold and waits for the approval.
   */
  async function massUnassignment(m: MassUnassignmentOptions): Promise<MassFigures> {
    // HubSpot's own count (the ledger may be mid-rebuild after the data loss).
    const managedBefore = hubspot.sim.admin.users().filter((u) => !handsOffEmails.has(u.email.toLowerCase())).length;
    const n = Math.max(10, Math.ceil(managedBefore * m.share));
    const inHubSpot = new Map(hubspot.sim.admin.users().map((u) => [u.email.toLowerCase(), u.id]));
    const chosen = chaos.massUnassign(n, (email) => inHubSpot.has(email) && !handsOffEmails.has(email));
    const approvedIds = new Set(bot.holds().flatMap((h) => (h.approveSentAt !== null ? [...h.members.keys()] : [])));
    for (const c of chosen) {
      const id = inHubSpot.get(c.email);
      if (id !== undefined) massIds.set(id, c.email);
      if (id !== undefined && approvedIds.has(id)) approvedEarlier.add(id);
    }
    const unassignedAt = Date.now();
    say(`mass unassignment at ${sinceStart(unassignedAt)}: ${massIds.size} of ${managedBefore} managed users (${((massIds.size * 100) / Math.max(1, managedBefore)).toFixed(1)} %); hiring ${m.growth} over ${m.growthMs / 1000} s`);
    const hires: string[] = [];
    const ticks = Math.max(1, Math.round(m.growthMs / 100));
    const perTick = Math.max(1, Math.ceil(m.growth / ticks));
    while (hires.length < m.growth) {
      for (let i = 0; i < perTick && hires.length < m.growth; i++) hires.push(chaos.hire());
      await sleep(100);
    }
    const provisioned = () => {
      const emails = new Set(hubspot.sim.admin.users().map((u) => u.email.toLowerCase()));
      return hires.filter((h) => emails.has(h)).length;
    };
    if (!(await until(async () => provisioned() >= 0.9 * hires.length, opts.convergeTimeoutMs, 1000))) {
      breaches.push(`the growth burst was not provisioned within ${opts.convergeTimeoutMs} ms (${provisioned()} of ${hires.length} in HubSpot)`);
    }
    const managedAtReconcile = hubspot.sim.admin.users().filter((u) => !handsOffEmails.has(u.email.toLowerCase())).length;
    say(`growth provisioned (${provisioned()} of ${hires.length}) at ${sinceStart(Date.now())}; ${managedAtReconcile} managed users; reconciliation with the unassigned users held`);
    const record = await a.jobs.reconcileNow('manual', opts.convergeTimeoutMs);
    const heldIds = new Set((record.plan.held?.actions ?? []).flatMap((x) => (x.hubspotUserId ? [x.hubspotUserId] : [])));
    const present = new Set(hubspot.sim.admin.users().map((u) => u.id));
    const stillThere = [...massIds.keys()].filter((id) => present.has(id));
    const gone: string[] = [];
    for (const [id, email] of massIds) {
      if (!present.has(id) && !(await onEarlierApproval(id))) gone.push(email);
    }
    if (gone.length > 0) {
      breaches.push(`after the reconciliation that followed the growth, ${gone.length} unassigned users were already gone from HubSpot before any approval: ${gone.slice(0, 10).join(', ')}`);
    }
    const heldByReconcile = [...massIds.keys()].filter((id) => heldIds.has(id)).length;
    say(`reconciliation ${record.id} held ${heldByReconcile} of the ${massIds.size} unassigned users (hold ${record.approvalId ?? 'none'}); ${stillThere.length} still in HubSpot; the operator approves now`);
    massApproveFrom = Date.now();
    const approvedHold = () => bot.holds().find((h) => h.approveSentAt !== null && h.approveSentAt >= (massApproveFrom ?? 0) && [...h.members.keys()].some((id) => massIds.has(id))) ?? null;
    const someHeld = () => bot.holds().some((h) => h.approveSentAt === null && h.vanishedAt === null && [...h.members.keys()].some((id) => massIds.has(id)));
    if (!(await until(async () => approvedHold() !== null || !someHeld(), 30_000, 500))) {
      breaches.push('the operator could not approve the hold of the mass unassignment within 30 s');
    }
    const hold = approvedHold();
    return {
      unassigned: massIds.size,
      managedBefore,
      hired: hires.length,
      managedAtReconcile,
      reconcilePlanId: record.id,
      heldByReconcile,
      inHubSpotAfterReconcile: stillThere.length,
      holdId: hold?.id ?? null,
      approvedAfterMs: hold?.approveSentAt ? hold.approveSentAt - unassignedAt : null,
      deletedBeforeApproval: 0,
      deletedOnEarlierApproval: 0,
    };
  }

  try {
    say(`starting ${opts.workerProcesses} worker process(es) (${opts.workerCommand})`);
    await pool.start();
    const t0 = Date.now();
    await a.start();
    await b.start();
    const opsUrl = a.opsAddress()?.url;
    if (!opsUrl) {
      throw new Error('replica a has no ops server address: the operator bot needs it');
    }
    bot.setUrl(opsUrl);
    bot.start();
    say(`provisioning ${opts.users} users`);
    const provisioned = await until(async () => (await quiet()) && breachesNow().length === 0, opts.convergeTimeoutMs, 1000);
    const initialProvisioningMs = Date.now() - t0;
    if (!provisioned) {
      breaches.push(`the initial provisioning did not converge within ${opts.convergeTimeoutMs} ms: ${breachesNow().slice(0, 10).join(' | ')}`);
    }
    say(`provisioned in ${initialProvisioningMs} ms; changes, faults, kills and a data loss for ${opts.changeMs} ms`);

    chaosStart = Date.now();
    faults.start();
    let stepping = true;
    const tick = () => {
      if (!stepping) return;
      try {
        chaos.step();
      } catch (err) {
        breaches.push(`the chaos driver failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      timers.push(setTimeout(tick, Math.round(1000 / opts.changesPerSecond)));
    };
    tick();
    let killing = Promise.resolve();
    if (opts.killEveryMs > 0) {
      let kills = 0;
      const kill = () => {
        killing = killing.then(async () => {
          const name = await pool.killOne();
          say(`killed ${name ?? 'nothing'} with SIGKILL and started another`);
        });
        if (++kills < (opts.maxKills ?? Number.POSITIVE_INFINITY)) {
          timers.push(setTimeout(kill, opts.killEveryMs));
        }
      };
      timers.push(setTimeout(kill, opts.killEveryMs));
    }
    let dataLostAfterMs = -1;
    timers.push(
      setTimeout(() => {
        dataLostAfterMs = Date.now() - chaosStart;
        void (opts.loseRedisData ?? ((p: string) => removeKeys(p, config.env.REDIS_URL).then(() => undefined)))(rig.prefix).then(
          () => say(`Redis data lost after ${dataLostAfterMs} ms`),
          (err: unknown) => breaches.push(`could not lose the Redis data: ${String(err)}`),
        );
      }, opts.dataLossAtMs),
    );
    const massResult: { figures: MassFigures | null } = { figures: null };
    let massRun: Promise<void> = Promise.resolve();
    const mass = opts.massUnassignment;
    if (mass) {
      timers.push(
        setTimeout(() => {
          massRun = massUnassignment(mass).then(
            (f) => {
              massResult.figures = f;
            },
            (err: unknown) => {
              breaches.push(`the mass unassignment did not run through: ${err instanceof Error ? err.message : String(err)}`);
            },
          );
        }, mass.atMs),
      );
    }
    await sleep(opts.changeMs);
    stepping = false;
    await massRun;
    timers.splice(0).forEach(clearTimeout);
    await killing;
    faults.stop();
    const stoppedAt = Date.now();
    say(`changes stopped (${Object.values(chaos.counts()).reduce((n, c) => n + c, 0)} made); waiting for the queues to drain`);

    let eventConvergenceMs: number | null = null;
    const drained = await until(
      async () => {
        const ok = await quiet();
        if (eventConvergenceMs === null && breachesNow().length === 0) {
          eventConvergenceMs = Date.now() - stoppedAt;
        }
        return ok;
      },
      opts.convergeTimeoutMs,
      1000,
    );
    if (!drained) {
      breaches.push(`the queues did not drain within ${opts.convergeTimeoutMs} ms of the changes stopping`);
    }
    say('final reconciliation');
    let finalReconcile = { create: 0, update: 0, delete: 0, adopt: 0, failures: 0 };
    try {
      const record = await a.jobs.reconcileNow('manual', opts.convergeTimeoutMs);
      const o = record.outcome;
      finalReconcile = { create: o?.applied.create ?? 0, update: o?.applied.update ?? 0, delete: o?.applied.delete ?? 0, adopt: o?.applied.adopt ?? 0, failures: o?.failures.length ?? 0 };
    } catch (err) {
      breaches.push(`the final reconciliation failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const converged = await until(async () => (await quiet()) && breachesNow().length === 0, 15_000, 1000);
    const convergenceMs = Date.now() - stoppedAt;
    if (!converged) {
      const explain = (b: string) => {
        const email = /(\S+@\S+?)[\s(:]/.exec(b)?.[1];
        const story = email ? chaos.story(email) : [];
        // Follow the user through its email changes.
        for (let i = 0; i < story.length && i < 50; i++) {
          const next = / email changed to (\S+)$/.exec(story[i] ?? '')?.[1];
          if (next) story.push(...chaos.story(next).filter((line) => !line.includes('email changed from')).map((line) => `[${next}] ${line}`));
        }
        return story.length > 0 ? `${b} [Okta: ${story.join('; ')}]` : b;
      };
      for (const b of breachesNow()) {
        // What the ledger says about the HubSpot user named, for the one who has to find out why.
        const id = /\((\d+)\)/.exec(b)?.[1];
        const entry = id ? await a.state.ledger.getByHubSpotId(id) : null;
        const audit = id ? (await a.state.audit.recent(5_000)).filter((e) => e.hubspotUserId === id).map((e) => `${e.action} ${e.outcome}`) : [];
        breaches.push(`${explain(b)}${id ? ` [ledger: ${entry ? `${entry.oktaUserId} ${entry.how}` : 'none'}; audit: ${audit.join(', ') || 'none'}]` : ''}`);
      }
    }

    await bot.stop();
    for (const e of bot.errors()) {
      breaches.push(`operator bot: ${e}`);
    }

    // No deletion while held: every HubSpot deletion of a user the operator last saw in a hold it had not approved.
    const writes = hubspot.sim.writes();
    const deletions = writes.filter((w) => w.method === 'DELETE' && w.status < 300 && w.userId !== null);
    let withoutApproval = 0;
    for (const w of deletions) {
      const hold = bot.unapprovedHoldAt(w.userId ?? '', w.at);
      if (hold) {
        withoutApproval++;
        breaches.push(
          `deleted ${w.email ?? hold.members.get(w.userId ?? '') ?? `HubSpot user ${w.userId}`} (${w.userId}) at ${sinceStart(w.at)} while in hold ${hold.id}, which nobody had approved (seen first at ${sinceStart(hold.firstSeenAt)}, approval ${hold.approveSentAt === null ? 'never sent' : `sent at ${sinceStart(hold.approveSentAt)}`})`,
        );
      }
    }
    const massFigures = massResult.figures;
    if (massFigures) {
      const before = deletions.filter((w) => massIds.has(w.userId ?? '') && (massApproveFrom === null || w.at < massApproveFrom));
      const early: typeof before = [];
      for (const w of before) {
        if (await onEarlierApproval(w.userId ?? '')) massFigures.deletedOnEarlierApproval++;
        else early.push(w);
      }
      massFigures.deletedBeforeApproval = early.length;
      for (const w of early) {
        breaches.push(`deleted ${massIds.get(w.userId ?? '')} (${w.userId}), one of the mass unassignment, at ${sinceStart(w.at)}, before the operator approved their hold`);
      }
    } else if (opts.massUnassignment) {
      breaches.push('the mass unassignment has no figures');
    }
    const seen = bot.holds();
    const operator: OperatorFigures = {
      holdsSeen: seen.length,
      holdsApproved: seen.filter((h) => h.approveSentAt !== null).length,
      deletionsApproved: seen.reduce((n, h) => n + (h.approvedDeletions ?? 0), 0),
      conflicts: seen.reduce((n, h) => n + h.conflicts, 0),
      vanished: seen.filter((h) => h.vanishedAt !== null).length,
      deletionsWithoutApproval: withoutApproval,
    };
    const okWrite = (from: number) => writes.find((w) => w.at >= from && w.status < 300)?.at ?? null;
    const requests = hubspot.sim.requests;
    const outages: OutageFigures[] = faults.figures().outages.map((o: OutageRecord) => {
      const written = okWrite(o.endsAt);
      const answered = requests.find((r) => r.at >= o.endsAt && r.status >= 200 && r.status < 300)?.at ?? null;
      return {
        answer: o.answer,
        atMs: o.startedAt - chaosStart,
        forMs: o.forMs,
        requestsDuring: requests.filter((r) => r.at >= o.startedAt && r.at < o.endsAt).length,
        backlogAtEnd: backlogAtEnd.get(o.startedAt) ?? null,
        resumeMs: written === null ? null : written - o.endsAt,
        firstAnswerMs: answered === null ? null : answered - o.endsAt,
      };
    });
    for (const o of outages) {
      if (o.resumeMs === null) {
        breaches.push(`no HubSpot write succeeded after the ${o.answer} outage at ${(o.atMs / 1000).toFixed(1)} s`);
      }
    }

    // Every failure has a reason: jobs that failed for good name the user, and the audit trail says why.
    const failed = await a.queues.queue('sync-user').getFailed(0, 10_000);
    // A job that failed for good is a promise broken: outages and faults must only delay work.
    for (const job of failed) {
      breaches.push(`sync-user job ${job.id} for ${job.data.oktaUserId} failed for good after ${job.attemptsMade} attempts: ${job.failedReason}`);
    }
    const otherFailed = [
      ...(await a.queues.queue('reconcile').getFailed(0, 1_000)).map((j) => ({ q: 'reconcile', id: j.id, attempts: j.attemptsMade, reason: j.failedReason })),
      ...(await a.queues.queue('reconcile-summary').getFailed(0, 1_000)).map((j) => ({ q: 'reconcile-summary', id: j.id, attempts: j.attemptsMade, reason: j.failedReason })),
    ];
    for (const j of otherFailed) {
      breaches.push(`${j.q} job ${j.id} failed for good after ${j.attempts} attempts: ${j.reason}`);
    }
    const finished = [...failed, ...(await a.queues.queue('sync-user').getCompleted(0, 100_000))];
    const retries = finished.reduce((n, j) => n + Math.max(0, j.attemptsMade - 1), 0);
    const retryReasons: Record<string, number> = {};
    for (const j of finished) {
      for (const trace of j.stacktrace ?? []) {
        const first = (trace.split('\n')[0] ?? '').replace(/\b(00u|0oa)\w+|\b\d{5,}\b|\S+@\S+/g, '…').slice(0, 120);
        retryReasons[first] = (retryReasons[first] ?? 0) + 1;
      }
    }
    const audit = await a.state.audit.recent(200_000);
    for (const job of failed) {
      const who = job.data.oktaUserId;
      if (!job.failedReason || job.failedReason.trim() === '') {
        breaches.push(`sync-user job ${job.id} for ${who} failed without a reason`);
      }
      if (!audit.some((e) => e.oktaUserId === who && e.outcome === 'failed' && e.reason.trim() !== '')) {
        breaches.push(`sync-user job ${job.id} for ${who} failed (${job.failedReason}) but the audit trail has no failure for that user`);
      }
    }
    for (const plan of await a.state.plans.list(100)) {
      for (const f of plan.outcome?.failures ?? []) {
        if (f.reason.trim() === '') {
          breaches.push(`plan ${plan.id}: a failure for ${f.oktaUserId} has no reason`);
        }
      }
    }
    if (!a.isReady() || !b.isReady()) {
      breaches.push('a replica is no longer ready at the end of the run');
    }

    // What the ops server shows: scanned for secrets with the logs.
    const pages: Array<{ source: string; text: string }> = [];
    const address = a.opsAddress();
    if (address) {
      const plans = await a.state.plans.list(5);
      const paths = ['/healthz', '/readyz', '/metrics', '/', '/api/status', '/api/plans', '/api/approvals', '/api/audit?limit=1000', '/api/failed-jobs', '/admin/queues/api/queues?activeQueue=sync-user&status=failed', ...plans.map((p) => `/api/plans/${p.id}`)];
      for (const p of paths) {
        const res = await fetch(`${address.url}${p}`, { headers: { authorization: `Bearer ${adminToken}` } });
        pages.push({ source: `GET ${p} (${res.status})`, text: await res.text() });
      }
      const noToken = await fetch(`${address.url}/api/status`);
      if (noToken.status !== 401) {
        breaches.push(`/api/status answered ${noToken.status} without the admin token`);
      }
      await noToken.arrayBuffer();
    } else {
      breaches.push('replica a has no ops server address');
    }
    for (const d of replicas) {
      pages.push({ source: `metrics of replica ${replicas.indexOf(d)}`, text: await d.metrics.registry.metrics() });
    }

    exits = await pool.stop();
    for (const e of exits) {
      if (e.code !== 0) {
        breaches.push(`${e.name} did not stop cleanly on SIGTERM (code ${e.code}, signal ${e.signal})`);
      }
    }
    const texts = [
      ...logLines.map((text, i) => ({ source: `in-process log line ${i + 1}`, text })),
      ...childLines.map((text, i) => ({ source: `worker process output line ${i + 1}`, text })),
      ...pages,
    ];
    const leaks = findSecrets(texts, secrets);
    for (const l of leaks) {
      breaches.push(`${l.secret} found in ${l.source}: ${l.context}`);
    }

    const counts = hubspot.sim.counts();
    const status = (pred: (code: number) => boolean) => Object.entries(counts.byStatus).reduce((n, [code, c]) => n + (pred(Number(code)) ? c : 0), 0);
    const oktaRequests = okta.sim.requests;
    const hubspotUsers: PublicUserJson[] = hubspot.sim.admin.users();
    const byKind = chaos.counts();
    const figures: SoakFigures = {
      users: opts.users,
      changes: Object.values(byKind).reduce((n, c) => n + c, 0),
      changesByKind: byKind,
      initialProvisioningMs,
      hubspotRequests: counts.total,
      hubspotWrites: counts.mutating,
      hubspotDeletes: hubspot.sim.writes().filter((w) => w.method === 'DELETE' && w.status < 300).length,
      hubspot429: status((c) => c === 429),
      hubspot5xx: status((c) => c >= 500),
      oktaRequests: Object.values(okta.sim.requestCounts()).reduce((n, c) => n + c, 0),
      oktaErrors: oktaRequests.filter((r) => r.status >= 500 || r.status === 0).length,
      faults: faults.figures(),
      outages,
      mass: massFigures,
      operator,
      retries,
      jobsKept: finished.length,
      retryReasons,
      failedJobs: failed.length + otherFailed.length,
      workersKilled: pool.kills(),
      workersStarted: pool.spawned(),
      dataLostAfterMs,
      eventConvergenceMs,
      convergenceMs,
      finalReconcile,
      hubspotUsersAtEnd: hubspotUsers.length,
      expectedUsersAtEnd: expectedUsers(okta.sim.admin.listUsers(), roles(), handsOffEmails).size + handsOff.length,
      logLines: logLines.length + childLines.length,
      scannedTexts: texts.length,
    };
    return { figures, breaches, leaks, logs: [...logLines, ...childLines] };
  } finally {
    timers.splice(0).forEach(clearTimeout);
    faults.stop();
    if (exits.length === 0) {
      await pool.stop(5_000).catch(() => []);
    }
    await Promise.all(replicas.map((d) => d.stop()));
    await rig.stop();
  }
}

/** The figures as lines a person reads (for `npm run soak` and docs/RELIABILITY.md). */
export function formatFigures(f: SoakFigures): string[] {
  const sec = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  const pct = (n: number, of: number) => `${((n * 100) / Math.max(1, of)).toFixed(1)} %`;
  const kinds = Object.entries(f.changesByKind)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return [
    `Okta users at start           ${f.users}`,
    `initial provisioning          ${(f.initialProvisioningMs / 1000).toFixed(1)} s`,
    `Okta changes made             ${f.changes} (${kinds})`,
    `HubSpot requests              ${f.hubspotRequests} (writes ${f.hubspotWrites}, deletions ${f.hubspotDeletes})`,
    `HubSpot 429 answers           ${f.hubspot429} (${f.faults.burstsOf429} rate-limit windows, ${(f.faults.rateLimitedMs / 1000).toFixed(1)} s in all)`,
    `HubSpot 5xx answers           ${f.hubspot5xx}`,
    `HubSpot latency spikes        ${f.faults.latencySpikes}`,
    `Okta requests                 ${f.oktaRequests} (${f.oktaErrors} failed)`,
    `sync-user job retries         ${f.retries} over the ${f.jobsKept} jobs kept since the data loss; failed for good ${f.failedJobs}`,
    ...Object.entries(f.retryReasons)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 6)
      .map(([reason, n]) => `  ${String(n).padStart(5)} × ${reason}`),
    ...f.outages.map(
      (o) =>
        `HubSpot outage (${o.answer === 'unavailable' ? '503s' : '401s'})`.padEnd(30) +
        ` ${(o.forMs / 1000).toFixed(0)} s from ${(o.atMs / 1000).toFixed(1)} s: ${o.requestsDuring} requests during it, ${o.backlogAtEnd ?? '?'} jobs waiting at its end; first answer ${sec(o.firstAnswerMs)}, first write ${sec(o.resumeMs)} after it ended`,
    ),
    `operator bot                  ${f.operator.holdsSeen} holds seen, ${f.operator.holdsApproved} approved (${f.operator.deletionsApproved} deletions), ${f.operator.conflicts} approvals refused as the hold had changed, ${f.operator.vanished} gone without its approval; deletions while held ${f.operator.deletionsWithoutApproval}`,
    ...(f.mass
      ? [
          `mass unassignment             ${f.mass.unassigned} of ${f.mass.managedBefore} managed users (${pct(f.mass.unassigned, f.mass.managedBefore)}), then ${f.mass.hired} hired`,
          `  held through growth         reconciliation ${f.mass.reconcilePlanId ?? '?'} at ${f.mass.managedAtReconcile} managed users (${pct(f.mass.unassigned, f.mass.managedAtReconcile)}) held ${f.mass.heldByReconcile}; ${f.mass.inHubSpotAfterReconcile} still in HubSpot`,
          `  approved                    ${f.mass.approvedAfterMs === null ? 'never' : `${(f.mass.approvedAfterMs / 1000).toFixed(1)} s after the unassignment`} (hold ${f.mass.holdId ?? '?'}); deleted before the approval ${f.mass.deletedBeforeApproval}${f.mass.deletedOnEarlierApproval > 0 ? ` (and ${f.mass.deletedOnEarlierApproval} on an approval of an earlier hold)` : ''}`,
        ]
      : []),
    `worker processes              ${f.workersStarted} started, ${f.workersKilled} killed with SIGKILL`,
    `Redis data lost after         ${(f.dataLostAfterMs / 1000).toFixed(1)} s of changes`,
    `converged on events alone     ${f.eventConvergenceMs === null ? 'no (the reconciliation finished the job)' : `${(f.eventConvergenceMs / 1000).toFixed(1)} s after the changes stopped`}`,
    `converged (reconciliation)    ${(f.convergenceMs / 1000).toFixed(1)} s after the changes stopped`,
    `final reconciliation          create ${f.finalReconcile.create}, update ${f.finalReconcile.update}, delete ${f.finalReconcile.delete}, adopt ${f.finalReconcile.adopt}, failures ${f.finalReconcile.failures}`,
    `HubSpot users at the end      ${f.hubspotUsersAtEnd} (expected ${f.expectedUsersAtEnd})`,
    `texts scanned for secrets     ${f.scannedTexts} (${f.logLines} log lines)`,
  ];
}
