/**
 * The container smoke test (`npm run test:container`, after run.sh has built the image): runs the
 * image the way docker-compose.yml runs the daemon, against the Okta and HubSpot simulators and
 * the Redis of this machine (host network), and checks what an operator relies on: a non-root
 * user, no build tools in the image, convergence, a change in Okta followed, /healthz and /readyz,
 * the image's own HEALTHCHECK command, and a SIGTERM that drains and exits 0 within the grace
 * period. Prints the image size and the daemon's resident memory at idle.
 *
 *   CONTAINER_ENGINE=podman SMOKE_IMAGE=okta-hubspot-sync:smoke node -r ./test/integration/pipeline/swc-register.js test/container/container-smoke.ts
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { DaemonSchema } from '../../config/daemon-schema';
import { createHubSpotSimulator } from '../../simulators/hubspot';
import { createOktaSimulator } from '../../simulators/okta';
import { generatedSeed } from '../../simulators/seeds/generated';
import { freeLocalPort, removeKeys, testRedisUrl, uniquePrefix } from '../helpers/redis';

const USERS = 40;
const root = path.resolve(__dirname, '../..');
const engine = process.env.CONTAINER_ENGINE ?? 'docker';
const engineArgs = (process.env.CONTAINER_ENGINE_ARGS ?? '').split(' ').filter(Boolean);
const image = process.env.SMOKE_IMAGE ?? 'okta-hubspot-sync:smoke';
const name = `ohs-smoke-${randomBytes(4).toString('hex')}`;

function run(args: string[], allowFail = false): { code: number; out: string; err: string } {
  const r = spawnSync(engine, [...engineArgs, ...args], { encoding: 'utf8' });
  const res = { code: r.status ?? 1, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
  if (!allowFail && res.code !== 0) {
    throw new Error(`${engine} ${args.join(' ')} exited ${res.code}: ${res.err || res.out}`);
  }
  return res;
}

function runAsync(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(engine, [...engineArgs, ...args], { encoding: 'utf8' }, (err, stdout) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, out: stdout.trim() });
    });
  });
}

let failures = 0;
let passes = 0;
function check(ok: boolean, what: string, detail = ''): void {
  if (ok) {
    passes += 1;
    process.stdout.write(`  ok    ${what}${detail ? ` (${detail})` : ''}\n`);
  } else {
    failures += 1;
    process.stdout.write(`  FAIL  ${what}${detail ? `: ${detail}` : ''}\n`);
  }
}

async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) {
        return v;
      }
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Milliseconds of a compose duration such as `30s`, `1m30s` or `500ms`. */
function durationMs(text: string): number {
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    const n = Number(m[1]);
    ms += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
  }
  return ms;
}

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  tmpfs?: string[];
  stop_grace_period?: string;
  ports?: string[];
  user?: string;
}

interface ImageConfig {
  User?: string;
  Cmd?: string[];
  Env?: string[];
  ExposedPorts?: Record<string, unknown>;
  Healthcheck?: { Test?: string[] };
}

