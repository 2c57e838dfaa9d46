import type { NextFunction, Request, Response } from 'express';
import { describeOutage, type OutageState } from '../queue/outage-breaker';

/**
 * The `/readyz` step for API outages: while HubSpot or Okta is out (an outage breaker is open),
 * answers 503 with the reason an operator acts on (e.g. "HubSpot rejected the token (HTTP 401):
 * check HUBSPOT_ACCESS_TOKEN …"); otherwise hands over to the rest of the readiness check. An
 * unreadable outage state (Redis down) is left to that check.
 */
export function outageReadiness(outages: (() => Promise<readonly OutageState[]>) | undefined) {
  return async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    const open = outages ? await outages().catch(() => []) : [];
    if (open.length === 0) {
      next();
      return;
    }
    res.status(503).json({
      status: 'not ready',
      reason: open.map(describeOutage).join('; '),
      outages: open.map((o) => ({ api: o.api, kind: o.kind, since: o.since })),
    });
  };
}
