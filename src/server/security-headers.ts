import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { WHAT_IF_PAGE_PATH } from './what-if-paths';

/**
 * Content-Security-Policy of the status page, the user pages and the what-if page: nothing loads but their own
 * inline style (allowed by a per-response nonce) and the one script this server serves (no
 * inline script, no other origin), which may only fetch from this server; forms post only to
 * this server, and no page may frame them.
 */
export function statusPagePolicy(styleNonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${styleNonce}'`,
    "script-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Policy of the bull-board dashboard: its scripts and styles come from this server (the web font
 * it asks Google for is blocked on purpose: no request leaves for a third party), and its React
 * code sets inline styles.
 */
export const DASHBOARD_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "object-src 'none'",
].join('; ');

/** Policy of everything else (JSON, text, metrics): nothing may load or frame it. */
export const DEFAULT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Locals the status page reads: the nonce of its inline `<style>`. */
export interface SecurityLocals {
  styleNonce: string;
}

/**
 * Sets security headers on every answer; the Content-Security-Policy depends on what is served
 * (status page, dashboard, or data). Authenticated answers are never cached.
 */
export function securityHeaders(opts: { dashboardPath: string }) {
  return function setSecurityHeaders(req: Request, res: Response, next: NextFunction): void {
    const nonce = randomBytes(16).toString('base64');
    res.locals.styleNonce = nonce;
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on form posts, which the CSRF guard must refuse.
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    if (req.path === opts.dashboardPath || req.path.startsWith(`${opts.dashboardPath}/`)) {
      res.setHeader('Content-Security-Policy', DASHBOARD_POLICY);
    } else if (req.path === '/' || req.path.startsWith('/users/') || req.path === WHAT_IF_PAGE_PATH) {
      res.setHeader('Content-Security-Policy', statusPagePolicy(nonce));
    } else {
      res.setHeader('Content-Security-Policy', DEFAULT_POLICY);
    }
    if (req.path !== '/healthz' && req.path !== '/readyz' && req.path !== '/metrics') {
      res.setHeader('Cache-Control', 'no-store');
    }
    next();
  };
}
