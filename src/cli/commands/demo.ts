import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadFromCheckout } from '../command';

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('expected a number of seconds, 0 or more');
  }
  return n;
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  }
  return n;
}

/** The port when `--port` is not given: PORT, else 3000. */
function defaultPort(): number | string {
  const fromEnv = process.env.PORT?.trim();
  if (!fromEnv) {
    return 3000;
  }
  try {
    return portNumber(fromEnv);
  } catch {
    return fromEnv;
  }
}

/** A value quoted for a POSIX shell. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The banner's ready-to-paste environment that points the CLI at the running demo. Printing the
 * tokens is fine: they belong to the demo's own simulators, made up for this run, not to any
 * real Okta or HubSpot account.
 */
export function cliEnvLines(env: Readonly<Record<string, string>>): string[] {
  return [
    '  To run the CLI against this demo, paste this into another terminal (the tokens are the demo simulators\' own,',
    '  made up for this run: not secrets of any real account):',
    ...Object.entries(env).map(([name, value]) => `    export ${name}=${shellQuote(value)}`),
    '  then: node dist/src/cli/main.js status   (or audit, reconcile --dry-run, sync-user <email>, doctor)',
  ];
}

/** `demo`: the daemon on simulated Okta and HubSpot with a seeded company, changing every few seconds. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run the daemon on its bundled demo: simulated Okta and HubSpot with a seeded company, the ops server and status page, and a change in Okta every few seconds. Uses REDIS_URL, 127.0.0.1:6379, or starts a private redis-server.')
    .option('-p, --port <port>', 'ops server port (default: PORT or 3000)', portNumber)
    .option('--every <seconds>', 'seconds between two simulated Okta changes (0: none)', nonNegative, 8)
    .option('--json-logs', 'log JSON lines instead of readable text')
    .option('--no-hooks', 'no Okta event hook: changes arrive by the System Log poll alone (every 2 s)')
    .action(async (opts: { port?: number; every: number; jsonLogs?: boolean; hooks?: boolean }) => {
      // Loaded here, not at the top: the daemon's commands never load the demo or the simulators.
      const { runDemo } = await loadFromCheckout('demo', () => import('../../../simulators/demo/run-demo'));
      const print = (line: string) => process.stdout.write(`${line}\n`);
      const port = opts.port ?? defaultPort();
      if (typeof port === 'string') {
        process.stderr.write(`demo could not start: PORT=${port} is not a port number; set PORT to a number from 0 to 65535, or pass --port (npm run demo -- --port 3001)\n`);
        process.exit(2);
      }
      let demo;
      try {
        demo = await runDemo({
          port,
          changeEveryMs: opts.every * 1000,
          redisUrl: process.env.REDIS_URL,
          host: process.env.HOST,
          adminToken: process.env.SYNC_ADMIN_TOKEN,
          queuePrefix: process.env.SYNC_QUEUE_PREFIX,
          logFormat: opts.jsonLogs ? 'json' : 'pretty',
          logLevel: process.env.LOG_LEVEL ?? 'info',
          print,
          hooks: opts.hooks !== false,
        });
      } catch (err) {
        // runDemo stopped everything it had started; exit now rather than wait on stray handles.
        process.stderr.write(`demo could not start: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }
      print('');
      print('okta-hubspot-sync demo is running (simulated Okta and HubSpot, company "Acme Robotics").');
      print(`  Status page:  ${demo.statusUrl}/`);
      print(`  Dashboard:    ${demo.statusUrl}/admin/queues`);
      print(`  Metrics:      ${demo.statusUrl}/metrics`);
      print(`  Admin token:  ${demo.adminToken}   (browser: any user name, the token as password; API: Authorization: Bearer <token>)`);
      print(`  Every ${opts.every} s the demo changes something in Okta; watch the log below and the status page. Ctrl-C stops.`);
      print('');
      for (const line of cliEnvLines(demo.cliEnv)) {
        print(line);
      }
      print('');
      const running = demo;
      await new Promise<void>((resolve) => {
        const stop = () => {
          print('demo: stopping…');
          running.stop().then(resolve, (err: unknown) => {
            process.stderr.write(`demo stopped with an error: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.exit(process.exitCode ?? 0);
    });
}
