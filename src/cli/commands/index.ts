import type { RegisterCommand } from '../command';
import { registerAudit } from './audit';
import { registerReconcile } from './reconcile';
import { registerStart } from './start';
import { registerSyncUser } from './sync-user';
import { registerWorker } from './worker';
import { registerDemo } from './demo';
import { registerDoctor } from './doctor';
import { registerSimulate } from './simulate';
import { registerStatus } from './status';
import { registerHooks } from './hooks';

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
  registerHooks,
];
