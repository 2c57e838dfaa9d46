import type { HookStatus } from '../state/hook-status-store';
import { html, type SafeHtml } from './html';

function ago(iso: string | null, now: number): string {
  if (iso === null) {
    return 'never';
  }
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

/**
 * The status page's section about the Okta event hook: the last delivery and its lag, events
 * received and duplicates skipped, refused requests, and, in warning colours, events the poll
 * found that the hook had missed and deliveries Okta reports as failed. Self-contained: the page
 * calls it with `facts.eventHook`.
 */
export function hookSection(h: HookStatus | null | undefined, now = Date.now()): SafeHtml {
  const used = h && (h.deliveries > 0 || h.rejected > 0 || h.lastVerifiedAt !== null || h.missedByHook > 0 || h.deliveryFailures > 0);
  if (!h || !used) {
    return html`<p class="muted">No Okta event hook has called yet: changes arrive by the System Log poll. Set OKTA_EVENT_HOOK_SECRET and run <code>hooks install --url &lt;public URL&gt;</code> for changes within a second.</p>`;
  }
  const lag = h.lastLagMs === null ? '' : ` (${(h.lastLagMs / 1000).toFixed(1)} s after the change in Okta)`;
  const warn = (n: number) => (n > 0 ? 'badge warn' : 'badge ok');
  return html`<table>
<tr><th>Last delivery</th><td>${ago(h.lastDeliveryAt, now)}${lag}</td></tr>
<tr><th>Deliveries</th><td class="n">${h.deliveries}</td></tr>
<tr><th>Events received</th><td class="n">${h.eventsReceived}</td></tr>
<tr><th>Duplicates skipped</th><td class="n">${h.duplicates}</td></tr>
<tr><th>Requests refused</th><td class="n"><span class="${warn(h.rejected)}">${h.rejected}</span>${h.lastRejectedAt ? html` <span class="muted">last ${ago(h.lastRejectedAt, now)}: ${h.lastRejectedReason ?? ''}</span>` : ''}</td></tr>
<tr><th>Events the poll found that the hook missed</th><td class="n"><span class="${warn(h.missedByHook)}">${h.missedByHook}</span>${h.lastMissedAt ? html` <span class="muted">last ${ago(h.lastMissedAt, now)}</span>` : ''}</td></tr>
<tr><th>Failed deliveries Okta logged</th><td class="n"><span class="${warn(h.deliveryFailures)}">${h.deliveryFailures}</span>${h.lastDeliveryFailureAt ? html` <span class="muted">last ${ago(h.lastDeliveryFailureAt, now)}</span>` : ''}</td></tr>
<tr><th>Last verification answered</th><td>${ago(h.lastVerifiedAt, now)}</td></tr>
</table>
<p class="muted">Missed events and failed deliveries are caught by the System Log poll; many of them mean the endpoint is not reachable from Okta (check the reverse proxy and <code>hooks status</code>).</p>`;
}
