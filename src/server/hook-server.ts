import type { Server } from 'node:http';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../lib/logger';
import { boundAddress, closeServer, type ListeningAddress } from './listener';
import { securityHeaders } from './security-headers';

/**
 * A listener of its own for the Okta event hook (HOOK_PORT, HOOK_HOST): it serves `/hooks/okta`
 * and nothing else, so the hook can face the internet (through a TLS reverse proxy) while the
 * ops server, its status page and API stay private.
 */
export function createHookServer(opts: { host: string; port: number; router: Router; logger: Logger }) {
  const log = opts.logger.child({ component: 'hook-server' });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders({ dashboardPath: '/-' }));
  app.use(opts.router);
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found' });
  });
  let server: Server | null = null;

  function listen(): Promise<ListeningAddress> {
    return new Promise((resolve, reject) => {
      const s = app.listen(opts.port, opts.host, (err?: Error) => {
        if (err) {
          reject(err);
          return;
        }
        const bound = boundAddress(s);
        log.info('Okta event hook listening', { host: bound.host, port: bound.port });
        resolve(bound);
      });
      server = s;
    });
  }

  async function close(graceMs = 5_000): Promise<void> {
    const s = server;
    server = null;
    await closeServer(s, graceMs);
  }

  return { app, listen, close };
}

/** The hook listener's API. */
export type HookServer = ReturnType<typeof createHookServer>;
