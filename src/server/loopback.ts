import { isIP } from 'node:net';

/**
 * Whether an address or host name only reaches this machine: `localhost`, 127.0.0.0/8, `::1`
 * (also in brackets or IPv4-mapped). `0.0.0.0` and `::` listen on every interface: not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) {
    return true;
  }
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  if (isIP(v4) === 4) {
    return v4.split('.')[0] === '127';
  }
  return isIP(h) === 6 && (h === '::1' || /^0{0,4}(:0{0,4}){6}:0{0,3}1$/.test(h));
}

/** The host name in a `Host` header value (`example.com:8080` → `example.com`, `[::1]:80` → `::1`). */
export function hostnameOfHostHeader(value: string): string {
  const v = value.trim();
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    return end > 0 ? v.slice(1, end) : v;
  }
  const colon = v.lastIndexOf(':');
  return colon > 0 && v.indexOf(':') === colon ? v.slice(0, colon) : v;
}
