import { z } from 'zod';

/** Tuning of the running daemon (not rules): rate budgets, retries, retention. Lives under `daemon:` in the YAML file. */
export const DaemonSchema = z
  .object({
    hubspot: z
      .object({
        requestsPerWindow: z.number().int().positive().default(150).describe('HubSpot requests this daemon may make per window, shared by every worker and replica. Leave room for other apps on the account.'),
        windowMs: z.number().int().positive().default(10_000).describe('Length of the HubSpot rate window (HubSpot uses a rolling 10 s).'),
        pageSize: z.number().int().min(1).max(100).default(100).describe('Users per page when listing HubSpot users (HubSpot serves at most 100).'),
        timeoutMs: z.number().int().positive().default(30_000).describe('Timeout of one HubSpot request.'),
      })
      .prefault({}),
    okta: z
      .object({
        pageSize: z.number().int().min(1).max(500).default(500).describe('App users per page (Okta allows up to 500).'),
        logPageSize: z.number().int().min(1).max(1000).default(1000).describe('System Log events per page (Okta allows up to 1000).'),
        timeoutMs: z.number().int().positive().default(30_000).describe('Timeout of one Okta request.'),
        historyDays: z.number().int().min(1).max(90).default(90).describe('How far back the ledger rebuild reads the System Log (Okta keeps 90 days).'),
      })
      .prefault({}),
    jobs: z
      .object({
        attempts: z.number().int().min(1).default(8).describe('Attempts per sync job for transient failures.'),
        backoffMs: z.number().int().positive().default(2_000).describe('First retry delay; doubles each attempt, with jitter.'),
        concurrency: z.number().int().positive().default(8).describe('Sync jobs run at once per worker process.'),
        debounceMs: z.number().int().nonnegative().default(1_000).describe('Events for one user within this window collapse into one job.'),
        keepCompleted: z.number().int().nonnegative().default(5_000).describe('Completed jobs kept for the dashboard.'),
        keepFailedDays: z.number().int().nonnegative().default(14).describe('Days failed jobs are kept.'),
        maxRateLimitedStarts: z.number().int().positive().default(50).describe('A job pushed back by rate limits more often than this fails with a reason.'),
      })
      .prefault({}),
    hooks: z
      .object({
        maxBodyBytes: z.number().int().min(1024).default(8 * 1024 * 1024).describe('Largest event hook request accepted (larger ones get 413). A delivery of 1,000 events is about 1.5 MB.'),
        dedupeTtlSeconds: z.number().int().min(60).default(6 * 3600).describe('How long an event uuid is remembered, so the same event from the hook and the poll (or twice from the hook) is acted on once. Bounds the memory: one small key per event in this window.'),
        debounceMs: z.number().int().nonnegative().default(100).describe('Delay of the sync job an event hook starts (events for one user within it collapse into one job); the poll uses jobs.debounceMs.'),
        missedGraceSeconds: z.number().int().nonnegative().default(30).describe('An event the poll finds first, published longer ago than this, counts as missed by the hook (metric and status page).'),
      })
      .prefault({}),
    shutdownGraceMs: z.number().int().positive().default(25_000).describe('Time in-flight jobs get to finish on SIGTERM before they are handed back.'),
    auditMaxEntries: z.number().int().positive().default(100_000).describe('Audit trail length kept in Redis (approximate trimming).'),
    plansKept: z.number().int().positive().default(20).describe('Recent plans kept for the CLI and the status page.'),
    allowWrites: z.boolean().default(false).describe('Allow writes from the ops server (approve, reject, retry, dashboard actions). Read-only when false.'),
  })
  .strict();

/** Daemon tuning after defaults. */
export type DaemonSettings = z.infer<typeof DaemonSchema>;
