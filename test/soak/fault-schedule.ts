import type { HubSpotSimulator } from '../../src/simulators/hubspot';
import type { OktaSimulator } from '../../src/simulators/okta';
import type { SeededRandom } from './random';

/**
 * The faults of a chaos run, on a timer: HubSpot answers three requests with a 5xx at the start
 * and a share of requests all along, and now and then a burst of 429s or a latency spike hits HubSpot, and a few 5xx hit
 * Okta. `stop` clears every fault, so the run can end on a healthy network.
 */
export interface FaultScheduleOptions {
  hubspot: HubSpotSimulator;
  okta: OktaSimulator;
  random: SeededRandom;
  /** Share of HubSpot requests answered with a 5xx (default 0.05). */
  hubspotErrorRate?: number;
  /** Share of Okta requests answered with a 500 (default 0.01). */
  oktaErrorRate?: number;
  /** How often a 429 burst or a latency spike (in turn) starts, on average (default 8 s). */
  burstEveryMs?: number;
}

export interface FaultFigures {
  burstsOf429: number;
  injected429: number;
  latencySpikes: number;
}

export function createFaultSchedule(opts: FaultScheduleOptions) {
  const { hubspot, okta, random } = opts;
  const every = opts.burstEveryMs ?? 8_000;
  const figures: FaultFigures = { burstsOf429: 0, injected429: 0, latencySpikes: 0 };
  let timer: NodeJS.Timeout | null = null;
  let spikeEnd: NodeJS.Timeout | null = null;

  let bursts = 0;

  /** 429 bursts and latency spikes take turns, so even a short run meets both. */
  function burst(): void {
    if (bursts++ % 2 === 0) {
      const n = random.int(2, 6);
      hubspot.faults.fail429Next(n, 'TEN_SECONDLY_ROLLING');
      figures.burstsOf429++;
      figures.injected429 += n;
    } else {
      hubspot.faults.latencyMs = [200, random.int(800, 2500)];
      figures.latencySpikes++;
      if (spikeEnd) clearTimeout(spikeEnd);
      spikeEnd = setTimeout(() => {
        hubspot.faults.latencyMs = null;
      }, random.int(1_000, 4_000));
    }
    timer = setTimeout(burst, random.int(Math.floor(every / 2), Math.floor(every * 1.5)));
  }

  return {
    start(): void {
      // Three 5xx answers at once, so even a short run meets some whatever the random draws.
      hubspot.faults.failNext([{ status: 500 }, { status: 503 }, { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }]);
      hubspot.faults.errorRate = opts.hubspotErrorRate ?? 0.05;
      okta.faults.set({ errorRate5xx: opts.oktaErrorRate ?? 0.01 });
      timer = setTimeout(burst, random.int(1_000, every));
    },
    /** Removes every fault (queued ones included). */
    stop(): void {
      if (timer) clearTimeout(timer);
      if (spikeEnd) clearTimeout(spikeEnd);
      timer = null;
      spikeEnd = null;
      hubspot.faults.reset();
      okta.faults.reset();
    },
    figures: (): FaultFigures => ({ ...figures }),
  };
}
