import { DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { RateLimitedError } from '../lib/errors';
import { rateLimitWaitMs, type HeaderReader } from './okta-errors';
import { oktaRateLimitCategory, oktaRouteTemplate, type OktaRateLimitCategory } from './okta-routes';

/**
 * The SDK's request executor with the daemon's policy: no SDK retries (the queue layer retries),
 * a per-request timeout, proactive throttling per Okta rate-limit bucket (when a bucket's
 * Remaining reaches 0, the next call in it waits for the reset instead of earning a 429), and a
 * hook after every response for metrics.
 */

/** What the metrics hook learns about each Okta call; the route has no ids in it. */
export interface OktaResponseInfo {
  api: 'okta';
  route: string;
  method: string;
  /** HTTP status; 0 when no answer came (network error, timeout). */
  status: number;
  durationMs: number;
}

export interface OktaClientHooks {
  afterResponse?(info: OktaResponseInfo): void;
}

export interface ExecutorDeps {
  timeoutMs: number;
  hooks?: OktaClientHooks | undefined;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** The longest proactive wait; a longer one throws RateLimitedError instead. */
  maxWaitMs: number;
}

type SdkRequest = Parameters<DefaultRequestExecutor['fetch']>[0];
type SdkResponse = Awaited<ReturnType<DefaultRequestExecutor['fetch']>>;

/** Tracks each bucket's budget from the rate-limit headers of its answers. */
export function createRateLimitGate(now: () => number) {
  const exhaustedUntil = new Map<OktaRateLimitCategory, number>();
  return {
    /** Milliseconds to wait before calling in `category` (0 when there is budget). */
    waitFor(category: OktaRateLimitCategory): number {
      const until = exhaustedUntil.get(category);
      if (until === undefined) {
        return 0;
      }
      const wait = until - now();
      if (wait <= 0) {
        exhaustedUntil.delete(category);
        return 0;
      }
      return wait;
    },
    /** Reads an answer's rate-limit headers; a 429 or Remaining 0 closes the bucket until reset. */
    observe(category: OktaRateLimitCategory, status: number, headers: HeaderReader): void {
      const remaining = Number(headers.get('x-rate-limit-remaining') ?? NaN);
      if (status !== 429 && !(Number.isFinite(remaining) && remaining <= 0)) {
        return;
      }
      const wait = rateLimitWaitMs(headers, now());
      if (wait !== null) {
        exhaustedUntil.set(category, now() + wait);
      }
    },
  };
}

export type RateLimitGate = ReturnType<typeof createRateLimitGate>;

/** Builds the executor the client passes to the SDK's `Client`. */
export function createOktaRequestExecutor(deps: ExecutorDeps): DefaultRequestExecutor {
  const gate = createRateLimitGate(deps.now);

  class ObservingRequestExecutor extends DefaultRequestExecutor {
    override async fetch(request: SdkRequest): Promise<SdkResponse> {
      const url = new URL(String(request.url ?? ''), 'http://invalid');
      const method = String(request.method ?? 'GET').toUpperCase();
      const category = oktaRateLimitCategory(method, url.pathname);
      const route = oktaRouteTemplate(url.pathname);
      const wait = gate.waitFor(category);
      if (wait > deps.maxWaitMs) {
        throw new RateLimitedError(`Okta ${method} ${route}: rate limit budget used up, resets in ${Math.ceil(wait / 1000)} s`, {
          code: 'OKTA_E0000047',
          retryAfterMs: wait,
        });
      }
      if (wait > 0) {
        await deps.sleep(wait);
      }
      const started = performance.now();
      let status = 0;
      try {
        const res = await super.fetch(request);
        status = res.status;
        gate.observe(category, res.status, res.headers);
        return res;
      } finally {
        try {
          deps.hooks?.afterResponse?.({ api: 'okta', route, method, status, durationMs: performance.now() - started });
        } catch {
          // A failing metrics hook must not fail the call.
        }
      }
    }
  }

  return new ObservingRequestExecutor({ maxRetries: 0, requestTimeout: deps.timeoutMs });
}
