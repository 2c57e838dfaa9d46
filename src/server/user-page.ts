import { html, type SafeHtml } from './html';
import type { UserLookup, UserRecordView } from './ops-types';
import { PAGE_STYLE, person, timeOf } from './status-page';

/** Everything the user page shows: Okta's and HubSpot's answers now, and the daemon's own record. */
export interface UserPageData {
  email: string;
  generatedAt: string;
  lookup: UserLookup | null;
  record: UserRecordView;
}

/** One line of the user's history: an audit entry or a job, in time order. */
interface HistoryRow {
  at: string;
  what: SafeHtml;
  detail: SafeHtml | string;
}

/** An ISO time as the pages show it: to the second, UTC. */
function shown(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Why the user is where they are now, in one sentence, from the most telling fact. */
export function currentReason(d: Pick<UserPageData, 'lookup' | 'record'>): string {
  const r = d.record;
  const latestJob = r.jobs[0];
  if (r.hold) {
    return `Deletion held by the deletion guard since ${shown(r.hold.since)} (hold ${r.hold.id}): ${r.hold.reason}. Approve or reject it on the status page.`;
  }
  if (latestJob?.state === 'failed') {
    return `The latest sync failed for good: ${latestJob.outcome}. Retry it from the status page's Failed jobs once the cause is fixed.`;
  }
  if (latestJob && latestJob.state !== 'completed') {
    return `A sync job is ${latestJob.state} (queued ${shown(latestJob.queuedAt)}).`;
  }
  const latest = r.audit[0];
  if (latest?.outcome === 'rejected' && r.ledger) {
    return `Deletion rejected by an operator. They stay in HubSpot until they come back into scope and leave again. (${latest.reason})`;
  }
  if (latest?.outcome === 'approved' && r.ledger) {
    return `Deletion approved by an operator: it is being carried out. (${latest.reason})`;
  }
  if (latest?.outcome === 'released' && r.ledger) {
    return `No longer held for deletion: ${latest.reason}.`;
  }
  const wait = r.standing?.waitingFor[0];
  if (wait) {
    return `Waiting for a "${wait.seat}" seat${wait.since ? ` since ${shown(wait.since)}` : ''}: provisioned without it until one is free within the seat budget.`;
  }
  if (r.standing?.unmappedTitle) {
    return `Title "${r.standing.unmappedTitle}" matches no HubSpot role: on minimal permissions until the Title or the rules change.`;
  }
  const lastApplied = r.audit.find((e) => e.outcome === 'applied' || e.outcome === 'failed' || e.outcome === 'held' || e.outcome === 'refused' || e.outcome === 'reported');
  if (r.ledger) {
    return `Managed since ${shown(r.ledger.managedSince)} (${r.ledger.how})${lastApplied ? `; latest: ${lastApplied.reason}` : ''}.`;
  }
  if (r.planAction) {
    return `Not managed: ${r.planAction.reason} (plan ${r.planAction.planId}).`;
  }
  if (lastApplied) {
    return `Not managed now; latest: ${lastApplied.reason}.`;
  }
  if (d.lookup?.okta && !d.lookup.okta.assigned) {
    return 'Not managed: not assigned to the HubSpot app in Okta.';
  }
  return 'The daemon has no record of this user.';
}

function row(label: string, value: SafeHtml | string | number | null | undefined): SafeHtml {
  return html`<tr><th>${label}</th><td>${value === null || value === undefined || value === '' ? html`<span class="muted">–</span>` : value}</td></tr>`;
}

function oktaFacts(l: UserLookup | null): SafeHtml {
  if (!l) {
    return html`<p class="muted">Okta is not asked from here (no API access in this process).</p>`;
  }
  if (l.oktaError) {
    return html`<p><span class="badge bad">could not ask Okta</span> ${l.oktaError}</p>`;
  }
  const o = l.okta;
  if (!o) {
    return html`<p class="muted">Okta has no user with this login or id.</p>`;
  }
  return html`<table>${row('Okta id', o.oktaUserId)}${row('Login', o.login)}${row('Email', o.email)}${row('Name', [o.firstName, o.lastName].filter(Boolean).join(' '))}${row('Title', o.title)}${row('Status', o.status)}${row('Assigned to the HubSpot app', o.assigned ? `yes${o.assignedVia ? `, ${o.assignedVia === 'GROUP' ? 'through a group' : 'directly'}` : ''}${o.assignedAt ? `, since ${shown(o.assignedAt)}` : ''}` : 'no')}</table>`;
}

function hubspotFacts(l: UserLookup | null): SafeHtml {
  if (!l) {
    return html`<p class="muted">HubSpot is not asked from here (no API access in this process).</p>`;
  }
  if (l.hubspotError) {
    return html`<p><span class="badge bad">could not ask HubSpot</span> ${l.hubspotError}</p>`;
  }
  const h = l.hubspot;
  if (!h) {
    return html`<p class="muted">HubSpot has no user with this email.</p>`;
  }
  const role = h.roleId ? `${l.roleNames[h.roleId] ?? 'unknown role'} (${h.roleId})` : 'none (minimal permissions)';
  return html`<table>${row('HubSpot id', h.id)}${row('Email', h.email)}${row('Name', [h.firstName, h.lastName].filter(Boolean).join(' '))}${row('Role', role)}${row('Seats', (h.seatNames ?? []).join(', '))}${row('Super admin', h.superAdmin ? 'yes (never changed by the daemon)' : 'no')}${row('Primary team', h.primaryTeamId)}</table>`;
}

function ledgerFacts(r: UserRecordView): SafeHtml {
  const e = r.ledger;
  const link = html`<a href="/api/users/${encodeURIComponent(r.email)}">the whole record (JSON)</a>`;
  if (!e) {
    return html`<p class="muted">Not in the ledger: the daemon does not manage a HubSpot user for this person. See ${link}.</p>`;
  }
  const a = e.lastApplied;
  return html`<table>${row('Okta id', e.oktaUserId)}${row('HubSpot id', e.hubspotUserId)}${row('Managed since', timeOf(e.managedSince))}${row('How', e.how === 'created' ? 'created by the daemon' : e.how === 'adopted' ? 'adopted (existed in HubSpot, matched by email)' : 'rebuilt after Redis lost its data')}${row('Last applied role id', a?.roleId ?? null)}${row('Last applied seats', a ? a.seatNames.join(', ') : null)}</table><p>${link}</p>`;
}

function history(r: UserRecordView): SafeHtml {
  const rows: HistoryRow[] = [
    ...r.audit.map((e) => ({ at: e.time, what: html`audit: ${e.action} <span class="badge ${e.outcome === 'failed' ? 'bad' : e.outcome === 'applied' ? 'ok' : e.outcome === 'held' ? 'warn' : ''}">${e.outcome}</span>`, detail: e.reason })),
    ...r.jobs.map((j) => ({
      at: j.finishedAt ?? j.queuedAt,
      what: html`job <code>${j.id}</code> (${j.trigger ?? 'sync'}) <span class="badge ${j.state === 'failed' ? 'bad' : j.state === 'completed' ? 'ok' : ''}">${j.state}</span>`,
      detail: html`${j.outcome}<span class="muted"> · queued ${timeOf(j.queuedAt)}${j.attempts > 1 ? `, ${j.attempts} attempts` : ''}</span>`,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (rows.length === 0) {
    return html`<p class="muted">No audit entry and no job kept for this user.</p>`;
  }
  return html`<table><thead><tr><th>Time</th><th>What</th><th>Detail</th></tr></thead><tbody>${rows.map((x) => html`<tr><td>${timeOf(x.at)}</td><td>${x.what}</td><td>${x.detail}</td></tr>`)}</tbody></table>`;
}

/**
 * One page per user (`/users/<email>`): why they are where they are, Okta's and HubSpot's facts
 * (asked when the page is opened), the ledger record, and every audit entry and kept job in time
 * order. Same escaping and Content-Security-Policy as the status page; no form.
 */
export function renderUserPage(d: UserPageData, opts: { styleNonce: string }): string {
  const r = d.record;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${d.email}: okta-hubspot-sync</title><style nonce="${opts.styleNonce}">${PAGE_STYLE}</style></head>
<body>
<p><a href="/">← Status page</a></p>
<h1>${d.email}</h1>
<p class="muted">${r.oktaUserId ? html`Okta ${r.oktaUserId} · ` : ''}As of ${timeOf(d.generatedAt)} (Okta and HubSpot asked just now).</p>
<nav class="sections" aria-label="Sections"><a href="#now">Now</a><a href="#okta">Okta</a><a href="#hubspot">HubSpot</a><a href="#ledger">Ledger</a><a href="#history">History</a></nav>
<section id="now"><h2>Where this user stands, and why</h2><p class="notice" data-testid="reason">${currentReason(d)}</p></section>
<section id="okta"><h2>Okta</h2>${oktaFacts(d.lookup)}</section>
<section id="hubspot"><h2>HubSpot</h2>${hubspotFacts(d.lookup)}</section>
<section id="ledger"><h2>Ledger (the daemon's record of whom it manages)</h2>${ledgerFacts(r)}</section>
<section id="history"><h2>History (oldest first)</h2><p class="muted">Every audit entry about ${person(d.email)} and every sync job the queue still keeps, in time order.</p>${history(r)}</section>
</body></html>
`.value;
}
