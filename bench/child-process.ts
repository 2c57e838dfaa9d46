import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Runs a bench script in a fresh Node process (so its memory peak is its own) and returns the
 * JSON it prints on its last stdout line. The script is resolved next to the caller's file with
 * the caller's extension, so this works both from `dist/bench/*.js` and under a TypeScript loader.
 */
export function runInChild(callerFile: string, script: string, args: string[], nodeFlags: string[] = ['--expose-gc']): Promise<unknown> {
  const file = path.join(path.dirname(callerFile), `${script}${path.extname(callerFile)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...nodeFlags, file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${script} exited with code ${code}`));
        return;
      }
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} printed no JSON result: ${last.slice(0, 200)}`));
      }
    });
  });
}
