import { listNames } from '../sync/rules-check';
import type { PlanAction } from '../sync/types';
import { html, type HtmlValue, type SafeHtml } from './html';
import { activityChart, latencyChart } from './status-charts';
import type { FailedJobView, PendingApprovalView, ReconciliationView } from './ops-types';
import { hookSection } from './status-hook-section';
import type { StatusSnapshot } from './status-snapshot';
import { WHAT_IF_PAGE_PATH } from './what-if-paths';

/** Messages shown after a form action; the redirect carries only one of these codes. */
export const NOTICES = {
  approved: 'Approved: the held deletions will be carried out.',
  rejected: 'Rejected: the held deletions were dropped.',
  retried: 'The job will run again.',
  'not-found': 'Nothing to do: it no longer exists (already decided or removed).',
  conflict: 'Nothing to do: its state changed meanwhile.',
  invalid: 'The request was not valid.',
} as const;

/** A notice code the status page understands. */
export type NoticeCode = keyof typeof NOTICES;

/** Whether a query value names a notice. */
export function isNoticeCode(value: unknown): value is NoticeCode {
  return typeof value === 'string' && Object.hasOwn(NOTICES, value);
}

export interface StatusPageOptions {
  /** Nonce that lets the inline `<style>` through the Content-Security-Policy. */
  styleNonce: string;
  /** Form token for approve, reject and retry forms. */
  formToken: string;
  dashboardPath: string;
  notice?: NoticeCode | undefined;
  /** Most plan actions listed (the JSON API has all of them). */
  maxPlanRows?: number;
}

