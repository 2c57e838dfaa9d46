import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../lib/logger';
import { hostnameOfHostHeader, isLoopbackHost } from './loopback';

/** Realm of the browser's basic-auth prompt. */
export const AUTH_REALM = 'okta-hubspot-sync';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The credential a request offers: a bearer token, or the password of basic auth (any user name). */
export function offeredToken(authorization: string | undefined): string | null {
  if (!authorization) {
    return null;
  }
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(authorization);
  if (!match) {
    return null;
  }
  const [, scheme, value] = match;
  if (scheme!.toLowerCase() === 'bearer') {
    return value!;
  }
  const decoded = Buffer.from(value!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : null;
}

export interface AdminAuthOptions {
  /** SYNC_ADMIN_TOKEN. Without one, only requests addressed to a loopback host name are served. */
  token: string | undefined;
  logger: Logger;
}

/**
 * Express middleware guarding everything but health and metrics. Compares SHA-256 digests of
 * both values with `timingSafeEqual`, so neither the length nor a prefix of the token leaks
 * through timing. A wrong token is logged (method, path, address), never the token itself.
 * Without a configured token (allowed on loopback only) it checks the `Host` header so a web
 * page cannot reach the server through DNS rebinding.
 */
export function createAdminAuth(opts: AdminAuthOptions) {
  const expected = opts.token ? digest(opts.token) : null;
  const log = opts.logger;

  function refuse(req: Request, res: Response, status: 401 | 403, message: string): void {
    if (status === 401) {
      res.setHeader('WWW-Authenticate', `Basic realm="${AUTH_REALM}", charset="UTF-8"`);
    }
    res.setHeader('Cache-Control', 'no-store');
    if (req.path.startsWith('/api/')) {
      res.status(status).json({ error: message });
    } else {
      res.status(status).type('text/plain').send(message);
    }
  }

  return function adminAuth(req: Request, res: Response, next: NextFunction): void {
    if (expected === null) {
      if (isLoopbackHost(hostnameOfHostHeader(req.headers.host ?? ''))) {
        next();
        return;
      }
      log.warn('ops request refused: no admin token is configured and the Host is not a loopback name', {
        method: req.method,
        path: req.path,
        remoteAddress: req.socket.remoteAddress ?? null,
      });
      refuse(req, res, 403, 'Forbidden: set SYNC_ADMIN_TOKEN to use the ops server from another host');
      return;
    }
    const offered = offeredToken(req.headers.authorization);
    if (offered !== null && timingSafeEqual(digest(offered), expected)) {
      next();
      return;
    }
    if (offered !== null) {
      log.warn('ops request refused: wrong admin token', {
        method: req.method,
        path: req.path,
        remoteAddress: req.socket.remoteAddress ?? null,
      });
    }
    refuse(req, res, 401, 'Authentication required: send the admin token as a bearer token or as the basic-auth password');
  };
}
