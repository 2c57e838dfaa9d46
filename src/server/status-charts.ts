import type { AuditView } from './ops-types';
import { html, type SafeHtml } from './html';

/** Changes made to HubSpot and failures in one hour (from the audit trail). */
export interface ActivityHour {
  /** ISO time the hour starts. */
  hour: string;
  create: number;
  update: number;
  delete: number;
  failed: number;
}

/** One sync job that wrote to HubSpot: when it finished, and how long it took from the change. */
export interface LatencyPoint {
  at: string;
  ms: number;
  /** Measured from Okta's publish time of the change (an event), not from the job being queued. */
  fromOkta: boolean;
}

/** How long changes took from Okta to being written in HubSpot, per sync job that wrote. */
export interface LatencyView {
  /** Sync jobs looked at (the latest kept). */
  jobs: number;
  /** One point per job that wrote to HubSpot. */
  points: LatencyPoint[];
  p50Ms: number | null;
  p95Ms: number | null;
}

/** The status page's pictures: activity per hour and change-to-HubSpot latency. */
export interface ActivityView {
  asOf: string;
  hours: ActivityHour[];
  latency: LatencyView;
}

const HOUR_MS = 3600_000;

/** Counts the audit trail's writes and failures per hour over the `hours` hours up to `now`. */
export function activityPerHour(entries: readonly Pick<AuditView, 'time' | 'action' | 'outcome'>[], now: Date, hours = 24): ActivityHour[] {
  const end = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS;
  const start = end - hours * HOUR_MS;
  const out: ActivityHour[] = Array.from({ length: hours }, (_, i) => ({ hour: new Date(start + i * HOUR_MS).toISOString(), create: 0, update: 0, delete: 0, failed: 0 }));
  for (const e of entries) {
    const t = Date.parse(e.time);
    if (!(t >= start && t < end)) {
      continue;
    }
    const bucket = out[Math.floor((t - start) / HOUR_MS)];
    if (!bucket) {
      continue;
    }
    if (e.outcome === 'failed') {
      bucket.failed++;
    } else if (e.outcome === 'applied') {
      if (e.action === 'create' || e.action === 'adopt') {
        bucket.create++;
      } else if (e.action === 'update') {
        bucket.update++;
      } else if (e.action === 'delete') {
        bucket.delete++;
      }
    }
  }
  return out;
}

/** The value below which `p` of the sorted values fall. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) {
    return null;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
}

/** Latency figures from the points. */
export function latencyOf(jobs: number, points: LatencyPoint[]): LatencyView {
  const sorted = points.map((p) => p.ms).sort((a, b) => a - b);
  return { jobs, points: [...points].sort((a, b) => a.at.localeCompare(b.at)), p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95) };
}

const SERIES = [
  { key: 'create', label: 'created or adopted', color: '#2da44e' },
  { key: 'update', label: 'updated', color: '#0969da' },
  { key: 'delete', label: 'deleted', color: '#8250df' },
  { key: 'failed', label: 'failed', color: '#cf222e' },
] as const;

const W = 760;
const H = 180;
const PAD = { left: 40, right: 10, top: 10, bottom: 24 };

