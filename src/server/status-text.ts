import type { AuditView } from './ops-types';
import type { StatusSnapshot } from './status-snapshot';

/** Lays out rows under headers in aligned columns (plain text, for a terminal). */
export function textTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const clean = (s: string) => s.replace(/[\r\n\t]+/g, ' ');
  const all = [headers, ...rows].map((r) => r.map(clean));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(all[0]!), line(widths.map((w) => '-'.repeat(w))), ...all.slice(1).map(line)].join('\n');
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'failed', 'completed'] as const;

/** `status` command output: queues, freshness, the last reconciliations, pending approvals, failed jobs. */
export function renderStatusText(s: StatusSnapshot): string {
  const out: string[] = [];
  out.push(`okta-hubspot-sync status at ${s.generatedAt}`);
  out.push('');
  out.push('Queues');
  if (s.queues === null) {
    out.push('  (Redis did not answer)');
  } else {
    out.push(textTable(['queue', ...QUEUE_STATES], Object.entries(s.queues).map(([name, c]) => [name, ...QUEUE_STATES.map((st) => String(c[st] ?? 0))])));
  }
  out.push('');
  const f = s.facts;
  out.push(`Last System Log poll: ${f.lastPollAt ?? 'never'} (newest event ${f.newestEventAt ?? 'none'})`);
  out.push(`Last reconciliation finished: ${f.lastReconciledAt ?? 'never'}`);
  out.push(`Ledger: ${f.ledgerComplete === null ? 'unknown' : f.ledgerComplete ? 'complete' : 'incomplete (rebuild pending)'}; managed users ${s.users.managed}, unmanaged ${s.users.unmanaged ?? '?'}, protected ${s.users.protected ?? '?'}, super admins ${s.users.superAdmins ?? '?'}`);
  for (const o of f.outages.slice(0, 5)) {
    const api = o.api === 'hubspot' ? 'HubSpot' : 'Okta';
    out.push(`${o.endedAt === null ? 'OUTAGE NOW' : 'Outage'}: ${api} ${o.kind === 'token-rejected' ? 'rejected the token' : 'unavailable'} since ${o.since}${o.endedAt ? ` until ${o.endedAt}` : ''} (${o.reason})`);
  }
  if (f.rulesCheck && f.rulesCheck.unknown.length > 0) {
    out.push('');
    out.push(`Rules naming things HubSpot lacks (checked ${f.rulesCheck.checkedAt})`);
    out.push(...f.rulesCheck.unknown.map((u) => `  - ${u.message}`));
  }
  out.push('');
  out.push('Recent reconciliations');
  if (s.reconciliations.length === 0) {
    out.push('  none yet');
  } else {
    out.push(
      textTable(
        ['started', 'trigger', 'outcome', 'create', 'update', 'delete', 'adopt', 'held', 'drift', 'failed'],
        s.reconciliations.map((r) => [
          r.createdAt,
          r.dryRun ? `${r.trigger} (dry run)` : r.trigger,
          r.outcome,
          String(r.summary.create),
          String(r.summary.update),
          String(r.summary.delete),
          String(r.summary.adopt),
          String(r.summary.held),
          String(r.summary.drift),
          String(r.failures),
        ]),
      ),
    );
  }
  out.push('');
  out.push(`Pending approvals: ${s.approvals.length}`);
  for (const a of s.approvals) {
    out.push(`  ${a.id}: ${a.deletions.length} deletions held (${a.reason}), since ${a.createdAt}`);
    const names = a.deletions.map((d) => d.email ?? `HubSpot user ${d.hubspotUserId}`);
    out.push(`    ${names.slice(0, 50).join(', ')}${names.length > 50 ? ` and ${names.length - 50} more` : ''}`);
    out.push(`    approve: okta-hubspot-sync reconcile --approve ${a.id}   reject: okta-hubspot-sync reconcile --reject ${a.id}`);
  }
  out.push(`Failed jobs: ${s.failedJobs.length}`);
  for (const j of s.failedJobs.slice(0, 10)) {
    const who = j.email ? `${j.email}${j.oktaUserId ? ` (Okta ${j.oktaUserId})` : ''}` : (j.oktaUserId ?? '');
    // A sync-user failure's reason already starts with the user.
    out.push(`  ${j.queue}/${j.id} ${j.failedReason.startsWith(who) ? j.failedReason : `${who}: ${j.failedReason}`}`);
  }
  if (s.unmappedTitles.length > 0) {
    out.push(`Titles matching no role: ${s.unmappedTitles.map((t) => `"${t.title}" (${t.users.length})`).join(', ')}`);
  }
  return out.join('\n');
}

/** `audit` command output: one row per entry, newest first. */
export function renderAuditText(entries: readonly AuditView[]): string {
  if (entries.length === 0) {
    return 'No audit entries.';
  }
  return textTable(
    ['time', 'action', 'outcome', 'user', 'reason'],
    entries.map((e) => [e.time, e.action, e.outcome, e.email ?? e.oktaUserId ?? e.hubspotUserId ?? '', e.reason]),
  );
}
