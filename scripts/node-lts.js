#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports, no-undef, no-restricted-properties -- plain CommonJS that must start on any Node.js, even one the project no longer supports; a launcher outside the daemon, so it reads PATH and its own settings from the environment */
/**
 * Runs a command on a supported Node.js line.
 *
 *   node scripts/node-lts.js <command> [args...]     run it (npm scripts: demo, test, bench, soak)
 *   node scripts/node-lts.js --bin-dir               print the folder to put first in PATH (CI)
 *   --exact                                          want exactly the line the image ships (CI)
 *
 * When this machine's Node.js is older than the oldest supported line (or, with --exact, is not
 * the shipped line), Node.js SHIPPED_LINE is installed from the npm registry's `node` package
 * (which carries the official binary) into a cache folder outside the checkout, once, and the
 * command runs with that folder first in PATH, so `node` and every `#!/usr/bin/env node` tool
 * (jest, npm) use it. Otherwise the command runs as it is.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The line the image runs and CI tests: keep in step with the Dockerfile's NODE_IMAGE. */
const SHIPPED_LINE = 24;
/** The oldest line still maintained (22: until 2027-04-30) and supported. */
const OLDEST_SUPPORTED = 22;

function cacheDir() {
  if (process.env.OKTA_HUBSPOT_SYNC_NODE_DIR) {
    return process.env.OKTA_HUBSPOT_SYNC_NODE_DIR;
  }
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'okta-hubspot-sync', `node-${SHIPPED_LINE}`);
}

function majorOf(bin) {
  const r = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  if (r.status !== 0) {
    return undefined;
  }
  return { version: r.stdout.trim(), major: Number(r.stdout.trim().split('.')[0]) };
}

/** The folder holding a `node` of SHIPPED_LINE, installed from the npm registry when missing. */
function ensureShippedNode() {
  const dir = cacheDir();
  const binDir = path.join(dir, 'node_modules', '.bin');
  const bin = path.join(binDir, process.platform === 'win32' ? 'node.cmd' : 'node');
  const have = fs.existsSync(bin) ? majorOf(bin) : undefined;
  if (have && have.major === SHIPPED_LINE) {
    return { binDir, version: have.version };
  }
  fs.mkdirSync(dir, { recursive: true });
  process.stderr.write(`Installing Node.js ${SHIPPED_LINE} from the npm registry's "node" package into ${dir} (once)...\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', dir, `node@${SHIPPED_LINE}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: dir,
  });
  const now = r.status === 0 && fs.existsSync(bin) ? majorOf(bin) : undefined;
  if (!now || now.major !== SHIPPED_LINE) {
    process.stderr.write(
      `Could not install Node.js ${SHIPPED_LINE} with npm (exit ${r.status}). Install Node.js ${OLDEST_SUPPORTED} or newer yourself ` +
        `(e.g. from nodejs.org, or nvm install ${SHIPPED_LINE}), or set OKTA_HUBSPOT_SYNC_NODE_DIR to a writable folder, and run the command again.\n`,
    );
    process.exit(1);
  }
  return { binDir, version: now.version };
}

/** The folder to put first in PATH, or '' when this Node.js will do. */
function resolveBinDir(exact) {
  const major = Number(process.versions.node.split('.')[0]);
  const fine = exact ? major === SHIPPED_LINE : major >= OLDEST_SUPPORTED;
  if (fine) {
    return '';
  }
  const { binDir, version } = ensureShippedNode();
  const why = major < OLDEST_SUPPORTED ? 'is past its end of life' : `is not ${SHIPPED_LINE}, the line the image ships`;
  process.stderr.write(`Using Node.js ${version} from ${binDir}: this machine's Node.js ${process.versions.node} ${why}.\n`);
  return binDir;
}

function main(argv) {
  let exact = false;
  let printBinDir = false;
  while (argv[0] && argv[0].startsWith('--')) {
    const flag = argv.shift();
    if (flag === '--exact') {
      exact = true;
    } else if (flag === '--bin-dir') {
      printBinDir = true;
    } else {
      process.stderr.write(`node-lts: unknown option ${flag} (use --exact, --bin-dir, or a command to run)\n`);
      process.exit(2);
    }
  }
  const binDir = resolveBinDir(exact);
  if (printBinDir) {
    process.stdout.write(`${binDir}\n`);
    return;
  }
  if (argv.length === 0) {
    process.stderr.write('node-lts: name a command to run, e.g. node scripts/node-lts.js node dist/src/cli/main.js demo\n');
    process.exit(2);
  }
  const env = binDir ? { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH || ''}` } : process.env;
  const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit', env });
  // Ctrl-C reaches the whole process group (the child too): wait for the child to finish.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('error', (err) => {
    process.stderr.write(`node-lts: could not run ${argv[0]}: ${err.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code === null ? 1 : code);
  });
}

main(process.argv.slice(2));
