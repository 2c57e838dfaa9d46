import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ConfigError, parseRulesText } from '../../config/load';
import type { Rules } from '../../config/rules-schema';
import { errorMessage } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { Redactor } from '../lib/redact';
import { whatIfJson } from '../sync/rules-diff';
import type { WhatIf } from '../../workers/reconcile.worker';
import type { OperatorContext } from './ops-types';
import { redactJson } from './redact-json';
import { renderWhatIfPage, type WhatIfPageResult } from './what-if-page';
import { WHAT_IF_API_PATH, WHAT_IF_CONTENT_TYPES, WHAT_IF_MAX_BYTES, WHAT_IF_PAGE_PATH } from './what-if-paths';

/** Plans the current and the proposed rules from one read of both sides (the reconciler's `whatIf`); writes nothing. */
export type RunWhatIf = (proposed: Rules) => Promise<WhatIf>;

/** How the proposed rules are named in the problems and in the JSON answer. */
const SOURCE = 'proposed rules';
const MAX_MIB = WHAT_IF_MAX_BYTES / (1024 * 1024);
/** Asked to wait this long when no what-if has finished yet to tell how long one takes. */
const FIRST_RETRY_AFTER_MS = 10_000;

/** The POST routes that change nothing: allowed while the ops server is read-only. */
export function isReadOnlyPost(req: Pick<Request, 'method' | 'path'>): boolean {
  return req.method === 'POST' && (req.path === WHAT_IF_API_PATH || req.path === WHAT_IF_PAGE_PATH);
}

function tooLarge(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'status' in err && err.status === 413;
}

/**
 * The what-if's body parsers, mounted before the ops server's small (16 KiB) ones: the API takes
 * the file itself as the body (YAML, JSON or plain text, up to 1 MiB), the page's form its
 * `rules` field. A body beyond the limit is answered 413 with the limit.
 */
export function whatIfBodyParser(): RequestHandler {
  const text = express.text({ type: [...WHAT_IF_CONTENT_TYPES], limit: WHAT_IF_MAX_BYTES });
  // A form field is percent-encoded: up to three bytes are sent for one of the file.
  const form = express.urlencoded({ extended: false, limit: 3 * WHAT_IF_MAX_BYTES });
  return function parseWhatIfBody(req: Request, res: Response, next: NextFunction): void {
    const parser = req.method !== 'POST' ? null : req.path === WHAT_IF_API_PATH ? text : req.path === WHAT_IF_PAGE_PATH ? form : null;
    if (parser === null) {
      next();
      return;
    }
    parser(req, res, (err?: unknown) => {
      if (!tooLarge(err)) {
        next(err);
        return;
      }
      const message = `the proposed rules file is larger than ${MAX_MIB} MiB`;
      if (req.path === WHAT_IF_API_PATH) {
        res.status(413).json({ error: message });
      } else {
        res.status(413).type('text/plain').send(`${message}.`);
      }
    });
  };
}

/** A what-if's result, whichever way it was asked for. */
type Attempt = { kind: 'done'; outcome: WhatIf; generatedAt: string } | Exclude<WhatIfPageResult, { kind: 'diff' }>;

export interface WhatIfRoutesDeps {
  /** Without it (a process with no Okta and HubSpot access) the routes say the what-if is not available here. */
  whatIf?: RunWhatIf;
  redactor: Redactor;
  logger: Logger;
  formToken: () => string;
}

/**
 * `POST /api/rules/what-if` and the page `/rules/what-if`: a proposed rules file, validated by
 * the one parser of rules files (`config/load.ts`), planned with the current rules from one read
 * of Okta and HubSpot, and what would change (the `reconcile --dry-run --rules FILE` answer).
 * Nothing is written to HubSpot and no plan is stored, so it is allowed while the server is
 * read-only; it reads every user on both sides, so one runs at a time (409 with Retry-After).
 */
