import type { FieldChange, Plan, PlanAction } from './types';

/** How much of the plan the table shows. */
export interface RenderOptions {
  /**
   * all: every skip with its reason; important (default): every skip except the "unmanaged"
   * ones, which are only counted; none: skips are only counted.
   */
  skips?: 'all' | 'important' | 'none';
  /** Longest cell before it is cut with "…" (default 120). */
  maxCell?: number;
}

function show(value: string | string[] | null | undefined, label?: string | null): string {
  if (label !== undefined && label !== null) {
    return label;
  }
  if (value === null || value === undefined) {
    return '(none)';
  }
  return Array.isArray(value) ? `[${value.join(', ')}]` : `"${value}"`;
}

function describeChange(change: FieldChange, kind: PlanAction['kind']): string {
  const name = change.field === 'roleId' ? 'role' : change.field === 'seatNames' ? 'seats' : change.field === 'primaryTeamId' ? 'team' : change.field === 'secondaryTeamIds' ? 'secondary teams' : change.field;
  const after = show(change.after, change.afterLabel);
  return kind === 'create' ? `${name} ${after}` : `${name} ${show(change.before, change.beforeLabel)} → ${after}`;
}

function details(action: PlanAction): string {
  if (action.kind === 'delete' || action.kind === 'skip') {
    return action.reason;
  }
  const parts: string[] = [];
  const changes = action.changes ?? [];
  if (action.kind !== 'update' && action.desired && !changes.some((c) => c.field === 'roleId')) {
    parts.push(`role ${action.desired.roleName === null ? '(none)' : action.desired.roleName}`);
  }
  parts.push(...changes.map((c) => describeChange(c, action.kind)));
  if (parts.length === 0) {
    return action.reason;
  }
  return parts.join('; ') + (action.pairId !== undefined ? ' (email change pair)' : '');
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function table(header: string[], rows: string[][], indent = ''): string[] {
  const widths = header.map((h, i) => Math.max(Array.from(h).length, ...rows.map((r) => Array.from(r[i] ?? '').length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - Array.from(c).length)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function actionRows(actions: readonly PlanAction[], max: number): string[][] {
  return actions.map((a) => [a.kind, a.code, cut(a.email ?? '(no email)', max), a.hubspotUserId ?? '-', cut(details(a), max)]);
}

const ORDER: Record<PlanAction['kind'], number> = { delete: 0, create: 1, adopt: 2, update: 3, skip: 4 };

/**
 * The plan as a text table for the CLI and logs: a summary line, the actions to carry out, the
 * skips, what the deletion guard holds, seat usage, unmapped Titles and rule warnings.
 */
export function renderPlanTable(plan: Plan, options: RenderOptions = {}): string {
  const max = options.maxCell ?? 120;
  const skipsMode = options.skips ?? 'important';
  const s = plan.summary;
  const out: string[] = [];
  const drift = s.drift > 0 ? ` (${s.drift} drift)` : '';
  out.push(
    `Plan: ${s.create} create, ${s.update} update${drift}, ${s.delete} delete, ${s.adopt} adopt, ${s.skip} skip; ` +
      `${s.held} held by the deletion guard; ${s.inSync} in sync; ${s.unmapped} with unmapped titles; ${s.waitingForSeat} waiting for a seat`,
  );
  const mutating = plan.actions.filter((a) => a.kind !== 'skip').sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  const header = ['ACTION', 'CODE', 'EMAIL', 'HUBSPOT ID', 'DETAILS'];
  out.push('');
  out.push(...(mutating.length > 0 ? table(header, actionRows(mutating, max)) : ['Nothing to change.']));

  const skips = plan.actions.filter((a) => a.kind === 'skip');
  if (skips.length > 0) {
    const byCode = new Map<string, number>();
    skips.forEach((a) => byCode.set(a.code, (byCode.get(a.code) ?? 0) + 1));
    const listed = skipsMode === 'all' ? skips : skipsMode === 'important' ? skips.filter((a) => a.code !== 'unmanaged') : [];
    // The header says how many rows follow when some skips are only counted.
    const unlisted = skips.length - listed.length;
    const note = unlisted === 0 ? '' : listed.length === 0 ? '' : `; ${listed.length} listed below (${unlisted} unmanaged ${unlisted === 1 ? 'user is' : 'users are'} only counted)`;
    out.push('', `Skipped (${skips.length}): ${[...byCode.entries()].map(([code, n]) => `${code} ${n}`).join(', ')}${note}`);
    if (listed.length > 0) {
      out.push(...table(['CODE', 'EMAIL', 'REASON'], listed.map((a) => [a.code, cut(a.email ?? '(no email)', max), cut(a.reason, max * 2)]), '  '));
    }
  }
  if (plan.held) {
    out.push('', `Held by the deletion guard (${plan.held.actions.length}): ${plan.held.reason}`);
    out.push(...table(header, actionRows(plan.held.actions, max), '  '));
  }
  if (plan.seats.length > 0) {
    out.push('', 'Seats:');
    const rows = plan.seats.map((seat) => {
      const waiting = seat.waiting.length === 0 ? '-' : `${seat.waiting.length}: ${cut(seat.waiting.map((w) => w.email).join(', '), max)}`;
      const remaining = seat.remaining === undefined || seat.remaining === null ? '-' : String(seat.remaining);
      return [seat.seat, String(seat.used), seat.budget === null ? '-' : String(seat.budget), remaining, waiting];
    });
    out.push(...table(['SEAT', 'USED', 'BUDGET', 'FREE IN HUBSPOT', 'WAITING'], rows, '  '));
  }
  if (plan.unmappedTitles.length > 0) {
    out.push('', 'Unmapped titles (minimal permissions):');
    for (const t of plan.unmappedTitles) {
      out.push(`  "${t.title}": ${t.users.length} user(s): ${cut(t.users.map((u) => u.email ?? u.oktaUserId).join(', '), max)}`);
    }
  }
  if (plan.warnings && plan.warnings.length > 0) {
    out.push('', 'Rule warnings:', ...plan.warnings.map((w) => `  - ${w}`));
  }
  return `${out.join('\n')}\n`;
}
