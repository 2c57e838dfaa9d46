#!/usr/bin/env node
import { Command } from 'commander';
import { commands } from './commands';

/** Builds the `okta-hubspot-sync` command line. Each command lives in `src/cli/commands/<name>.ts`. */
export function buildProgram(): Command {
  const program = new Command('okta-hubspot-sync')
    .description('Keep HubSpot users in line with Okta: roles and paid seats from Okta Titles, with plans, dry runs and deletion safety.')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false });
  for (const register of commands) {
    register(program);
  }
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
