import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where a server listens, as the ops and hook servers report it. */
export interface ListeningAddress {
  host: string;
  port: number;
  url: string;
}

/** The address a listening server is bound to, with a URL to reach it (IPv6 in brackets). */
export function boundAddress(s: Server): ListeningAddress {
  const address = s.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { host: address.address, port: address.port, url: `http://${hostForUrl}:${address.port}` };
}

/** Stops accepting connections and closes idle ones; open requests get `graceMs` to finish. */
export async function closeServer(s: Server | null, graceMs: number): Promise<void> {
  if (!s || !s.listening) {
    return;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => s.closeAllConnections(), graceMs);
    s.close(() => {
      clearTimeout(timer);
      resolve();
    });
    s.closeIdleConnections();
  });
}
