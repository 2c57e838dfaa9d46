import type { Command } from 'commander';
import { ConfigError, loadRulesFile, type Config } from '../../../config/load';
import type { Rules } from '../../../config/rules-schema';
import { renderRulesDiff, whatIfJson } from '../../sync/rules-diff';
import type { Daemon } from '../../daemon/daemon';
import { createOneShotDaemon } from '../../daemon/one-shot-daemon';
import { HoldNotPendingError } from '../../daemon/command-facades';
import { createRedactor } from '../../lib/redact';
import type { Approval } from '../../state/approval-store';
import type { PlanRecord } from '../../state/plan-store';
import { renderPlanTable } from '../../sync/plan-render';
import { configOrExit } from '../cli-config';
import { startReconcileProgress } from '../reconcile-progress';
import { commandLogger, finish, writeOut, type RegisterCommand } from '../command';

/** Who decided, in the approval store and the audit trail, when the CLI did. */
const CLI_OPERATOR = 'operator via CLI';

/** The `--json` document of a reconciliation. */
export interface ReconcileJson {
  planId: string;
  dryRun: boolean;
  summary: PlanRecord['summary'];
  actions: PlanRecord['plan']['actions'];
  /** Deletions were held by the guard (nothing of them was deleted). */
  halted: boolean;
  /** The approval that releases the held deletions (`reconcile --approve <approvalId>`). */
  approvalId?: string;
  held?: PlanRecord['plan']['held'];
  outcome: PlanRecord['outcome'];
}

function toJson(record: PlanRecord): ReconcileJson {
  const halted = (record.plan.held?.actions.length ?? 0) > 0;
  return {
    planId: record.id,
    dryRun: record.dryRun,
    summary: record.summary,
    actions: record.plan.actions,
    halted,
    ...(record.approvalId ? { approvalId: record.approvalId } : {}),
    ...(record.plan.held ? { held: record.plan.held } : {}),
    outcome: record.outcome,
  };
}

/**
 * Writes the `--json` document of a stored plan, its actions read from the store one chunk at a
 * time: the same document as `JSON.stringify(toJson(record))`, without holding every action.
 */
async function writeJsonStreamed(daemon: Daemon, record: PlanRecord): Promise<void> {
  const { actions: _none, ...rest } = toJson(record);
  const head = JSON.stringify({ planId: rest.planId, dryRun: rest.dryRun, summary: rest.summary });
  const tail = JSON.stringify({ halted: rest.halted, ...(rest.approvalId ? { approvalId: rest.approvalId } : {}), ...(rest.held ? { held: rest.held } : {}), outcome: rest.outcome });
  await writeOut(`${head.slice(0, -1)},"actions":[`);
  let first = true;
  for await (const chunk of daemon.reconcileCommands.actionChunks(record.id)) {
    if (chunk.length > 0) {
      const text = JSON.stringify(chunk).slice(1, -1);
      await writeOut(first ? text : `,${text}`);
      first = false;
    }
  }
  await writeOut(`],${tail.slice(1)}\n`);
}

