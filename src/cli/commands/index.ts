import type { Command } from 'commander';
import { registerAudit } from './audit';
import { registerReconcile } from './reconcile';
import { registerStart } from './start';
import { registerSyncUser } from './sync-user';
import { registerWorker } from './worker';
import { registerDemo } from './demo';
import { registerDoctor } from './doctor';
import { registerSimulate } from './simulate';
import { registerStatus } from './status';

/** Registers one CLI command on the program. */
export type RegisterCommand = (program: Command) => void;

/** Every command, in the order `--help` lists them. Add a command here only once it works. */
export const commands: RegisterCommand[] = [
  registerDemo,
  registerSimulate,
  registerDoctor,
  registerStatus,
  registerAudit,
  registerStart,
  registerWorker,
  registerReconcile,
  registerSyncUser,
];