export function createWhatIfRoutes(deps: WhatIfRoutesDeps): Router {
  const router = Router();
  const log = deps.logger.child({ component: 'what-if' });
  let runningSince: number | null = null;
  let lastDurationMs: number | null = null;

  function retryAfterSeconds(): number {
    const elapsed = runningSince === null ? 0 : Date.now() - runningSince;
    return Math.max(1, Math.ceil(((lastDurationMs ?? FIRST_RETRY_AFTER_MS) - elapsed) / 1000));
  }

  async function attempt(text: string, by: OperatorContext): Promise<Attempt> {
    if (!deps.whatIf) {
      return { kind: 'unavailable' };
    }
    if (text.trim() === '') {
      return { kind: 'invalid', problems: [`${SOURCE}: empty: send the whole rules file (its rules: section, as in the file the daemon reads)`] };
    }
    if (Buffer.byteLength(text, 'utf8') > WHAT_IF_MAX_BYTES) {
      return { kind: 'invalid', problems: [`${SOURCE}: larger than ${MAX_MIB} MiB`] };
    }
    let rules: Rules;
    try {
      rules = parseRulesText(text, SOURCE).rules;
    } catch (err) {
      if (err instanceof ConfigError) {
        return { kind: 'invalid', problems: err.problems.map((p) => deps.redactor.redactString(p)) };
      }
      throw err;
    }
    if (runningSince !== null) {
      return { kind: 'busy', retryAfterSeconds: retryAfterSeconds() };
    }
    runningSince = Date.now();
    try {
      const outcome = await deps.whatIf(rules);
      lastDurationMs = Date.now() - runningSince;
      const d = outcome.diff;
      log.info('what-if tried', { via: by.via, remoteAddress: by.remoteAddress, durationMs: lastDurationMs, changed: d.changed.length, created: d.created.proposed.length, deleted: d.deleted.proposed.length, skipped: d.skipped.length });
      return { kind: 'done', outcome, generatedAt: new Date().toISOString() };
    } catch (err) {
      const message = `the what-if did not run: ${deps.redactor.redactString(errorMessage(err))}`;
      log.warn(message, { via: by.via, remoteAddress: by.remoteAddress });
      return { kind: 'failed', message };
    } finally {
      runningSince = null;
    }
  }

  function operator(req: Request, via: OperatorContext['via']): OperatorContext {
    return { via, remoteAddress: req.socket.remoteAddress ?? null };
  }

  const STATUS = { invalid: 400, busy: 409, failed: 502, unavailable: 503 } as const;

  router.post(WHAT_IF_API_PATH, async (req: Request, res: Response) => {
    if (typeof req.is([...WHAT_IF_CONTENT_TYPES]) !== 'string') {
      res.status(415).json({ error: `send the proposed rules file itself as the body, with Content-Type ${WHAT_IF_CONTENT_TYPES.join(', ')}` });
      return;
    }
    const body: unknown = req.body;
    const result = await attempt(typeof body === 'string' ? body : '', operator(req, 'api'));
    switch (result.kind) {
      case 'done':
        res.json(redactJson(deps.redactor, whatIfJson(SOURCE, result.outcome)));
        return;
      case 'invalid':
        res.status(STATUS.invalid).json({ error: 'the proposed rules are not valid: nothing was read or planned', problems: result.problems });
        return;
      case 'busy':
        res.setHeader('Retry-After', String(result.retryAfterSeconds));
        res.status(STATUS.busy).json({ error: `another what-if is running (one at a time): try again in ${result.retryAfterSeconds} s`, retryAfterSeconds: result.retryAfterSeconds });
        return;
      case 'failed':
        res.status(STATUS.failed).json({ error: result.message });
        return;
      case 'unavailable':
        res.status(STATUS.unavailable).json({ error: 'this process has no access to Okta and HubSpot: it cannot try rules' });
        return;
    }
  });

  function page(res: Response, rulesText: string, result: WhatIfPageResult | null): void {
    const styleNonce = String(res.locals.styleNonce ?? '');
    res.type('html').send(renderWhatIfPage({ rulesText, result, action: WHAT_IF_PAGE_PATH, apiPath: WHAT_IF_API_PATH, maxSize: `${MAX_MIB} MiB` }, { styleNonce, formToken: deps.formToken() }));
  }

  router.get(WHAT_IF_PAGE_PATH, (_req: Request, res: Response) => {
    page(res, '', deps.whatIf ? null : { kind: 'unavailable' });
  });

  router.post(WHAT_IF_PAGE_PATH, async (req: Request, res: Response) => {
    const body: unknown = req.body;
    const field = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).rules : undefined;
    const text = typeof field === 'string' ? field : '';
    const result = await attempt(text, operator(req, 'page'));
    if (result.kind === 'done') {
      page(res, text, { kind: 'diff', diff: redactJson(deps.redactor, result.outcome.diff), generatedAt: result.generatedAt });
      return;
    }
    if (result.kind === 'busy') {
      res.setHeader('Retry-After', String(result.retryAfterSeconds));
    }
    res.status(STATUS[result.kind]);
    page(res, text, result);
  });

  return router;
}