function toText(record: PlanRecord): string {
  const lines = [renderPlanTable(record.plan), ''];
  const o = record.outcome;
  if (record.dryRun) {
    lines.push(`Dry run (plan ${record.id}): nothing was changed in HubSpot.`);
  } else if (o) {
    const a = o.applied;
    lines.push(
      `Plan ${record.id} carried out in ${(o.durationMs / 1000).toFixed(1)} s: ${a.create} created, ${a.update} updated, ${a.delete} deleted, ${a.adopt} adopted, ${a.unchanged} unchanged; ${o.failures.length} failed.`,
    );
    for (const f of o.failures) {
      lines.push(`  failed: ${f.reason}`);
    }
  }
  const held = record.plan.held;
  if (held && held.actions.length > 0) {
    lines.push(`${held.actions.length} deletions are HELD by the deletion guard: ${held.reason}`);
    if (record.approvalId) {
      lines.push(`They wait in hold ${record.approvalId}. Approve with: okta-hubspot-sync reconcile --approve ${record.approvalId}   (or reject: --reject ${record.approvalId})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Decides a hold as the CLI's operator, or says why it cannot and exits 1. */
async function decideOrExit(daemon: Daemon, id: string, decision: 'approve' | 'reject'): Promise<Approval> {
  try {
    return await daemon.reconcileCommands.decide(id, decision, CLI_OPERATOR);
  } catch (err) {
    if (err instanceof HoldNotPendingError) {
      process.stderr.write(`${err.message}\n`);
      return finish(daemon, 1);
    }
    throw err;
  }
}

async function reject(config: Config, approvalId: string, json: boolean): Promise<void> {
  const daemon = await createOneShotDaemon(config, { roles: {}, logger: commandLogger(config) });
  const approval = await decideOrExit(daemon, approvalId, 'reject');
  const n = approval.held.length;
  const text = json
    ? `${JSON.stringify({ rejected: approvalId, deletions: n })}\n`
    : `Rejected hold ${approvalId}: its ${n} users stay in HubSpot (nothing deleted) until they come back into scope and leave again.\n`;
  await finish(daemon, 0, text);
}

/**
 * `reconcile`: one full reconciliation now, waiting until its per-user jobs are done. Works alone
 * (it runs workers itself) or beside a running daemon (the reconciliation lock makes it wait
 * for one already running, never run beside it). `--dry-run` plans only; the HubSpot client
 * then refuses every mutating call.
 */
export const registerReconcile: RegisterCommand = (program: Command) => {
  program
    .command('reconcile')
    .description('Run one full reconciliation now and print the plan and what was done')
    .option('--dry-run', 'plan only: no change in HubSpot (mutating calls are refused)')
    .option('--json', 'print {"summary","actions","halted","approvalId"?,…} as JSON')
    .option('--approve <holdId>', 'approve the held deletions of this hold (its id as `status` and the status page show it), carry them out, then reconcile')
    .option('--reject <holdId>', 'reject the held deletions of this hold: those users stay in HubSpot (nothing else runs)')
    .option('--rules <file>', 'with --dry-run: also plan with this proposed rules file (from the same read) and print what would change')
    .action(async (opts: { dryRun?: boolean; json?: boolean; approve?: string; reject?: string; rules?: string }) => {
      const config = configOrExit();
      if (!config) {
        return;
      }
      const redactor = createRedactor(config.secrets);
      const json = opts.json === true;
      if (opts.approve && opts.reject) {
        process.stderr.write('use either --approve or --reject, not both\n');
        process.exit(2);
      }
      if (opts.dryRun && (opts.approve || opts.reject)) {
        process.stderr.write('--dry-run cannot approve or reject\n');
        process.exit(2);
      }
      if (opts.rules !== undefined && !opts.dryRun) {
        process.stderr.write('--rules tries a proposed rules file: use it with --dry-run\n');
        process.exit(2);
      }
      let proposed: Rules | null = null;
      if (opts.rules !== undefined) {
        try {
          proposed = loadRulesFile(opts.rules).rules;
        } catch (err) {
          process.stderr.write(`${err instanceof ConfigError ? err.problems.join('\n') : String(err)}\n`);
          process.exit(2);
        }
      }
      let daemon: Daemon | null = null;
      try {
        if (proposed !== null && opts.rules !== undefined) {
          daemon = await createOneShotDaemon(config, { roles: {}, dryRun: true, logger: commandLogger(config) });
          const outcome = await daemon.reconcileCommands.whatIf(proposed);
          const note = 'Dry run: nothing was changed in HubSpot; no plan was stored.';
          await finish(daemon, 0, json ? `${JSON.stringify(whatIfJson(opts.rules, outcome))}\n` : `What-if: the rules in ${opts.rules} compared with the current rules\n\n${renderRulesDiff(outcome.diff)}\n${note}\n`);
          return;
        }
        if (opts.reject) {
          await reject(config, opts.reject, json);
          return;
        }
        if (opts.dryRun) {
          daemon = await createOneShotDaemon(config, { roles: {}, dryRun: true, logger: commandLogger(config) });
          if (json) {
            await writeJsonStreamed(daemon, await daemon.reconcileCommands.dryRun({ actions: false }));
            await finish(daemon, 0);
          }
          const record = await daemon.reconcileCommands.dryRun();
          await finish(daemon, 0, toText(record));
          return;
        }
        daemon = await createOneShotDaemon(config, { roles: { workers: true }, logger: commandLogger(config) });
        await daemon.start();
        if (opts.approve) {
          // The same release as the status page and the API: each held user is synced again at once.
          await decideOrExit(daemon, opts.approve, 'approve');
        }
        const stopProgress = startReconcileProgress(daemon.reconcileCommands.progress);
        const record = await daemon.reconcileCommands.reconcileNow(opts.approve ? 'approve' : 'manual').finally(stopProgress);
        await finish(daemon, 0, json ? `${JSON.stringify(toJson(record))}\n` : toText(record));
      } catch (err) {
        process.stderr.write(`reconciliation did not run: ${redactor.redactString(err instanceof Error ? err.message : String(err))}\n`);
        await finish(daemon, 1);
      }
    });
};
