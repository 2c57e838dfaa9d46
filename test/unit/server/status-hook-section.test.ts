import type { HookStatus } from '../../../src/state/hook-status-store';
import { hookSection } from '../../../src/server/status-hook-section';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const quiet: HookStatus = {
  lastDeliveryAt: null,
  deliveries: 0,
  eventsReceived: 0,
  duplicates: 0,
  rejected: 0,
  lastRejectedAt: null,
  lastRejectedReason: null,
  lastLagMs: null,
  missedByHook: 0,
  lastMissedAt: null,
  deliveryFailures: 0,
  lastDeliveryFailureAt: null,
  lastVerifiedAt: null,
};

describe('the status page section on the Okta event hook', () => {
  it('says how to turn the hook on while it has never been called', () => {
    expect(hookSection(null, NOW).value).toContain('hooks install');
    expect(hookSection(quiet, NOW).value).toContain('changes arrive by the System Log poll');
  });

  it('shows deliveries, lag and duplicates, and marks missed events and failures as warnings', () => {
    const out = hookSection(
      { ...quiet, lastDeliveryAt: '2026-12-01T11:59:50Z', deliveries: 12, eventsReceived: 40, duplicates: 3, lastLagMs: 420, missedByHook: 2, lastMissedAt: '2026-12-01T11:00:00Z', lastVerifiedAt: '2026-12-01T10:00:00Z' },
      NOW,
    ).value;
    expect(out).toContain('10 s ago (0.4 s after the change in Okta)');
    expect(out).toMatch(/Events received<\/th><td class="n">40/);
    expect(out).toMatch(/Duplicates skipped<\/th><td class="n">3/);
    expect(out).toMatch(/missed<\/th><td class="n"><span class="badge warn">2<\/span>/);
    expect(out).toMatch(/Failed deliveries Okta logged<\/th><td class="n"><span class="badge ok">0<\/span>/);
  });

  it('escapes the refusal reason', () => {
    const out = hookSection({ ...quiet, rejected: 1, lastRejectedAt: '2026-12-01T11:59:00Z', lastRejectedReason: '<script>x</script>' }, NOW).value;
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;');
  });
});
