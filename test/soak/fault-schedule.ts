import type { HubSpotSimulator } from '../../simulators/hubspot';
import type { OutageAnswer } from '../../simulators/hubspot/hubspot-faults';
import type { OktaSimulator } from '../../simulators/okta';
import type { SeededRandom } from './random';

/**
 * The faults of a chaos run, on a timer: HubSpot answers three requests with a 5xx at the start
 * and a share of requests all along, and now and then a rate-limit window (429s) or a latency spike hits HubSpot, and a few 5xx hit
 * Okta. Scheduled HubSpot outages (every answer 503, or 401 as for a revoked token) start and
 * end at set times. `stop` clears every fault, so the run can end on a healthy network.
 */

/** A HubSpot outage at a set time (from `start`). */
export interface ScheduledOutage {
  atMs: number;
  forMs: number;
  /** `unavailable`: every API answer is a 503; `unauthenticated`: every answer is a 401. */
  answer: Extract<OutageAnswer, 'unavailable' | 'unauthenticated'>;
}

/** An outage that began: when (epoch ms) and until when. */
export interface OutageRecord extends ScheduledOutage {
  startedAt: number;
  endsAt: number;
}

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
  /** HubSpot outages to start on time (default none). */
  outages?: readonly ScheduledOutage[];
  /** Told when an outage begins and when it ends (e.g. to look at the queues then). */
  onOutage?: (event: 'start' | 'end', outage: OutageRecord) => void;
}

export interface FaultFigures {
  burstsOf429: number;
  /** The rate-limit windows' length in all. */
  rateLimitedMs: number;
  latencySpikes: number;
  /** The scheduled outages that began. */
  outages: OutageRecord[];
}

export function createFaultSchedule(opts: FaultScheduleOptions) {
  const { hubspot, okta, random } = opts;
  const every = opts.burstEveryMs ?? 8_000;
  const figures: FaultFigures = { burstsOf429: 0, rateLimitedMs: 0, latencySpikes: 0, outages: [] };
  const outageTimers: NodeJS.Timeout[] = [];
  let timer: NodeJS.Timeout | null = null;
  let spikeEnd: NodeJS.Timeout | null = null;

  let bursts = 0;

  /** 429 bursts and latency spikes take turns, so even a short run meets both. */
  function burst(): void {
    if (bursts++ % 2 === 0) {
      // Time-based, as HubSpot's windows are: every request in it gets a 429, however few arrive.
      const forMs = random.int(300, 1_500);
      hubspot.faults.rateLimitFor(forMs, 'TEN_SECONDLY_ROLLING');
      figures.burstsOf429++;
      figures.rateLimitedMs += forMs;
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
      // Three 5xx answers and a 429 at once, so even a short run meets both whatever the random draws.
      hubspot.faults.failNext([{ status: 500 }, { status: 503 }, { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }]);
      hubspot.faults.fail429Next(1, 'TEN_SECONDLY_ROLLING');
      hubspot.faults.errorRate = opts.hubspotErrorRate ?? 0.05;
      okta.faults.set({ errorRate5xx: opts.oktaErrorRate ?? 0.01 });
      timer = setTimeout(burst, random.int(1_000, every));
      for (const o of opts.outages ?? []) {
        outageTimers.push(
          setTimeout(() => {
            const startedAt = Date.now();
            const record: OutageRecord = { ...o, startedAt, endsAt: startedAt + o.forMs };
            hubspot.faults.outage(o.forMs, o.answer);
            figures.outages.push(record);
            opts.onOutage?.('start', record);
            outageTimers.push(setTimeout(() => opts.onOutage?.('end', record), o.forMs));
          }, o.atMs),
        );
      }
    },
    /** Removes every fault (queued ones included). */
    stop(): void {
      if (timer) clearTimeout(timer);
      if (spikeEnd) clearTimeout(spikeEnd);
      outageTimers.splice(0).forEach(clearTimeout);
      timer = null;
      spikeEnd = null;
      hubspot.faults.reset();
      okta.faults.reset();
    },
    figures: (): FaultFigures => ({ ...figures, outages: figures.outages.map((o) => ({ ...o })) }),
  };
}
