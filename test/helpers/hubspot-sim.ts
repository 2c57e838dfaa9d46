import { createHubSpotClient, type HubSpotClientOptions } from '../../src/hubspot/hubspot-client';
import type { HubSpotClientApi } from '../../src/hubspot/hubspot-types';
import { silentLogger } from '../../src/lib/logger';
import { createHubSpotSimulator, type HubSpotSimulator, type HubSpotSimulatorOptions } from '../../simulators/hubspot';
import type { HubSpotUser } from '../../src/sync/types';

/** A started simulator and a way to build clients against it; call `stop` in afterAll. */
export interface HubSpotTestRig {
  sim: HubSpotSimulator;
  url: string;
  client(extra?: Partial<HubSpotClientOptions>): HubSpotClientApi;
  stop(): Promise<void>;
}

/** Starts a simulated HubSpot on a free port. */
export async function startHubSpotRig(opts: HubSpotSimulatorOptions = {}): Promise<HubSpotTestRig> {
  const sim = createHubSpotSimulator(opts);
  const url = await sim.start();
  return {
    sim,
    url,
    client: (extra = {}) => createHubSpotClient({ baseUrl: url, token: sim.token, logger: silentLogger(), ...extra }),
    stop: () => sim.stop(),
  };
}

/** Every user the client lists, with the page sizes seen. */
export async function listAll(client: HubSpotClientApi): Promise<{ users: HubSpotUser[]; pages: number[] }> {
  const users: HubSpotUser[] = [];
  const pages: number[] = [];
  for await (const page of client.listUsers()) {
    users.push(...page);
    pages.push(page.length);
  }
  return { users, pages };
}

export { rejectionOf } from './async';
