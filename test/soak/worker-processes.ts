import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * `okta-hubspot-sync worker` child processes that a chaos run kills with SIGKILL and starts
 * again. `dist` runs the built CLI (`npm run build` first); `source` runs the TypeScript sources
 * through SWC, like the CLI tests, so no build is needed.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const BUILT_MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SOURCE_MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
const SWC_REGISTER = path.join(ROOT, 'test', 'integration', 'pipeline', 'swc-register.js');

export type WorkerCommand = 'dist' | 'source';

export interface WorkerPoolOptions {
  count: number;
  command: WorkerCommand;
  /** The whole environment of each child (PATH is added). */
  env: Record<string, string>;
  /** Every line a child writes, with the child's name. */
  onOutput: (line: string, child: string) => void;
  /** How long a child may take to log "daemon started" (default 60 s). */
  startTimeoutMs?: number;
}

/** How a child ended when the pool stopped it. */
export interface WorkerExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Slot {
  name: string;
  child: ChildProcess;
  exited: Promise<WorkerExit>;
  started: Promise<void>;
}

/** Whether the built CLI exists (`npm run build`). */
export function builtCliExists(): boolean {
  return existsSync(BUILT_MAIN);
}

export function createWorkerPool(opts: WorkerPoolOptions) {
  const slots: Slot[] = [];
  let spawned = 0;
  let kills = 0;
  let next = 0;

  function launch(): Slot {
    const name = `worker-${++spawned}`;
    const args = opts.command === 'dist' ? [BUILT_MAIN, 'worker'] : ['-r', SWC_REGISTER, SOURCE_MAIN, 'worker'];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let markStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const reader = (stream: NodeJS.ReadableStream | null) => {
      let rest = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (line.includes('daemon started')) {
            markStarted();
          }
          opts.onOutput(line, name);
        }
      });
      stream?.on('end', () => {
        if (rest !== '') opts.onOutput(rest, name);
      });
    };
    reader(child.stdout);
    reader(child.stderr);
    const exited = new Promise<WorkerExit>((resolve) => child.on('exit', (code, signal) => resolve({ name, code, signal })));
    return { name, child, exited, started };
  }

  async function waitStarted(slot: Slot): Promise<void> {
    const timeout = opts.startTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const failed = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${slot.name} did not start within ${timeout} ms`)), timeout);
      void slot.exited.then((e) => reject(new Error(`${slot.name} exited before it started (code ${e.code}, signal ${e.signal})`)));
    });
    try {
      await Promise.race([slot.started, failed]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    /** Starts `count` children and waits until each has started. */
    async start(): Promise<void> {
      for (let i = 0; i < opts.count; i++) {
        slots.push(launch());
      }
      await Promise.all(slots.map(waitStarted));
    },
    /** Kills one child (round robin) with SIGKILL, waits for it to die, and starts a new one in its place. */
    async killOne(): Promise<string | null> {
      if (slots.length === 0) {
        return null;
      }
      const i = next++ % slots.length;
      const victim = slots[i];
      if (!victim) {
        return null;
      }
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills++;
      slots[i] = launch();
      return victim.name;
    },
    /** Asks every child to stop (SIGTERM) and waits for them; a child still alive after `graceMs` is killed. */
    async stop(graceMs = 30_000): Promise<WorkerExit[]> {
      const all = slots.splice(0);
      for (const s of all) {
        s.child.kill('SIGTERM');
      }
      const timer = setTimeout(() => all.forEach((s) => s.child.kill('SIGKILL')), graceMs);
      try {
        return await Promise.all(all.map((s) => s.exited));
      } finally {
        clearTimeout(timer);
      }
    },
    kills: () => kills,
    spawned: () => spawned,
  };
}

/** The worker pool's API. */
export type WorkerPool = ReturnType<typeof createWorkerPool>;
