import type { Command } from 'commander';
import { registerSimulate } from './simulate';

/** Registers one CLI command on the program. */
export type RegisterCommand = (program: Command) => void;

/** Every command, in the order `--help` lists them. Add a command here only once it works. */
export const commands: RegisterCommand[] = [
  registerSimulate,
];
