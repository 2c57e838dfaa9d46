import type { FlowProgress } from '../queue/reconcile-flow';
import type { PlanHeader } from '../state/plan-store';

const FRAME_MS = 500;
const BAR_WIDTH = 30;

/** One progress line: `applying plan-…  [#####-----]  120/456 users`. */
export function renderProgress(planId: string, done: number, total: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * BAR_WIDTH);
  return `applying ${planId}  [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]  ${done}/${total} users`;
}

/** What the progress line reads: the newest plan, and how far its flow has come. */
export interface ProgressSource {
  latestPlan(): Promise<PlanHeader | null>;
  flowProgress(planId: string): Promise<FlowProgress | null>;
}

/**
 * Shows a reconciliation's progress on a terminal (stderr): how many of its per-user jobs have
 * finished. Returns a function that stops and clears the line.
 */
export function startReconcileProgress(source: ProgressSource, stream: NodeJS.WriteStream = process.stderr): () => void {
  if (!stream.isTTY) {
    return () => undefined;
  }
  let shown = false;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) {
      return;
    }
    busy = true;
    (async () => {
      const header = await source.latestPlan();
      if (!header || header.status !== 'applying') {
        return;
      }
      const progress = await source.flowProgress(header.id);
      if (!progress) {
        return;
      }
      stream.write(`\r${renderProgress(header.id, progress.done, progress.total)}`);
      shown = true;
    })()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, FRAME_MS);
  return () => {
    clearInterval(timer);
    if (shown) {
      stream.write('\r\x1b[2K');
    }
  };
}
