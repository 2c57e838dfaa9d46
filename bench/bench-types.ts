/**
 * The contract between `bench/index.ts` and each `bench/*.bench.ts` module: a module exports
 * `run()`, which measures something and returns figures; the runner prints them as one table.
 */

/** One measured number. `target` is an upper bound the figure should stay under, when there is one. */
export interface BenchFigure {
  label: string;
  value: number;
  unit: string;
  target?: number;
}

/** One measured case (e.g. "plan 100k Okta × 10k HubSpot, role seats"). */
export interface BenchResult {
  name: string;
  figures: BenchFigure[];
  /** Context a reader needs to trust the numbers (sizes, what was counted). */
  notes?: string[];
}

/** What a `*.bench.ts` module exports. */
export interface BenchModule {
  run(): Promise<BenchResult[]>;
}