/** The pages' one inline style (allowed by the response's nonce). */
export const PAGE_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1rem 1.5rem;color:#1b1f24;background:#fafbfc}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.8rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0;background:#fff}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f3f6;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#57606a}.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.8rem;background:#eaeef2}
.ok{background:#dafbe1}.warn{background:#fff8c5}.bad{background:#ffebe9}
.notice{padding:.5rem .8rem;background:#ddf4ff;border:1px solid #54aeff;margin:.5rem 0}
form.inline{display:inline}button{font:inherit;padding:.1rem .6rem;cursor:pointer}
nav a{margin-right:1rem}.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{background:#fff;border:1px solid #d0d7de;padding:.5rem .8rem;min-width:9rem}
.card b{display:block;font-size:1.3rem}code{font-size:.9em}
nav.sections{position:sticky;top:0;background:#fafbfc;padding:.4rem 0;border-bottom:1px solid #d0d7de;z-index:1}nav.sections a{margin-right:.8rem;white-space:nowrap}
.asof{color:#57606a;font-size:.85rem;margin:.1rem 0 .4rem}#live{font-size:.85rem}#live.stale{color:#cf222e}
dl.glossary dt{font-weight:600;margin-top:.4rem}dl.glossary dd{margin:0 0 0 1rem}
svg.chart{background:#fff;border:1px solid #d0d7de;max-width:100%;height:auto}svg.chart text{font:11px system-ui,sans-serif;fill:#57606a}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
textarea{font:13px/1.4 ui-monospace,monospace;width:100%;box-sizing:border-box}pre.diff{background:#fff;border:1px solid #d0d7de;padding:.5rem .8rem;overflow:auto;white-space:pre-wrap}
`;

const time = timeOf;

/** Who a row is about: the email (linking to the user's page) and the Okta id, muted. */
export function person(email: string | null | undefined, oktaUserId?: string | null): SafeHtml {
  const id = oktaUserId ? html` <span class="muted">(Okta ${oktaUserId})</span>` : '';
  return email ? html`<a href="/users/${encodeURIComponent(email)}">${email}</a>${id}` : oktaUserId ? html`<span class="muted">Okta user</span> ${oktaUserId}` : html``;
}

function asOf(iso: string | null | undefined, what?: HtmlValue): SafeHtml {
  return html`<p class="asof">As of ${time(iso)}${what ? html`: ${what}` : ''}.</p>`;
}

/** A time for the pages: `<time>` with the ISO value, shown to the second in UTC; "never" when unknown. */
export function timeOf(iso: string | null | undefined): SafeHtml {
  return iso ? html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>` : html`<span class="muted">never</span>`;
}

function outcomeBadge(outcome: string): SafeHtml {
  const cls = outcome === 'succeeded' ? 'ok' : outcome === 'failed' ? 'bad' : outcome === 'running' || outcome === 'dry-run' ? '' : 'warn';
  return html`<span class="badge ${cls}">${outcome}</span>`;
}

function postForm(action: string, label: string, formToken: string, fields: Record<string, string> = {}): SafeHtml {
  const extra = Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return html`<form class="inline" method="post" action="${action}"><input type="hidden" name="_csrf" value="${formToken}">${extra}<button type="submit">${label}</button></form>`;
}

function card(label: string, value: number | string | null): SafeHtml {
  return html`<div class="card"><span class="muted">${label}</span><b>${value === null ? '–' : value}</b></div>`;
}

const STATE_HELP: Record<string, string> = {
  waiting: 'ready to run as soon as a worker is free',
  active: 'running now',
  delayed: 'waiting for a retry or a pause to end',
  prioritized: 'ready to run, ahead of the others (a sync asked for by an operator)',
  'waiting-children': 'a reconciliation summary waiting for its per-user jobs to finish',
  paused: 'held while the queue is paused',
  failed: 'failed for good (see Failed jobs)',
  completed: 'finished (only the latest are kept)',
};

function queuesSection(s: StatusSnapshot): SafeHtml {
  if (s.queues === null) {
    return html`<p class="muted">Queue counts are unavailable (Redis did not answer).</p>`;
  }
  const states = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'failed', 'completed'];
  const rows = Object.entries(s.queues).map(
    ([name, counts]) => html`<tr><td>${name}</td>${states.map((st) => html`<td class="n">${counts[st] ?? 0}</td>`)}</tr>`,
  );
  return html`<table><thead><tr><th>Queue</th>${states.map((st) => html`<th title="${STATE_HELP[st] ?? ''}">${st}</th>`)}</tr></thead><tbody>${rows}</tbody></table>
<p class="muted">The column names are BullMQ's job states; <a href="#glossary">the glossary</a> says what each means.</p>`;
}

function reconciliationRows(list: readonly ReconciliationView[]): SafeHtml {
  if (list.length === 0) {
    return html`<p class="muted">No reconciliation yet.</p>`;
  }
  const rows = list.map((r) => {
    const a = r.applied;
    const appliedText = a ? `${a.create} created, ${a.update} updated, ${a.delete} deleted, ${a.adopt} adopted` : '';
    return html`<tr><td>${time(r.createdAt)}</td><td>${r.trigger}${r.dryRun ? ' (dry run)' : ''}</td><td>${outcomeBadge(r.outcome)}</td>
<td class="n">${r.summary.create}</td><td class="n">${r.summary.update}</td><td class="n">${r.summary.delete}</td><td class="n">${r.summary.adopt}</td>
<td class="n">${r.summary.held}</td><td class="n">${r.summary.drift}</td><td>${appliedText}${r.failures > 0 ? html`, <b>${r.failures} failed</b>` : ''}${r.error ? html`<br><span class="muted">${r.error}</span>` : ''}</td></tr>`;
  });
  return html`<table><thead><tr><th>Started</th><th>Trigger</th><th>Outcome</th><th>Create</th><th>Update</th><th>Delete</th><th>Adopt</th><th>Held</th><th>Drift</th><th>Result</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function shown(value: string | string[] | null, label: string | null | undefined): string {
  if (label !== undefined && label !== null) {
    return label;
  }
  if (value === null) {
    return '(none)';
  }
  return Array.isArray(value) ? `[${value.join(', ')}]` : value;
}

const FIELD_NAMES: Record<string, string> = { roleId: 'role', seatNames: 'seats', primaryTeamId: 'team', secondaryTeamIds: 'secondary teams', firstName: 'first name', lastName: 'last name' };

function changesText(action: PlanAction): string {
  return (action.changes ?? [])
    .map((c) => {
      const name = FIELD_NAMES[c.field] ?? c.field;
      const after = shown(c.after, c.afterLabel);
      return action.kind === 'update' ? `${name}: ${shown(c.before, c.beforeLabel)} → ${after}` : `${name}: ${after}`;
    })
    .join('; ');
}

function planSection(s: StatusSnapshot, maxRows: number): SafeHtml {
  const latest = s.latestPlan;
  if (!latest) {
    return html`<p class="muted">No plan yet.</p>`;
  }
  const shown = latest.plan.actions.filter((a) => a.code !== 'in-sync');
  const rows = shown.slice(0, maxRows).map(
    (a) =>
      html`<tr><td>${a.kind}</td><td>${a.email ? person(a.email) : a.oktaUserId ?? a.hubspotUserId ?? ''}</td><td>${a.desired?.roleName ?? ''}</td><td>${changesText(a)}${a.drift ? html` <span class="badge warn">drift</span>` : ''}</td><td>${a.reason}</td></tr>`,
  );
  const more = shown.length > maxRows ? html`<p class="muted">${shown.length - maxRows} more actions: see <a href="/api/plans/${encodeURIComponent(latest.planId)}">the full plan</a>.</p>` : '';
  const held = latest.plan.held;
  const heldPart = held
    ? html`<p><span class="badge bad">held</span> ${held.actions.length} deletions held: ${held.reason}</p>`
    : '';
  return html`<p>Plan <code>${latest.planId}</code> made ${time(latest.createdAt)} (${latest.trigger}${latest.dryRun ? ', dry run' : ''}), ${outcomeBadge(latest.outcome)}; ${latest.summary.inSync} users already in sync.</p>
${heldPart}
<table><thead><tr><th>Action</th><th>User</th><th>Role</th><th>Changes</th><th>Reason</th></tr></thead><tbody>${rows.length > 0 ? rows : html`<tr><td colspan="5" class="muted">Nothing to do.</td></tr>`}</tbody></table>${more}`;
}

function approvalsSection(list: readonly PendingApprovalView[], s: StatusSnapshot, formToken: string): SafeHtml {
  if (list.length === 0) {
    return html`<p class="muted">No deletions wait for approval.</p>`;
  }
  return html`${list.map((a) => {
    const id = encodeURIComponent(a.id);
    // The forms carry the number shown: a hold that changed since the page was drawn is not decided blind.
    const seen = { deletions: String(a.deletions.length) };
    const buttons = s.writesEnabled
      ? html`${postForm(`/api/approvals/${id}/approve`, `Approve ${a.deletions.length} deletions`, formToken, seen)} ${postForm(`/api/approvals/${id}/reject`, 'Reject', formToken, seen)}`
      : html`<span class="muted">Read-only: decide with <code>okta-hubspot-sync reconcile --approve ${a.id}</code> (or <code>--reject</code>), or enable daemon.allowWrites.</span>`;
    const rows = a.deletions.map((d) => html`<tr><td>${person(d.email)}</td><td>${d.hubspotUserId ?? ''}</td><td>${d.reason}</td></tr>`);
    return html`<div><p>Hold <code>${a.id}</code>, since ${time(a.createdAt)}: <b>${a.deletions.length} users' deletions wait for an operator.</b> ${a.reason}</p>
<p class="muted">Approve deletes exactly these users. Reject keeps them in HubSpot until they come back into scope and leave again. Until it is decided, every new deletion joins this hold; a user back in scope leaves it.</p>
<p>${buttons}</p><table><thead><tr><th>Email</th><th>HubSpot user</th><th>Reason</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  })}`;
}

/** Items separated by commas. */
function list(items: readonly SafeHtml[]): SafeHtml[] {
  return items.map((item, i) => (i === 0 ? item : html`, ${item}`));
}

function unmappedSection(s: StatusSnapshot): SafeHtml {
  if (s.unmappedTitles.length === 0) {
    return html`<p class="muted">Every in-scope user's Title matched a role.</p>`;
  }
  const rows = s.unmappedTitles.map(
    (t) => html`<tr><td>${t.title}</td><td class="n">${t.users.length}</td><td>${list(t.users.map((u) => person(u.email, u.email ? null : u.oktaUserId)))}</td></tr>`,
  );
  return html`<table><thead><tr><th>Title</th><th>Users</th><th>Who</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function rulesCheckSection(s: StatusSnapshot): SafeHtml {
  const check = s.facts.rulesCheck;
  if (check === null) {
    return html`<p class="muted">Not checked yet: the rules' role and seat names are checked against HubSpot at start and on every reconciliation.</p>`;
  }
  if (check.unknown.length === 0) {
    return html`<p class="muted">Every role and seat the rules name exists in HubSpot (checked ${time(check.checkedAt)}).</p>`;
  }
  const rows = check.unknown.map(
    (u) => html`<tr><td>${u.where}</td><td>${u.kind}</td><td><b>${u.name}</b></td><td>${u.suggestion ?? ''}</td><td>${u.effect}</td></tr>`,
  );
  const seats = check.seats === null ? '' : html`<p>HubSpot's seats: ${listNames(check.seats)}</p>`;
  const teams = check.teams === undefined ? '' : html`<p>HubSpot's teams: ${listNames(check.teams)}</p>`;
  const groups = check.groups === undefined ? '' : html`<p>Rule groups found in Okta: ${listNames(check.groups)}</p>`;
  const onlyHubSpotNames = check.unknown.every((u) => u.kind === 'role' || u.kind === 'seat');
  const what = onlyHubSpotNames ? 'a role or seat HubSpot does not have' : 'a role, seat or team HubSpot does not have, a group Okta does not have, or an attribute no assigned user has';
  return html`<p><span class="badge bad">${check.unknown.length}</span> rules name ${what} (checked ${time(check.checkedAt)}). Fix the rules file (SYNC_CONFIG) or create the role in HubSpot.</p>
<table><thead><tr><th>Rule</th><th>Kind</th><th>Name</th><th>Did you mean</th><th>What happens</th></tr></thead><tbody>${rows}</tbody></table>
<p>HubSpot's roles: ${listNames(check.roles)}</p>${seats}${teams}${groups}`;
}

const API_TITLE = { hubspot: 'HubSpot', okta: 'Okta' } as const;

/** How long an outage lasted (or has lasted until `now`), in words. */
function lasted(since: string, until: string): string {
  const s = Math.max(0, Math.round((Date.parse(until) - Date.parse(since)) / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

function outagesSection(s: StatusSnapshot): SafeHtml {
  const list = s.facts.outages;
  if (list.length === 0) {
    return html`<p class="muted">No outage of HubSpot or Okta seen. When one answers 5xx, times out or rejects the token, work pauses (no attempt is used up), one probe a second looks for the end, and work resumes at once.</p>`;
  }
  const rows = list.map(
    (o) =>
      html`<tr><td>${API_TITLE[o.api]}</td><td>${o.kind === 'token-rejected' ? html`<span class="badge bad">token rejected</span>` : 'unavailable'}</td><td>${time(o.since)}</td><td>${o.endedAt === null ? html`<span class="badge bad">going on</span> for ${lasted(o.since, s.generatedAt)}` : html`${time(o.endedAt)} (${lasted(o.since, o.endedAt)})`}</td><td>${o.reason}</td></tr>`,
  );
  return html`<p class="muted">While an API is out, work is paused without using attempts and resumes when a probe gets an answer.</p>
<table><thead><tr><th>API</th><th>What</th><th>Since</th><th>Ended</th><th>First error</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function seatsSection(s: StatusSnapshot): SafeHtml {
  if (s.seats.length === 0) {
    return html`<p class="muted">No seats in the latest plan.</p>`;
  }
  const rows = s.seats.map(
    (seat) =>
      html`<tr><td>${seat.seat}</td><td class="n">${seat.used}</td><td class="n">${seat.budget ?? 'unbounded'}</td><td class="n">${seat.waiting.length}</td><td>${list(seat.waiting.map((w) => person(w.email)))}</td></tr>`,
  );
  return html`<table><thead><tr><th>Seat</th><th>Used</th><th>Budget</th><th>Waiting</th><th>Waiting list (oldest first)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function failedJobsSection(list: readonly FailedJobView[], s: StatusSnapshot, formToken: string): SafeHtml {
  if (list.length === 0) {
    return html`<p class="muted">No failed jobs.</p>`;
  }
  const rows = list.map((j) => {
    const retry = s.writesEnabled
      ? postForm(`/api/jobs/${encodeURIComponent(j.queue)}/${encodeURIComponent(j.id)}/retry`, 'Retry', formToken)
      : '';
    return html`<tr><td>${time(j.failedAt)}</td><td>${j.queue}</td><td><code>${j.id}</code> ${j.name}</td><td>${person(j.email, j.oktaUserId)}</td><td class="n">${j.attemptsMade}</td><td>${j.failedReason}${j.syncedSince ? html` <span class="badge ok">synced since ${time(j.syncedSince)}</span>` : ''}</td><td>${retry}</td></tr>`;
  });
  return html`<table><thead><tr><th>Failed</th><th>Queue</th><th>Job</th><th>User</th><th>Attempts</th><th>Reason</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

function auditFilter(s: StatusSnapshot): SafeHtml {
  return html`<form method="get" action="/"><label>User email <input type="search" name="user" value="${s.audit.user ?? ''}"></label> <button type="submit">Filter</button>${s.audit.user ? html` <a href="/#audit">show all</a> · <a href="/users/${encodeURIComponent(s.audit.user)}">${s.audit.user}'s page</a>` : ''}</form>`;
}

function auditSection(s: StatusSnapshot): SafeHtml {
  if (s.audit.entries.length === 0) {
    return html`<p class="muted">No audit entries${s.audit.user ? html` for ${s.audit.user}` : ''}.</p>`;
  }
  const rows = s.audit.entries.map(
    (e) =>
      html`<tr><td>${time(e.time)}</td><td>${e.action}</td><td>${e.outcome}</td><td>${person(e.email)}</td><td>${e.reason}</td></tr>`,
  );
  return html`<table><thead><tr><th>Time</th><th>Action</th><th>Outcome</th><th>User</th><th>Reason</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function overviewSection(s: StatusSnapshot): SafeHtml {
  const f = s.facts;
  const recent = s.reconciliations.filter((r) => !r.dryRun).length;
  const ledger = f.ledgerComplete === false ? html`<span class="badge bad">incomplete: being rebuilt, deletions wait</span>` : f.ledgerComplete ? 'complete' : 'unknown';
  return html`<div class="cards">${card('Managed users', s.users.managed)}${card('Unmanaged users', s.users.unmanaged)}${card('Protected', s.users.protected)}${card('Super admins', s.users.superAdmins)}${card('Hand edits put back (last reconciliation)', s.driftRepaired.latest)}${card(`Hand edits put back (last ${recent} reconciliation${recent === 1 ? '' : 's'})`, s.driftRepaired.recent)}${card('Pending approvals', s.approvals.length)}${card('Failed jobs', s.failedJobs.length)}</div>
<p class="muted">Managed users are counted from the ledger now; unmanaged, protected and super admins as of the last full reconciliation (${time(s.users.asOf)}).</p>
<p>Last System Log poll ${time(f.lastPollAt)}; newest Okta event ${time(f.newestEventAt)}; last reconciliation ${time(f.lastReconciledAt)}; record of managed users (ledger): ${ledger}.</p>`;
}

function seatsAsOf(s: StatusSnapshot): SafeHtml {
  const a = s.seatsAsOf;
  const since = a.usersSince === 0 ? '' : `, with ${a.usersSince} user${a.usersSince === 1 ? '' : 's'} synced since`;
  return asOf(a.at, a.planAt ? html`the full reconciliation of ${time(a.planAt)}${since}` : a.usersSince > 0 ? `${a.usersSince} users synced so far (no full reconciliation yet)` : null);
}

function activitySection(s: StatusSnapshot): SafeHtml {
  if (!s.activity) {
    return html`<p class="muted">No activity recorded yet.</p>`;
  }
  return html`${activityChart(s.activity.hours)}${latencyChart(s.activity.latency)}`;
}

const GLOSSARY: ReadonlyArray<readonly [string, string]> = [
  ['Drift repaired / hand edits put back', 'a change made by hand in HubSpot to a managed user (role, names, seat) that the daemon put back to what Okta says.'],
  ['waiting-children', 'a reconciliation\'s summary job waiting for its per-user jobs to finish; it runs when the last one does.'],
  ['prioritized', 'jobs ready to run ahead of the others, such as a sync an operator asked for.'],
  ['delayed', 'jobs waiting for their next try (after an error, a busy user, a rate limit or an outage).'],
  ['cursor-lost', 'a reconciliation started because the daemon had no System Log position: a first start, or Redis lost its data.'],
  ['ledger complete', 'the daemon\'s record of which HubSpot users it manages is whole; until it is (after Redis came back empty), no deletion is decided.'],
  ['held', 'deletions the deletion guard keeps until an operator approves or rejects them.'],
  ['unmanaged', 'a HubSpot user with no Okta counterpart: never modified or deleted.'],
];

function glossarySection(): SafeHtml {
  return html`<dl class="glossary">${GLOSSARY.map(([term, meaning]) => html`<dt>${term}</dt><dd>${meaning}</dd>`)}</dl>`;
}

/** The sections of the status page, in order: id, title, and how to draw the part that updates itself. */
const SECTIONS: ReadonlyArray<{ id: string; title: string; nav: string; body: (s: StatusSnapshot, opts: StatusPageOptions) => SafeHtml }> = [
  { id: 'overview', title: 'Overview', nav: 'Overview', body: (s) => html`${asOf(s.generatedAt)}${overviewSection(s)}` },
  { id: 'approvals', title: 'Pending approvals', nav: 'Approvals', body: (s, o) => html`${asOf(s.generatedAt)}${approvalsSection(s.approvals, s, o.formToken)}` },
  { id: 'failed', title: 'Failed jobs', nav: 'Failures', body: (s, o) => html`${asOf(s.generatedAt)}${failedJobsSection(s.failedJobs, s, o.formToken)}` },
  { id: 'seats', title: 'Seats', nav: 'Seats', body: (s) => html`${seatsAsOf(s)}${seatsSection(s)}` },
  { id: 'unmapped', title: 'Users on minimal permissions (Title matched no role)', nav: 'Unmapped titles', body: (s) => html`${seatsAsOf(s)}${unmappedSection(s)}` },
  { id: 'activity', title: 'Activity', nav: 'Activity', body: (s) => html`${asOf(s.activity?.asOf ?? s.generatedAt, s.activity ? `the audit trail and the latest ${s.activity.latency.jobs} sync jobs` : null)}${activitySection(s)}` },
  { id: 'queues', title: 'Queues', nav: 'Queues', body: (s) => html`${asOf(s.generatedAt)}${queuesSection(s)}` },
  { id: 'outages', title: 'Outages of HubSpot and Okta', nav: 'Outages', body: (s) => html`${asOf(s.generatedAt)}${outagesSection(s)}` },
  { id: 'event-hook', title: 'Okta event hook', nav: 'Event hook', body: (s) => html`${asOf(s.generatedAt)}${hookSection(s.facts.eventHook)}` },
  { id: 'reconciliations', title: 'Recent reconciliations', nav: 'Reconciliations', body: (s) => html`${asOf(s.generatedAt)}${reconciliationRows(s.reconciliations)}` },
  { id: 'plan', title: 'Latest plan', nav: 'Plan', body: (s, o) => html`${asOf(s.latestPlan?.createdAt ?? null, s.latestPlan ? 'when the plan was made' : null)}${planSection(s, o.maxPlanRows ?? 500)}` },
  { id: 'rules-unknown-names', title: 'Rules naming things HubSpot lacks', nav: 'Rules', body: (s) => html`${asOf(s.facts.rulesCheck?.checkedAt ?? null, s.facts.rulesCheck ? 'the last check against HubSpot' : null)}${rulesCheckSection(s)}` },
  { id: 'audit', title: 'Audit trail', nav: 'Audit', body: (s) => html`${asOf(s.generatedAt)}${auditSection(s)}` },
];

/**
 * The parts of the status page that update themselves, by section id: what
 * `GET /api/status/sections` answers and the page's script puts in place, drawn by the same
 * code as the page (every value escaped).
 */
export function renderStatusSections(s: StatusSnapshot, opts: StatusPageOptions): Record<string, string> {
  return Object.fromEntries(SECTIONS.map((sec) => [sec.id, sec.body(s, opts).value]));
}

/** Where the status page's one script is served from (this server; no inline script). */
export const STATUS_SCRIPT_PATH = '/assets/status-live.js';

/**
 * The status page: one server-rendered HTML document with one inline style (by nonce) and one
 * script from this server that keeps the sections current. Every value goes through the escaping
 * `html` template; forms post with the form token and appear only when writes are enabled.
 */
export function renderStatusPage(s: StatusSnapshot, opts: StatusPageOptions): string {
  const sections = SECTIONS.map(
    (sec) => html`<section id="${sec.id}"><h2>${sec.title}</h2>${sec.id === 'audit' ? auditFilter(s) : ''}<div class="live" data-section="${sec.id}">${sec.body(s, opts)}</div></section>`,
  );
  const live = s.audit.user ? `/api/status/sections?user=${encodeURIComponent(s.audit.user)}` : '/api/status/sections';
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>okta-hubspot-sync status</title><style nonce="${opts.styleNonce}">${PAGE_STYLE}</style><script src="${STATUS_SCRIPT_PATH}" defer></script></head>
<body data-live="${live}">
<h1>okta-hubspot-sync</h1>
<p class="muted">${s.writesEnabled ? html`<span class="badge warn">writes enabled</span>` : html`<span class="badge">read-only</span>`} <a href="${opts.dashboardPath}">Queue dashboard</a> · <a href="${WHAT_IF_PAGE_PATH}">Try a rules change</a> · <a href="/api/status">JSON</a> · <a href="/metrics">Metrics</a></p>
<p id="live" class="muted" role="status">Drawn ${time(s.generatedAt)}. This page updates itself every few seconds (it needs JavaScript; otherwise reload it).</p>
<nav class="sections" aria-label="Sections">${SECTIONS.map((sec) => html`<a href="#${sec.id}">${sec.nav}</a>`)}<a href="#glossary">Glossary</a></nav>
${opts.notice ? html`<p class="notice" role="status">${NOTICES[opts.notice]}</p>` : ''}
${sections}
<section id="glossary"><h2>Glossary</h2>${glossarySection()}</section>
</body></html>
`;
  return page.value;
}
