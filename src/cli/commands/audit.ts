import { InvalidArgumentError, type Command } from 'commander';
import { renderAuditText } from '../../server/status-text';
import type { RegisterCommand } from '../command';
import { printFromRedis } from '../cli-config';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 100_000) {
    throw new InvalidArgumentError('must be a whole number from 1 to 100000');
  }
  return n;
}

/** `audit`: the audit trail, newest first, optionally for one user. */
export const registerAudit: RegisterCommand = (program: Command) => {
  program
    .command('audit')
    .description('Show the audit trail of changes the daemon made or refused, newest first')
    .option('--user <email>', "only this user's entries (by email, any case)")
    .option('--limit <n>', 'at most this many entries', positiveInt, 50)
    .option('--json', 'print the entries as JSON')
    .action((opts: { user?: string; limit: number; json?: boolean }) =>
      printFromRedis(
        'the audit trail',
        opts.json === true,
        (reader) => reader.status.getAudit({ ...(opts.user ? { user: opts.user } : {}), limit: opts.limit }),
        renderAuditText,
      ),
    );
};
