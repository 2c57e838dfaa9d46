import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../lib/logger';
import { errorMessage } from '../lib/errors';
import { toLogEvent } from '../okta/okta-mapping';
import type { OktaLogEvent } from '../okta/okta-types';
import type { HookRequestOutcome } from './hook-metrics';

/** Where Okta sends verification and deliveries. */
export const OKTA_HOOK_PATH = '/hooks/okta';

/** What the endpoint needs; the composition root builds it. */
export interface OktaHookEndpointDeps {
  /** OKTA_EVENT_HOOK_SECRET: the whole Authorization header value Okta sends. */
  secret: string;
  /** daemon.hooks.maxBodyBytes. */
  maxBodyBytes: number;
  logger: Logger;
  /** Called after the answer was sent, with the delivery's events (never awaited by the request). */
  onEvents: (events: OktaLogEvent[], receivedAt: number) => Promise<unknown>;
  /** Every request's outcome (metrics, status). */
  onRequest: (outcome: HookRequestOutcome) => void;
  /** True while too many events wait to be acted on: deliveries get 503 (Okta retries once, then the poll covers them), so memory stays bounded. */
  overloaded?: () => boolean;
}

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Compares in constant time (over digests, so the lengths do not show either). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * `GET|POST /hooks/okta`, Okta's event hook endpoint. Every request must carry the configured
 * Authorization value (Okta sends it on verification too). GET answers Okta's one-time
 * verification (`x-okta-verification-challenge`, any case) with `{"verification": value}`; POST
 * takes a delivery (`data.events[]` of System Log events), answers 204 at once and hands the
 * events on afterwards, so Okta's 3 s timeout is never near. Bad JSON, unknown shapes, wrong or
 * missing auth and oversized bodies get a 4xx and a metric, never a crash; header values are
 * never logged.
 */
export function createOktaHookRouter(deps: OktaHookEndpointDeps): Router {
  const log = deps.logger.child({ component: 'okta-hook' });
  const router = express.Router();
  // A scanner hammering a public endpoint must not flood the log: one warning per outcome a minute, the rest at debug.
  const warnedAt = new Map<HookRequestOutcome, number>();
  const refuse = (res: Response, status: number, outcome: HookRequestOutcome, error: string) => {
    deps.onRequest(outcome);
    const now = Date.now();
    const quiet = now - (warnedAt.get(outcome) ?? -Infinity) < 60_000;
    if (!quiet) {
      warnedAt.set(outcome, now);
    }
    log.log(quiet ? 'debug' : 'warn', 'Okta event hook request refused', { outcome, status });
    res.status(status).json({ error });
  };

  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    const given = req.get('authorization');
    if (given === undefined || !sameSecret(given, deps.secret)) {
      refuse(res, 401, 'unauthorized', given === undefined ? 'missing Authorization header' : 'wrong Authorization header');
      return;
    }
    next();
  };

  router.get(OKTA_HOOK_PATH, authenticate, (req: Request, res: Response) => {
    const challenge = req.get('x-okta-verification-challenge');
    if (challenge === undefined || challenge === '') {
      refuse(res, 400, 'unknown-shape', 'a GET must carry x-okta-verification-challenge');
      return;
    }
    deps.onRequest('verification');
    log.info('answered the Okta event hook verification');
    res.status(200).json({ verification: challenge });
  });

  router.post(
    OKTA_HOOK_PATH,
    authenticate,
    express.raw({ type: () => true, limit: deps.maxBodyBytes }),
    (req: Request, res: Response) => {
      const receivedAt = Date.now();
      const raw: unknown = req.body;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '');
      } catch {
        refuse(res, 400, 'bad-json', 'the body is not JSON');
        return;
      }
      const events = isFields(body) && isFields(body.data) && Array.isArray(body.data.events) ? body.data.events : null;
      if (events === null) {
        refuse(res, 400, 'unknown-shape', 'expected an Okta event hook delivery: {"data": {"events": [...]}}');
        return;
      }
      if (deps.overloaded?.() === true) {
        refuse(res, 503, 'busy', 'too many events are waiting to be handled; the System Log poll will read these');
        return;
      }
      const parsed = events.filter(isFields).map(toLogEvent).filter((e) => e.uuid !== '' && e.eventType !== '');
      deps.onRequest('accepted');
      res.status(204).end();
      if (parsed.length < events.length) {
        log.warn('Okta event hook delivery had events without a uuid or type; they were skipped (the poll reads them)', { skipped: events.length - parsed.length });
      }
      if (parsed.length > 0) {
        setImmediate(() => {
          deps.onEvents(parsed, receivedAt).catch((err: unknown) => {
            log.warn('could not act on an Okta event hook delivery; the System Log poll will', { events: parsed.length, error: errorMessage(err) });
          });
        });
      }
    },
  );

  router.all(OKTA_HOOK_PATH, (_req: Request, res: Response) => {
    refuse(res, 405, 'method-not-allowed', 'only GET (verification) and POST (deliveries)');
  });

  // Express recognises an error handler by its four parameters: body too large, aborted, unreadable.
  router.use(OKTA_HOOK_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const type = isFields(err) && typeof err.type === 'string' ? err.type : '';
    if (type === 'entity.too.large') {
      refuse(res, 413, 'too-large', `the body is larger than ${deps.maxBodyBytes} bytes`);
      return;
    }
    refuse(res, 400, 'bad-json', 'the body could not be read');
  });

  return router;
}
