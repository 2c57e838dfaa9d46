import type { Command } from 'commander';
import { runDoctor, renderDoctor } from '../../doctor/doctor';
import { createHubSpotClient } from '../../hubspot/hubspot-client';
import { fetchHubSpotTokenScopes } from '../../hubspot/hubspot-token-info';
import { createLogger } from '../../lib/logger';
import { createOktaClient } from '../../okta/okta-client';
import { oktaConnection } from '../../okta/okta-connection';
import { createOktaEventHookClient } from '../../okta/okta-event-hooks';
import { configOrExit, reportFailure } from '../cli-config';

const DOCTOR_TIMEOUT_MS = 10_000;

/** `doctor`: is this setup ready? Exit 0 when no check fails, 1 when one does, 2 on bad configuration. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check that a setup is ready: Okta token, app, users and System Log; HubSpot token and scopes; roles the rules name; Titles that match no role; email domains; Redis.')
    .option('--json', 'print the results as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = configOrExit();
      if (!config) {
        return;
      }
      const logger = createLogger({ level: 'error', format: 'json', secrets: config.secrets, stream: process.stderr });
      try {
        const okta = createOktaClient({
          ...oktaConnection(config),
          logger,
          timeoutMs: DOCTOR_TIMEOUT_MS,
          maxRateLimitWaitMs: 5_000,
        });
        const hubspot = createHubSpotClient({
          baseUrl: config.env.HUBSPOT_BASE_URL,
          token: config.env.HUBSPOT_ACCESS_TOKEN,
          logger,
          dryRun: true,
          timeoutMs: DOCTOR_TIMEOUT_MS,
          seatsMode: config.rules.seats.mode,
        });
        const results = await runDoctor({
          config,
          okta,
          hubspot,
          hubspotScopes: () => fetchHubSpotTokenScopes(config.env.HUBSPOT_BASE_URL, config.env.HUBSPOT_ACCESS_TOKEN, DOCTOR_TIMEOUT_MS),
          eventHook: () => createOktaEventHookClient(oktaConnection(config)).find(),
        });
        const failed = results.some((r) => r.status === 'fail');
        process.stdout.write(opts.json ? `${JSON.stringify({ ready: !failed, checks: results }, null, 2)}\n` : `${renderDoctor(results)}\n`);
        process.exitCode = failed ? 1 : 0;
      } catch (err) {
        reportFailure(config, 'doctor could not run', err);
      }
    });
}
