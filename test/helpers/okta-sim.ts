import { silentLogger } from '../../src/lib/logger';
import { createOktaClient, type OktaClientOptions } from '../../src/okta/okta-client';
import type { OktaClientApi } from '../../src/okta/okta-types';
import { createOktaSimulator, type OktaSimulator, type OktaSimulatorOptions } from '../../simulators/okta';
import type { OktaCandidate } from '../../src/sync/types';

/** A started simulated Okta and a way to build clients against it; call `stop` in afterAll. */
export interface OktaTestRig {
  sim: OktaSimulator;
  url: string;
  client(extra?: Partial<OktaClientOptions>): OktaClientApi;
  stop(): Promise<void>;
}

/** Starts a simulated Okta on a free port (rate limits off unless given). */
export async function startOktaRig(opts: OktaSimulatorOptions = {}): Promise<OktaTestRig> {
  const sim = createOktaSimulator({ rateLimits: false, ...opts });
  const url = await sim.start();
  return {
    sim,
    url,
    client: (extra = {}) => createOktaClient({ orgUrl: url, token: sim.token, appId: sim.appId, logger: silentLogger(), ...extra }),
    stop: () => sim.stop(),
  };
}

/** Every candidate the client lists, with the page sizes seen. */
export async function listAllCandidates(client: OktaClientApi): Promise<{ candidates: OktaCandidate[]; pages: number[] }> {
  const candidates: OktaCandidate[] = [];
  const pages: number[] = [];
  for await (const page of client.listAssignedUsers()) {
    candidates.push(...page);
    pages.push(page.length);
  }
  return { candidates, pages };
}

export { rejectionOf } from './async';

/** A raw GET against the simulator with the right token; returns status, headers and parsed body. */
export async function rawGet(rig: OktaTestRig, path: string, token = rig.sim.token): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${rig.url}${path}`, { headers: { Authorization: `SSWS ${token}`, Accept: 'application/json' } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? null : (JSON.parse(text) as unknown) };
}
