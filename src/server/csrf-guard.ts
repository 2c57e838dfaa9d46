import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../lib/logger';

/** Name of the hidden form field that carries the CSRF token. */
export const CSRF_FIELD = '_csrf';
/** A header JSON clients send on writes; a cross-site page cannot add it without a CORS preflight, which is never granted. */
export const WRITE_HEADER = 'x-requested-by';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function hostOf(value: string | undefined): string | null {
  if (!value) {
    return null;
  }
  try {
    return new URL(value).host.toLowerCase();
  } catch {
    return null;
  }
}

export interface CsrfGuardOptions {
  /**
   * Key the form token is derived from. The admin token gives every replica the same form token
   * (the token itself is never sent: only an HMAC of it); without one, a random key per process.
   */
  key: string | undefined;
  logger: Logger;
}

/**
 * Protects writes (any method but GET/HEAD/OPTIONS) against cross-site requests, whose browser
 * would otherwise attach a remembered basic-auth password:
 * - refused when `Sec-Fetch-Site` says cross-site or same-site, or `Origin` names another host;
 * - form posts must carry the form token (`_csrf`), which only pages of this server contain;
 * - a text/plain body (which a cross-site form can send too, with no token) must come with the
 *   `X-Requested-By` header;
 * - other writes must come with a browser's same-origin proof (`Origin` or `Sec-Fetch-Site`) or
 *   the `X-Requested-By` header (what API clients and scripts send).
 */
export function createCsrfGuard(opts: CsrfGuardOptions) {
  const key = opts.key ?? randomBytes(32).toString('hex');
  const formToken = createHmac('sha256', key).update('okta-hubspot-sync form token v1').digest('base64url');
  const formTokenBytes = Buffer.from(formToken);

  function validFormToken(value: unknown): boolean {
    if (typeof value !== 'string') {
      return false;
    }
    const offered = Buffer.from(value);
    return offered.length === formTokenBytes.length && timingSafeEqual(offered, formTokenBytes);
  }

  function problem(req: Request): string | null {
    const site = req.get('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return `cross-site request refused (Sec-Fetch-Site: ${site})`;
    }
    const origin = req.get('origin');
    let sameOrigin = site === 'same-origin';
    if (origin !== undefined) {
      const originHost = hostOf(origin);
      const hosts = [req.get('host'), req.get('x-forwarded-host')]
        .filter((h): h is string => typeof h === 'string')
        .map((h) => h.toLowerCase());
      if (originHost === null || !hosts.includes(originHost)) {
        return 'cross-site request refused (Origin does not match Host)';
      }
      sameOrigin = true;
    }
    const form = req.is(['application/x-www-form-urlencoded', 'multipart/form-data']);
    if (typeof form === 'string') {
      const body: unknown = req.body;
      const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
      return validFormToken(token) ? null : 'form token missing or wrong: reload the page and try again';
    }
    // A cross-site form can send text/plain too, but not with this header.
    if (typeof req.is('text/plain') === 'string') {
      return (req.get(WRITE_HEADER) ?? '').trim() !== '' ? null : `write refused: send the ${WRITE_HEADER} header with a text/plain body`;
    }
    if (sameOrigin || (req.get(WRITE_HEADER) ?? '').trim() !== '') {
      return null;
    }
    return `write refused: send the ${WRITE_HEADER} header`;
  }

  function middleware(req: Request, res: Response, next: NextFunction): void {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const reason = problem(req);
    if (reason === null) {
      next();
      return;
    }
    opts.logger.warn('ops write refused by the cross-site check', { method: req.method, path: req.path, reason });
    res.setHeader('Cache-Control', 'no-store');
    if (req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json') {
      res.status(403).json({ error: reason });
    } else {
      res.status(403).type('text/plain').send(`Forbidden: ${reason}`);
    }
  }

  return { formToken: () => formToken, middleware };
}

/** The CSRF guard's API. */
export type CsrfGuard = ReturnType<typeof createCsrfGuard>;
