import { createHash } from 'node:crypto';

/**
 * Okta-shaped ids (20 characters: a 3-character kind prefix and 17 base-62 characters), derived
 * from a stable key so a seed always yields the same ids: `00u` users, `0oa` apps, `00g` groups,
 * `0ua` app-user instances (the System Log's AppUser targets), `oty` user types, `who` event hooks.
 */
export type OktaIdPrefix = '00u' | '0oa' | '00g' | '0ua' | 'oty' | 'rlm' | 'who';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A deterministic Okta id for `key` in the namespace `scope` (e.g. the seed's name). */
export function oktaId(prefix: OktaIdPrefix, scope: string, key: string): string {
  const digest = createHash('sha256').update(`${prefix}|${scope}|${key}`).digest();
  let out = prefix;
  for (let i = 0; out.length < 20; i++) {
    out += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  }
  return out;
}

/** A request id like Okta's `X-Okta-Request-Id` (27 URL-safe characters). */
export function oktaRequestId(counter: number, nonce: string): string {
  return createHash('sha256').update(`${nonce}|req|${counter}`).digest('base64url').slice(0, 27);
}

/** A deterministic UUID-shaped string for the `n`-th System Log event of a simulator instance. */
export function eventUuid(nonce: string, n: number): string {
  const h = createHash('sha256').update(`${nonce}|evt|${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-1${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