async function main(): Promise<void> {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
  const daemonSvc = compose.services.daemon;
  if (!daemonSvc) {
    throw new Error('docker-compose.yml has no daemon service');
  }
  const inspect = JSON.parse(run(['image', 'inspect', image]).out) as Array<{ Config: ImageConfig; Size: number; Healthcheck?: ImageConfig['Healthcheck'] }>;
  const cfg = inspect[0]?.Config ?? {};
  const imageEnv = Object.fromEntries((cfg.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const sizeMb = (inspect[0]?.Size ?? 0) / 1e6;

  process.stdout.write(`Image ${image}: ${sizeMb.toFixed(1)} MB, user ${cfg.User ?? '(none)'}, Node.js ${imageEnv.NODE_VERSION ?? '?'}\n`);
  const graceDefault = DaemonSchema.parse({}).shutdownGraceMs;
  const stopGrace = durationMs(daemonSvc.stop_grace_period ?? '10s');

  process.stdout.write('docker-compose.yml against the image:\n');
  check(Boolean(cfg.User) && cfg.User !== 'root' && cfg.User !== '0', 'the image runs as a non-root user', cfg.User);
  check(daemonSvc.user === undefined || (daemonSvc.user !== 'root' && daemonSvc.user !== '0'), 'compose does not override the user to root');
  check(JSON.stringify(daemonSvc.command) === JSON.stringify(cfg.Cmd), "compose's command is the image's CMD", (daemonSvc.command ?? []).join(' '));
  const composePort = daemonSvc.environment?.PORT;
  check(composePort === imageEnv.PORT && Object.keys(cfg.ExposedPorts ?? {}).some((p) => p.startsWith(`${composePort}/`)), "compose's PORT is the image's PORT and EXPOSEd port", composePort);
  check((daemonSvc.ports ?? []).some((p) => p.endsWith(`:${composePort}`)), "compose publishes the daemon's port", (daemonSvc.ports ?? []).join(', '));
  check(daemonSvc.environment?.HOST === '0.0.0.0', 'compose listens on every interface inside the container');
  check(stopGrace > graceDefault, 'stop_grace_period is longer than daemon.shutdownGraceMs', `${stopGrace} ms > ${graceDefault} ms`);

  // Okta and HubSpot simulators and Redis outside the container, reached over the host network.
  const seed = generatedSeed(USERS);
  const okta = createOktaSimulator({ seed });
  const hubspot = createHubSpotSimulator({ seed, rateLimit: false });
  const oktaUrl = await okta.start(0);
  const hubspotUrl = await hubspot.start(0);
  const prefix = uniquePrefix('container');
  const port = await freeLocalPort();
  const env: Record<string, string> = {
    ...daemonSvc.environment,
    OKTA_ORG_URL: oktaUrl,
    OKTA_API_TOKEN: okta.token,
    OKTA_APP_ID: okta.appId,
    HUBSPOT_BASE_URL: hubspotUrl,
    HUBSPOT_ACCESS_TOKEN: hubspot.token,
    REDIS_URL: testRedisUrl(),
    SYNC_QUEUE_PREFIX: prefix,
    SYNC_ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    SYNC_POLL_INTERVAL_SECONDS: '1',
    PORT: String(port),
  };

  const runArgs = ['run', '-d', '--name', name, '--network', 'host'];
  if (daemonSvc.read_only) {
    runArgs.push('--read-only');
  }
  for (const t of daemonSvc.tmpfs ?? []) {
    runArgs.push('--tmpfs', t);
  }
  for (const c of daemonSvc.cap_drop ?? []) {
    runArgs.push('--cap-drop', c);
  }
  for (const s of daemonSvc.security_opt ?? []) {
    runArgs.push('--security-opt', s);
  }
  // A container's limits may not exceed this machine's own (runc refuses to raise them).
  for (const limit of (process.env.CONTAINER_RUN_ULIMITS ?? '').split(' ').filter(Boolean)) {
    runArgs.push('--ulimit', limit);
  }
  // Tokens go through a private env file, so no command line or error message carries them.
  const envDir = mkdtempSync(path.join(os.tmpdir(), 'ohs-container-'));
  const envFile = path.join(envDir, 'env');
  writeFileSync(envFile, Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  runArgs.push('--env-file', envFile);
  runArgs.push(image, ...(daemonSvc.command ?? []));

  const base = `http://127.0.0.1:${port}`;
  let exitCode: number | undefined;
  try {
    process.stdout.write(`The daemon in a container (host network, ${USERS} Okta users assigned, compose's settings):\n`);
    const startedAt = Date.now();
    run(runArgs);
    const uid = run(['exec', name, 'id', '-u'], true);
    check(uid.code === 0 && uid.out !== '0', 'the process runs as a non-root user', `uid ${uid.out}`);
    const ts = run(['exec', name, 'node', '-e', "require.resolve('typescript')"], true);
    check(ts.code !== 0, 'typescript is not in the image');
    const sims = run(['exec', name, 'ls', 'dist/simulators'], true);
    check(sims.code !== 0, 'the simulators are not in the image');
    const demo = run(['exec', name, 'node', 'dist/src/cli/main.js', 'demo'], true);
    check(demo.code === 2 && demo.err.includes('not in this installation'), 'the demo command says the demo is not in the image', `exit ${demo.code}`);

    const healthy = await eventually(async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined), 60_000);
    check(healthy === true, '/healthz answers 200');
    const ready = await eventually(async () => ((await fetch(`${base}/readyz`)).ok ? Date.now() : undefined), 60_000);
    check(ready !== undefined, '/readyz answers 200', ready ? `${((ready - startedAt) / 1000).toFixed(1)} s after start` : '');

    const converged = await eventually(() => {
      const users = hubspot.admin.users();
      return users.length === USERS ? Date.now() : undefined;
    }, 90_000);
    check(converged !== undefined, `the start reconciliation creates the ${USERS} HubSpot users`, converged ? `${((converged - startedAt) / 1000).toFixed(1)} s after start` : `${hubspot.admin.users().length} users`);

    const login = 'user000007@acme.example';
    okta.admin.updateProfile(login, { title: 'Sales Manager' });
    const changedAt = Date.now();
    const followed = await eventually(() => (JSON.stringify(hubspot.admin.user(login)?.roleIds) === '["2001"]' ? Date.now() : undefined), 60_000);
    check(followed !== undefined, 'a Title changed in Okta reaches HubSpot (System Log poll)', followed ? `${((followed - changedAt) / 1000).toFixed(1)} s` : JSON.stringify(hubspot.admin.user(login)?.roleIds));

    // Docker keeps the HEALTHCHECK in Config, podman beside it.
    const hc = (cfg.Healthcheck ?? inspect[0]?.Healthcheck)?.Test ?? [];
    if (hc[0] === 'CMD' || hc[0] === 'CMD-SHELL') {
      const cmd = hc[0] === 'CMD' ? hc.slice(1) : ['sh', '-c', hc.slice(1).join(' ')];
      // The HEALTHCHECK reads PORT from the environment, as the image sets it.
      const r = run(['exec', name, ...cmd], true);
      check(r.code === 0, "the image's HEALTHCHECK command succeeds", hc.slice(1).join(' ').slice(0, 60));
    } else {
      check(false, 'the image has a HEALTHCHECK command', JSON.stringify(hc));
    }

    // Idle: nothing to do for a few seconds, then the daemon's resident memory from /metrics.
    await new Promise((r) => setTimeout(r, 10_000));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const rss = /^process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(metrics);
    check(rss !== null, 'the daemon reports its resident memory', rss ? `idle RSS ${(Number(rss[1]) / 1e6).toFixed(1)} MB` : '');

    const waiter = runAsync(['wait', name]);
    const termAt = Date.now();
    run(['kill', '--signal', 'TERM', name]);
    const waited = await Promise.race([waiter, new Promise<undefined>((r) => setTimeout(() => r(undefined), stopGrace + 5_000))]);
    const tookMs = Date.now() - termAt;
    exitCode = waited ? Number(waited.out.split('\n').pop()) : undefined;
    check(exitCode === 0 && tookMs < stopGrace, 'SIGTERM drains and exits 0 within stop_grace_period', `exit ${exitCode ?? 'none'} after ${(tookMs / 1000).toFixed(1)} s, grace ${stopGrace / 1000} s`);
    const logs = run(['logs', name], true);
    const lines = `${logs.out}\n${logs.err}`;
    check(!lines.includes(env.SYNC_ADMIN_TOKEN!) && !lines.includes(hubspot.token) && !lines.includes(okta.token), 'no token in the container log');
    if (failures > 0) {
      process.stdout.write(`--- container log (last 40 lines) ---\n${lines.split('\n').slice(-40).join('\n')}\n`);
    }
  } finally {
    run(['rm', '-f', name], true);
    rmSync(envDir, { recursive: true, force: true });
    await removeKeys(prefix);
    await okta.stop();
    await hubspot.stop();
  }
  process.stdout.write(`${passes} passed, ${failures} failed\n`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`container smoke test: ${err instanceof Error ? err.message : String(err)}\n`);
  run(['rm', '-f', name], true);
  process.exit(1);
});
