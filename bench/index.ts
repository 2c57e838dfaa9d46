import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { BenchFigure, BenchModule, BenchResult } from './bench-types';

/**
 * Runs every `*.bench` module in this folder (or those named on the command line:
 * `npm run bench -- plan`) and prints one table of figures, with the ratio to each target.
 * `--strict` makes a missed target exit non-zero.
 */

const ext = path.extname(__filename);
const suffix = `.bench${ext}`;

function fmt(value: number): string {
  if (Number.isInteger(value)) {
    return value.toLocaleString('en-US');
  }
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

function row(bench: string, result: BenchResult, f: BenchFigure): string[] {
  const ratio = f.target !== undefined && f.target > 0 ? f.value / f.target : null;
  return [
    bench,
    result.name,
    f.label,
    `${fmt(f.value)} ${f.unit}`,
    f.target === undefined ? '' : `< ${fmt(f.target)} ${f.unit}`,
    ratio === null ? '' : `${ratio.toFixed(2)}× ${ratio < 1 ? 'ok' : 'MISSED'}`,
  ];
}

function print(rows: string[][]): void {
  const header = ['BENCH', 'CASE', 'FIGURE', 'VALUE', 'TARGET', 'RATIO'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const r of [header, ...rows]) {
    console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const strict = args.includes('--strict');
  const names = args.filter((a) => !a.startsWith('--'));
  const available = readdirSync(__dirname)
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .sort();
  const selected = names.length === 0 ? available : available.filter((n) => names.includes(n));
  if (selected.length === 0) {
    console.error(`No benchmark named ${names.join(', ')}. Available: ${available.join(', ') || '(none)'}`);
    process.exitCode = 1;
    return;
  }
  const rows: string[][] = [];
  const notes: string[] = [];
  let missed = false;
  for (const name of selected) {
    const started = Date.now();
    console.error(`running ${name}…`);
    const mod = (await import(path.join(__dirname, `${name}${suffix}`))) as Partial<BenchModule>;
    if (typeof mod.run !== 'function') {
      console.error(`${name}${suffix} exports no run(): skipped`);
      continue;
    }
    const results = await mod.run();
    for (const result of results) {
      for (const f of result.figures) {
        rows.push(row(name, result, f));
        missed ||= f.target !== undefined && f.value >= f.target;
      }
      notes.push(...(result.notes ?? []).map((n) => `${name} / ${result.name}: ${n}`));
    }
    console.error(`${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  print(rows);
  if (notes.length > 0) {
    console.log('');
    notes.forEach((n) => console.log(`- ${n}`));
  }
  if (strict && missed) {
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
