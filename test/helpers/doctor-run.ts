import type { Config } from '../../config/load';
import { runDoctor, type CheckResult } from '../../src/doctor/doctor';
import { createHubSpotClient } from '../../src/hubspot/hubspot-client';
import { fetchHubSpotTokenScopes } from '../../src/hubspot/hubspot-token-info';
import { silentLogger } from '../../src/lib/logger';
import { createOktaClient } from '../../src/okta/okta-client';

/** `doctor`'s checks for `config`, through the real SDK clients, by check name. */
export async function doctorChecks(config: Config): Promise<Map<string, CheckResult>> {
  const logger = silentLogger();
  const results = await runDoctor({
    config,
    okta: createOktaClient({ orgUrl: config.env.OKTA_ORG_URL, token: config.env.OKTA_API_TOKEN, appId: config.env.OKTA_APP_ID, logger, timeoutMs: 5000, maxRateLimitWaitMs: 1000 }),
    hubspot: createHubSpotClient({ baseUrl: config.env.HUBSPOT_BASE_URL, token: config.env.HUBSPOT_ACCESS_TOKEN, logger, dryRun: true, timeoutMs: 5000 }),
    hubspotScopes: () => fetchHubSpotTokenScopes(config.env.HUBSPOT_BASE_URL, config.env.HUBSPOT_ACCESS_TOKEN),
  });
  return new Map(results.map((r) => [r.check, r]));
}
