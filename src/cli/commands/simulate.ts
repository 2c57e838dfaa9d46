import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadFromCheckout } from '../command';

function portOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  }
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new InvalidArgumentError('expected a positive whole number');
  }
  return n;
}

/** Runs until SIGINT/SIGTERM, then stops the servers. */
async function runUntilSignal(stop: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await stop();
}

/** `simulate okta|hubspot`: local Okta and HubSpot APIs that the official SDKs talk to unchanged. */
export function registerSimulate(program: Command): void {
  const simulate = program
    .command('simulate')
    .description('Run a simulated Okta org or HubSpot account on this machine, for trying the daemon, tests and benchmarks.');

  simulate
    .command('okta')
    .description('Simulated Okta: app assignments, users, groups and the System Log, with real shapes, paging, errors and rate limits. Prints the environment a client needs.')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', portOption, 0)
    .option('-s, --seed <name>', 'company to load: demo, empty, or generated-N (e.g. generated-10000)', 'demo')
    .option('--token <token>', 'API token to accept (default: a random one, printed)')
    .option('--no-rate-limits', 'turn off the per-minute rate limits')
    .action(async (opts: { port: number; seed: string; token?: string; rateLimits: boolean }) => {
      // Loaded here, not at the top: the daemon's commands never load the simulators.
      const [{ createOktaSimulator }, { seedByName }] = await loadFromCheckout('simulate okta', () => Promise.all([import('../../../simulators/okta'), import('../../../simulators/seeds/generated')]));
      const sim = createOktaSimulator({ seed: seedByName(opts.seed), ...(opts.token ? { token: opts.token } : {}), ...(opts.rateLimits ? {} : { rateLimits: false }) });
      const url = await sim.start(opts.port);
      process.stdout.write(`Simulated Okta (seed ${opts.seed}) at ${url}\n`);
      process.stdout.write(`OKTA_ORG_URL=${url} OKTA_API_TOKEN=${sim.token} OKTA_APP_ID=${sim.appId}\n`);
      process.stdout.write('Admin API: POST/GET under /__admin with the same token. Ctrl-C stops.\n');
      await runUntilSignal(() => sim.stop());
    });

  simulate
    .command('hubspot')
    .description('Simulated HubSpot: users, roles, teams and seats on the v3 and date-versioned paths, with scopes, 409/404/400 errors and rate limits. Prints the environment a client needs.')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', portOption, 0)
    .option('-s, --seed <name>', 'company to load: demo, empty, or generated-N', 'demo')
    .option('--token <token>', 'access token to accept (default: a random one, printed)')
    .option('--per-ten-seconds <n>', 'requests allowed per rolling 10 s', positiveInt, 190)
    .option('--no-rate-limits', 'turn off the rate limits')
    .action(async (opts: { port: number; seed: string; token?: string; perTenSeconds: number; rateLimits: boolean }) => {
      const [{ createHubSpotSimulator }, { seedByName }] = await loadFromCheckout('simulate hubspot', () => Promise.all([import('../../../simulators/hubspot'), import('../../../simulators/seeds/generated')]));
      const sim = createHubSpotSimulator({
        seed: seedByName(opts.seed),
        ...(opts.token ? { token: opts.token } : {}),
        rateLimit: opts.rateLimits ? { perTenSeconds: opts.perTenSeconds } : false,
      });
      const url = await sim.start(opts.port);
      process.stdout.write(`Simulated HubSpot (seed ${opts.seed}) at ${url}\n`);
      process.stdout.write(`HUBSPOT_BASE_URL=${url} HUBSPOT_ACCESS_TOKEN=${sim.token}\n`);
      process.stdout.write(`Admin API: under /__admin with Authorization: Bearer ${sim.adminToken}. Ctrl-C stops.\n`);
      await runUntilSignal(() => sim.stop());
    });
}
