import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { IntakeResult } from '../queue/event-intake';
import { METRIC_PREFIX } from './metrics';

/** How the hook endpoint answered a request (a bounded label set; never a header value). */
export type HookRequestOutcome = 'accepted' | 'verification' | 'unauthorized' | 'bad-json' | 'unknown-shape' | 'too-large' | 'method-not-allowed' | 'busy';

/**
 * The Okta event hook's metrics, on the daemon's registry: requests by outcome, events new and
 * duplicate, delivery lag, the last delivery, events the poll found that the hook had missed, and
 * Okta's own reports of failed deliveries.
 */
export function createHookMetrics(registry: Registry) {
  const registers = [registry];
  const name = (n: string) => `${METRIC_PREFIX}${n}`;
  const requests = new Counter({
    name: name('hook_requests_total'),
    help: 'Requests to the Okta event hook endpoint by outcome (accepted, verification, unauthorized, bad-json, unknown-shape, too-large, method-not-allowed, busy).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const events = new Counter({
    name: name('hook_events_total'),
    help: 'System Log events by how they arrived (hook, poll) and whether they were new or already acted on (duplicate).',
    labelNames: ['via', 'result'] as const,
    registers,
  });
  const lag = new Histogram({
    name: name('hook_delivery_lag_seconds'),
    help: 'Time from an event being published in Okta to its delivery by the event hook.',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
    registers,
  });
  const lastDelivery = new Gauge({
    name: name('hook_last_delivery_timestamp_seconds'),
    help: 'Unix time of the last delivery this process accepted from the Okta event hook (0 until one).',
    registers,
  });
  const missed = new Counter({
    name: name('hook_missed_events_total'),
    help: 'Events the System Log poll found first although the event hook should have delivered them (lost or late deliveries).',
    registers,
  });
  const failures = new Counter({
    name: name('hook_delivery_failures_total'),
    help: 'event_hook.delivery events in the System Log: Okta could not deliver to the hook.',
    registers,
  });

  function recordRequest(outcome: HookRequestOutcome): void {
    requests.inc({ outcome });
  }

  function recordIntake(r: IntakeResult, at = Date.now()): void {
    if (r.fresh > 0) events.inc({ via: r.via, result: 'new' }, r.fresh);
    if (r.duplicates > 0) events.inc({ via: r.via, result: 'duplicate' }, r.duplicates);
    for (const ms of r.lagsMs) {
      lag.observe(ms / 1000);
    }
    if (r.via === 'hook') {
      lastDelivery.set(at / 1000);
    }
    if (r.missedByHook > 0) missed.inc(r.missedByHook);
    if (r.deliveryFailures > 0) failures.inc(r.deliveryFailures);
  }

  return { recordRequest, recordIntake };
}

/** The hook metrics' recorders. */
export type HookMetrics = ReturnType<typeof createHookMetrics>;
