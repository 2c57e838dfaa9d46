import { Job } from 'bullmq';
import type { Daemon } from '../daemon/daemon';
import { jobId } from '../queue/job-ids';

const FRAME_MS = 500;
const BAR_WIDTH = 30;

/** One progress line: `applying plan-…  [#####-----]  120/456 users`. */
export function renderProgress(planId: string, done: number, total: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * BAR_WIDTH);
  return `applying ${planId}  [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]  ${done}/${total} users`;
}

/**
 * Shows a reconciliation's progress on a terminal (stderr), read from the flow's summary job:
 * how many of its per-user jobs have finished. Returns a function that stops and clears the line.
 */
export function startReconcileProgress(daemon: Daemon, stream: NodeJS.WriteStream = process.stderr): () => void {
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
      const [header] = await daemon.state.plans.list(1);
      if (!header || header.status !== 'applying') {
        return;
      }
      const summary = await Job.fromId(daemon.queues.queue('reconcile-summary'), jobId('summary', header.id));
      if (!summary) {
        return;
      }
      const counts = await summary.getDependenciesCount();
      const data = summary.data as { jobs?: number };
      const total = data.jobs ?? 0;
      // The flow also waits on one gate job, which is not a user.
      const done = Math.max(0, Math.min(total, (counts.processed ?? 0) + (counts.failed ?? 0) + (counts.ignored ?? 0) - 1));
      stream.write(`\r${renderProgress(header.id, done, total)}`);
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
