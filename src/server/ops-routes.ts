import { Router, type Request, type Response } from 'express';
import type { Redactor } from '../lib/redact';
import type { OperatorContext, OpsActionResult, OpsActions, StatusSource, UserLookup } from './ops-types';
import type { QueueCounts } from './queue-view';
import { redactJson } from './redact-json';
import { isNoticeCode, renderStatusPage, renderStatusSections, STATUS_SCRIPT_PATH, type NoticeCode } from './status-page';
import { loadStatusSnapshot } from './status-snapshot';
import { STATUS_LIVE_SCRIPT } from './status-live-script';
import { renderUserPage, type UserPageData } from './user-page';

export interface OpsRoutesDeps {
  status: StatusSource;
  actions: OpsActions;
  queueCounts: () => Promise<Record<string, QueueCounts>>;
  writesEnabled: boolean;
  redactor: Redactor;
  formToken: () => string;
  dashboardPath: string;
  /** Asks Okta and HubSpot about one user for the user page; without it the page shows only the daemon's record. */
  lookupUser?: (email: string) => Promise<UserLookup>;
}

const MAX_LIMIT = 1000;

/** A `?limit=` value: a whole number in [1, 1000], or the default. */
export function parseLimit(value: unknown, fallback: number): number {
  if (typeof value !== 'string' || !/^\d{1,6}$/.test(value)) {
    return fallback;
  }
  return Math.min(MAX_LIMIT, Math.max(1, Number(value)));
}

function queryString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 320) : undefined;
}

function noticeFor(result: OpsActionResult, done: NoticeCode): NoticeCode {
  return result.ok ? done : result.reason;
}

const STATUS_OF = { 'not-found': 404, conflict: 409, invalid: 400 } as const;

/**
 * The status page and its JSON API. Mounted behind authentication, the read-only check and the
 * cross-site guard. Every answer passes through the redactor; a form post answers with a
 * redirect to the page (with a fixed notice), a JSON post with the action's result.
 */
