import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createDaemon, type Daemon, type DaemonRoles } from '../../src/daemon/daemon';
import { createLogger } from '../../src/lib/logger';
import type { PublicUserJson } from '../../src/simulators/hubspot';
import { generatedSeed } from '../../src/simulators/seeds/generated';
import { FAST_DAEMON, startPipelineRig, type PipelineRig } from '../integration/pipeline/pipeline-rig';
import { removeKeys } from '../helpers/redis';
import { compareState, expectedUsers, type HandsOffUser } from './expected-state';
import { createFaultSchedule, type FaultFigures } from './fault-schedule';
import { createOktaChaos, type ChangeKind } from './okta-chaos';
import { createRandom } from './random';
import { findSecrets, type SecretLeak } from './secret-scan';
import { createWorkerPool, type WorkerCommand, type WorkerExit } from './worker-processes';

/**
 * A chaos soak: a generated Okta population on the simulators, two in-process replicas (one with
 * the ops server) and `worker` child processes, random Okta changes at a steady rate while
 * HubSpot answers 5xx, 429 bursts and latency spikes, a child killed with SIGKILL every so
 * often and started again, and the Redis data lost once. When the changes stop and one
 * reconciliation has run, HubSpot must be exactly what Okta and the rules call for; every
 * breach is listed. Shared by `npm run soak` (long) and the integration test (short).
 */

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
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
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
  /** Attempts beyond the first, over the sync-user jobs Redis still holds at the end (the data loss forgets earlier ones). */
  retries: number;
  /** sync-user jobs Redis still holds at the end (completed or failed). */
  jobsKept: number;
  /** Why attempts failed (first line of each error, user ids and emails masked), with counts. */
  retryReasons: Record<string, number>;
  /** Jobs that failed for good. */
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
      // The guard is tested on its own; here a steady stream of leavers must not wait for an operator.
      guard: { maxDeletes: 1_000_000, minDeletesForPercent: 1_000_000, maxDeletePercent: 100 },
    },
    daemon: {
      jobs: { ...FAST_DAEMON.jobs, attempts: 10, backoffMs: 200, concurrency: 8 },
      hubspot: { requestsPerWindow: 1500, windowMs: 10_000, timeoutMs: 10_000 },
      okta: { historyDays: 90, timeoutMs: 10_000 },
    },
    env: { SYNC_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'info', LOG_FORMAT: 'json', SYNC_RECONCILE_CRON: opts.reconcileCron ?? '*/30 * * * * *' },
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
  const logger = (name: string) => createLogger({ level: 'info', format: 'json', secrets: config.secrets, stream: lineSink(logLines) }).child({ replica: name });
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
  const faults = createFaultSchedule({ hubspot: hubspot.sim, okta: okta.sim, random });
  const chaos = createOktaChaos({ admin: okta.sim.admin, random, domain: DOMAIN, untouchable: handsOffEmails });
  const timers: NodeJS.Timeout[] = [];
  let exits: WorkerExit[] = [];

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

  try {
    say(`starting ${opts.workerProcesses} worker process(es) (${opts.workerCommand})`);
    await pool.start();
    const t0 = Date.now();
    await a.start();
    await b.start();
    say(`provisioning ${opts.users} users`);
    const provisioned = await until(async () => (await quiet()) && breachesNow().length === 0, opts.convergeTimeoutMs, 1000);
    const initialProvisioningMs = Date.now() - t0;
    if (!provisioned) {
      breaches.push(`the initial provisioning did not converge within ${opts.convergeTimeoutMs} ms: ${breachesNow().slice(0, 10).join(' | ')}`);
    }
    say(`provisioned in ${initialProvisioningMs} ms; changes, faults, kills and a data loss for ${opts.changeMs} ms`);

    const chaosStart = Date.now();
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
    await sleep(opts.changeMs);
    stepping = false;
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
      const record = await a.reconcileNow('manual', opts.convergeTimeoutMs);
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

    // Every failure has a reason: jobs that failed for good name the user, and the audit trail says why.
    const failed = await a.queues.queue('sync-user').getFailed(0, 10_000);
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
      retries,
      jobsKept: finished.length,
      retryReasons,
      failedJobs: failed.length,
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
  const kinds = Object.entries(f.changesByKind)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return [
    `Okta users at start           ${f.users}`,
    `initial provisioning          ${(f.initialProvisioningMs / 1000).toFixed(1)} s`,
    `Okta changes made             ${f.changes} (${kinds})`,
    `HubSpot requests              ${f.hubspotRequests} (writes ${f.hubspotWrites}, deletions ${f.hubspotDeletes})`,
    `HubSpot 429 answers           ${f.hubspot429} (${f.faults.burstsOf429} injected bursts, ${f.faults.injected429} injected)`,
    `HubSpot 5xx answers           ${f.hubspot5xx}`,
    `HubSpot latency spikes        ${f.faults.latencySpikes}`,
    `Okta requests                 ${f.oktaRequests} (${f.oktaErrors} failed)`,
    `sync-user job retries         ${f.retries} over the ${f.jobsKept} jobs kept since the data loss; failed for good ${f.failedJobs}`,
    ...Object.entries(f.retryReasons)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 6)
      .map(([reason, n]) => `  ${String(n).padStart(5)} × ${reason}`),
    `worker processes              ${f.workersStarted} started, ${f.workersKilled} killed with SIGKILL`,
    `Redis data lost after         ${(f.dataLostAfterMs / 1000).toFixed(1)} s of changes`,
    `converged on events alone     ${f.eventConvergenceMs === null ? 'no (the reconciliation finished the job)' : `${(f.eventConvergenceMs / 1000).toFixed(1)} s after the changes stopped`}`,
    `converged (reconciliation)    ${(f.convergenceMs / 1000).toFixed(1)} s after the changes stopped`,
    `final reconciliation          create ${f.finalReconcile.create}, update ${f.finalReconcile.update}, delete ${f.finalReconcile.delete}, adopt ${f.finalReconcile.adopt}, failures ${f.finalReconcile.failures}`,
    `HubSpot users at the end      ${f.hubspotUsersAtEnd} (expected ${f.expectedUsersAtEnd})`,
    `texts scanned for secrets     ${f.scannedTexts} (${f.logLines} log lines)`,
  ];
}