function legend(): SafeHtml {
  return html`<p class="legend">${SERIES.map((s) => html`<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${s.color}"/></svg> ${s.label}</span>`)}</p>`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** Stacked bars: creates, updates, deletes and failures per hour (inline SVG, no script). */
export function activityChart(hours: readonly ActivityHour[]): SafeHtml {
  const totals = hours.map((h) => h.create + h.update + h.delete + h.failed);
  const max = Math.max(1, ...totals);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / Math.max(1, hours.length);
  const bars = hours.map((h, i) => {
    let y = PAD.top + plotH;
    const x = PAD.left + i * bw + 1;
    const rects = SERIES.map((s) => {
      const v = h[s.key];
      const hh = (v / max) * plotH;
      y -= hh;
      return v === 0 ? html`` : html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${hh.toFixed(1)}" fill="${s.color}"><title>${h.hour.slice(11, 16)} UTC: ${v} ${s.label}</title></rect>`;
    });
    const label = i % 3 === 0 ? html`<text x="${(x + bw / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle">${h.hour.slice(11, 16)}</text>` : html``;
    return html`${rects}${label}`;
  });
  const total = totals.reduce((a, b) => a + b, 0);
  const sums = SERIES.map((s) => `${hours.reduce((n, h) => n + h[s.key], 0)} ${s.label}`).join(', ');
  return html`<h3>Changes to HubSpot and failures per hour (last ${hours.length} hours, UTC)</h3>
<svg class="chart" role="img" aria-label="Changes per hour: ${sums}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">
<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}" stroke="#d0d7de"/>
<text x="${PAD.left - 6}" y="${PAD.top + 10}" text-anchor="end">${max}</text><text x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">0</text>
${bars}</svg>${legend()}
<p class="muted">${total === 0 ? 'No changes in this window.' : `In all: ${sums}.`}</p>`;
}

/** Dots: how long each sync job that wrote took from being queued to HubSpot written (inline SVG). */
export function latencyChart(l: LatencyView): SafeHtml {
  const title = html`<h3>From a change in Okta to HubSpot written</h3>`;
  if (l.points.length === 0) {
    return html`${title}<p class="muted">No sync job among the latest ${l.jobs} wrote to HubSpot.</p>`;
  }
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const t0 = Date.parse(l.points[0]!.at);
  const t1 = Math.max(t0 + 1, Date.parse(l.points[l.points.length - 1]!.at));
  const max = Math.max(1000, ...l.points.map((p) => p.ms));
  // Seconds on the axis when the points span less than an hour.
  const clock = (at: string) => at.slice(11, t1 - t0 < 3600_000 ? 19 : 16);
  const x = (at: string) => PAD.left + ((Date.parse(at) - t0) / (t1 - t0)) * plotW;
  const y = (ms: number) => PAD.top + plotH - (ms / max) * plotH;
  const dots = l.points.map(
    (p) => html`<circle cx="${x(p.at).toFixed(1)}" cy="${y(p.ms).toFixed(1)}" r="3" fill="${p.fromOkta ? '#0969da' : '#8c959f'}"><title>${p.at.slice(11, 19)} UTC: ${seconds(p.ms)} ${p.fromOkta ? 'since Okta published the change' : 'since the job was queued'}</title></circle>`,
  );
  const fromOkta = l.points.filter((p) => p.fromOkta).length;
  const p95 = l.p95Ms === null ? html`` : html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(l.p95Ms).toFixed(1)}" y2="${y(l.p95Ms).toFixed(1)}" stroke="#cf222e" stroke-dasharray="4 3"/><text x="${W - PAD.right}" y="${(y(l.p95Ms) - 3).toFixed(1)}" text-anchor="end">95% within ${seconds(l.p95Ms)}</text>`;
  return html`${title}
<svg class="chart" role="img" aria-label="Latency of ${l.points.length} changes: half within ${seconds(l.p50Ms ?? 0)}, 95% within ${seconds(l.p95Ms ?? 0)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">
<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}" stroke="#d0d7de"/>
<text x="${PAD.left - 6}" y="${PAD.top + 10}" text-anchor="end">${seconds(max)}</text><text x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">0</text>
<text x="${PAD.left}" y="${H - 8}">${clock(l.points[0]!.at)}</text><text x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${clock(l.points[l.points.length - 1]!.at)} UTC</text>
${p95}${dots}</svg>
<p class="muted">${l.points.length} of the latest ${l.jobs} sync jobs wrote to HubSpot: half within ${seconds(l.p50Ms ?? 0)}, 95% within ${seconds(l.p95Ms ?? 0)}. Blue: ${fromOkta} measured from the time Okta published the change (event hook or System Log poll) to the write; grey: ${l.points.length - fromOkta} from the job being queued (reconciliations, sync-user, approvals), where no Okta event time is known.</p>`;
}
