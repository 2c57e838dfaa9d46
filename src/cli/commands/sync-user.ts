import type { Command } from 'commander';
import type { Daemon } from '../../daemon/daemon';
import { createOneShotDaemon } from '../../daemon/one-shot-daemon';
import { createRedactor } from '../../lib/redact';
import { renderPlanTable } from '../../sync/plan-render';
import { configOrExit } from '../cli-config';
import { commandLogger, finish, type RegisterCommand } from '../command';

/**
 * `sync-user <oktaUserId|login>`: plans and carries out one user now (through the queue, so it
 * never runs beside another job for the same user) and prints what was done and why.
 * `--dry-run` prints the plan only.
 */
export const registerSyncUser: RegisterCommand = (program: Command) => {
  program
    .command('sync-user')
    .description('Make one Okta user right in HubSpot now and print what was done and why')
    .argument('<user>', 'Okta user id (00u…) or login')
    .option('--dry-run', 'plan only: no change in HubSpot')
    .option('--json', 'print the result as JSON')
    .action(async (user: string, opts: { dryRun?: boolean; json?: boolean }) => {
      const config = configOrExit();
      if (!config) {
        return;
      }
      const redactor = createRedactor(config.secrets);
      let daemon: Daemon | null = null;
      try {
        daemon = await createOneShotDaemon(config, { roles: opts.dryRun ? {} : { workers: true }, dryRun: opts.dryRun === true, logger: commandLogger(config) });
        const oktaUserId = await daemon.userCommands.resolveUser(user);
        if (!oktaUserId) {
          process.stderr.write(`no Okta user "${user}" (and no managed user with that id)\n`);
          await finish(daemon, 1);
          return;
        }
        const plan = await daemon.userCommands.planUser(oktaUserId);
        if (opts.dryRun) {
          const text = opts.json ? `${JSON.stringify({ oktaUserId, dryRun: true, plan })}\n` : `${renderPlanTable(plan, { skips: 'all' })}\nDry run: nothing was changed in HubSpot.\n`;
          await finish(daemon, 0, text);
          return;
        }
        await daemon.start();
        const result = await daemon.userCommands.syncUserNow(oktaUserId);
        if (opts.json) {
          await finish(daemon, 0, `${JSON.stringify({ ...result, plan })}\n`);
          return;
        }
        const lines = [`${result.email ?? oktaUserId} (Okta ${oktaUserId}):`];
        for (const a of result.applied) {
          lines.push(`  ${a.kind} HubSpot user ${a.hubspotUserId ?? '-'}: ${a.reason}`);
        }
        for (const s of result.skipped) {
          lines.push(`  nothing done (${s.code}): ${s.reason}`);
        }
        if (result.held > 0) {
          lines.push(`  deletion HELD by the deletion guard; see pending approvals (okta-hubspot-sync status)`);
        }
        if (result.applied.length === 0 && result.skipped.length === 0 && result.held === 0) {
          lines.push('  already in sync: nothing to do');
        }
        await finish(daemon, 0, `${lines.join('\n')}\n`);
      } catch (err) {
        process.stderr.write(`sync-user failed: ${redactor.redactString(err instanceof Error ? err.message : String(err))}\n`);
        await finish(daemon, 1);
      }
    });
};
