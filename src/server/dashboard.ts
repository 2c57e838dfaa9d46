import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';
import type { Redactor } from '../lib/redact';
import { createJobDataFormatter } from './job-data-formatter';
import { redactJson } from './redact-json';

/** Where the dashboard is mounted. bull-board needs the same path as its base path. */
export const DASHBOARD_PATH = '/admin/queues';

export interface DashboardOptions {
  queues: Readonly<Record<string, Queue>>;
  /** false: bull-board hides its buttons and answers 405 to every write. */
  allowWrites: boolean;
  redactor: Redactor;
  /**
   * Ms left of the pause an API's 429 asked for on a queue. The dashboard's "rate limited" shows
   * this instead of BullMQ's limiter key, which the worker's own limiter keeps alive whenever jobs
   * run (it read "rate limited" with no 429 at all). Without it, nothing is shown as rate limited.
   */
  rateLimitedMs?: (queue: string) => Promise<number>;
}

/** A bull-board adapter whose "rate limited" means an API answered 429, not that jobs ran. */
class ApiRateLimitAdapter extends BullMQAdapter {
  constructor(
    queue: Queue,
    options: ConstructorParameters<typeof BullMQAdapter>[1],
    private readonly limitedMs: (queue: string) => Promise<number>,
    private readonly queueName: string,
  ) {
    super(queue, options);
  }

  override async getActiveRateLimitTtl(): Promise<number> {
    return this.limitedMs(this.queueName).catch(() => 0);
  }
}

/**
 * The bull-board queue dashboard for every queue. It has no authentication of its own: mount it
 * behind the admin check. Job data passes through a formatter that hides personal fields beyond
 * the email; every answer (failure reasons and stack traces too) passes through the redactor;
 * Redis details are hidden.
 */
export function createDashboardRouter(opts: DashboardOptions): Router {
  const formatData = createJobDataFormatter(opts.redactor);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  const limitedMs = opts.rateLimitedMs ?? (() => Promise.resolve(0));
  const adapters = Object.values(opts.queues).map((queue) => {
    const adapter = new ApiRateLimitAdapter(queue, { readOnlyMode: !opts.allowWrites, allowRetries: opts.allowWrites }, limitedMs, queue.name);
    adapter.setFormatter('data', formatData);
    adapter.setFormatter('returnValue', formatData);
    return adapter;
  });
  createBullBoard({
    queues: adapters,
    serverAdapter,
    options: {
      // Failure reasons and stack traces are not covered by formatters: every answer is redacted.
      handlerHooks: { after: (_context, result) => ({ ...result, body: redactJson(opts.redactor, result.body) }) },
      uiConfig: {
        boardTitle: opts.allowWrites ? 'okta-hubspot-sync' : 'okta-hubspot-sync (read-only)',
        hideDocsLink: true,
        hideRedisDetails: true,
        miscLinks: [{ text: 'Status page', url: '/' }],
      },
    },
  });
  const router: unknown = serverAdapter.getRouter();
  return router as Router;
}