export function createOpsRoutes(deps: OpsRoutesDeps): Router {
  const router = Router();
  const redact = <T>(value: T): T => redactJson(deps.redactor, value);

  const snapshot = (auditUser: string | undefined, auditLimit?: number) =>
    loadStatusSnapshot(
      { status: deps.status, queueCounts: deps.queueCounts, writesEnabled: deps.writesEnabled },
      { auditUser, ...(auditLimit ? { auditLimit } : {}) },
    );

  router.get('/', async (req: Request, res: Response) => {
    const s = redact(await snapshot(queryString(req.query.user)));
    const styleNonce = String(res.locals.styleNonce ?? '');
    const notice = isNoticeCode(req.query.notice) ? req.query.notice : undefined;
    res
      .type('html')
      .send(renderStatusPage(s, { styleNonce, formToken: deps.formToken(), dashboardPath: deps.dashboardPath, notice }));
  });

  // Browsers ask for it on every page; an empty answer keeps their consoles free of 404s.
  router.get('/favicon.ico', (_req: Request, res: Response) => {
    res.status(204).end();
  });

  router.get(STATUS_SCRIPT_PATH, (_req: Request, res: Response) => {
    res.type('application/javascript').send(STATUS_LIVE_SCRIPT);
  });

  // The sections of the page that update themselves, drawn as the page draws them.
  router.get('/api/status/sections', async (req: Request, res: Response) => {
    const s = redact(await snapshot(queryString(req.query.user)));
    const sections = renderStatusSections(s, { styleNonce: '', formToken: deps.formToken(), dashboardPath: deps.dashboardPath });
    res.json({ generatedAt: s.generatedAt, sections });
  });

  async function userPageData(email: string): Promise<UserPageData> {
    const lookup = deps.lookupUser ? await deps.lookupUser(email) : null;
    const record = await deps.status.getUserRecord(email, lookup?.okta?.oktaUserId ?? null);
    return redact({ email, generatedAt: new Date().toISOString(), lookup, record });
  }

  /** A user page's email: the path segment, trimmed; null when it does not look like one. */
  function userEmail(raw: string): string | null {
    const email = raw.trim();
    return email.length > 0 && email.length <= 320 && email.includes('@') ? email : null;
  }

  router.get('/users/:email', async (req: Request<{ email: string }>, res: Response) => {
    const email = userEmail(req.params.email);
    if (!email) {
      res.status(404).json({ error: 'a user page is /users/<email>' });
      return;
    }
    const styleNonce = String(res.locals.styleNonce ?? '');
    res.type('html').send(renderUserPage(await userPageData(email), { styleNonce }));
  });

  router.get('/api/users/:email', async (req: Request<{ email: string }>, res: Response) => {
    const email = userEmail(req.params.email);
    if (!email) {
      res.status(404).json({ error: 'use /api/users/<email>' });
      return;
    }
    res.json(await userPageData(email));
  });

  router.get('/api/status', async (req: Request, res: Response) => {
    res.json(redact(await snapshot(queryString(req.query.user), parseLimit(req.query.limit, 50))));
  });

  router.get('/api/plans', async (req: Request, res: Response) => {
    res.json(redact({ plans: await deps.status.getLatestPlans(parseLimit(req.query.limit, 20)) }));
  });

  router.get('/api/plans/:id', async (req: Request<{ id: string }>, res: Response) => {
    const plan = await deps.status.getPlan(req.params.id);
    if (!plan) {
      res.status(404).json({ error: 'no such plan (it may have been trimmed)' });
      return;
    }
    res.json(redact(plan));
  });

  router.get('/api/approvals', async (_req: Request, res: Response) => {
    res.json(redact({ approvals: await deps.status.getPendingApprovals() }));
  });

  router.get('/api/audit', async (req: Request, res: Response) => {
    const user = queryString(req.query.user);
    const entries = await deps.status.getAudit({ ...(user ? { user } : {}), limit: parseLimit(req.query.limit, 100) });
    res.json(redact({ user: user ?? null, entries }));
  });

  router.get('/api/failed-jobs', async (req: Request, res: Response) => {
    res.json(redact({ jobs: await deps.status.getFailedJobs(parseLimit(req.query.limit, 50)) }));
  });

  function respond(req: Request, res: Response, result: OpsActionResult, done: NoticeCode): void {
    const isForm = typeof req.is('application/x-www-form-urlencoded') === 'string';
    if (isForm) {
      res.redirect(303, `/?notice=${encodeURIComponent(noticeFor(result, done))}`);
      return;
    }
    const clean = redact(result);
    res.status(clean.ok ? 200 : STATUS_OF[clean.reason]).json(clean);
  }

  function operator(req: Request): OperatorContext {
    const isForm = typeof req.is('application/x-www-form-urlencoded') === 'string';
    return { via: isForm ? 'page' : 'api', remoteAddress: req.socket.remoteAddress ?? null };
  }

  /** The number of deletions the operator saw (`deletions` in the form, the JSON body or the query), when given. */
  function expectedDeletions(req: Request): number | undefined {
    const body: unknown = req.body;
    const raw = (typeof body === 'object' && body !== null && 'deletions' in body ? (body as { deletions: unknown }).deletions : undefined) ?? req.query.deletions;
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
    return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
  }

  router.post('/api/approvals/:id/:decision', async (req: Request<{ id: string; decision: string }>, res: Response) => {
    const { id, decision } = req.params;
    if (decision === 'approve') {
      respond(req, res, await deps.actions.approve(id, operator(req), expectedDeletions(req)), 'approved');
    } else if (decision === 'reject') {
      respond(req, res, await deps.actions.reject(id, operator(req), expectedDeletions(req)), 'rejected');
    } else {
      res.status(404).json({ error: 'use /approve or /reject' });
    }
  });

  router.post('/api/jobs/:queue/:id/retry', async (req: Request<{ queue: string; id: string }>, res: Response) => {
    respond(req, res, await deps.actions.retryJob(req.params.queue, req.params.id, operator(req)), 'retried');
  });

  return router;
}
