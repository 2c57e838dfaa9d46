/**
 * Removes secrets from anything about to be printed: known secret values, `Authorization`
 * headers, bearer/SSWS tokens and fields named like secrets. Used by the logger and by every
 * surface that shows errors (CLI, status page, API).
 */
const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|token|access_?token|api_?token|private_?key|client_?secret|password|secret|x-api-key|hapikey)$/i;
const INLINE: ReadonlyArray<[RegExp, string]> = [
  [/\b(SSWS|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 [REDACTED]`],
  [/\b(hapikey|access_token|api_token|token)=([^&\s"']+)/gi, `$1=[REDACTED]`],
];

export const REDACTED = '[REDACTED]';

/** Builds a redactor for the given secret values (values shorter than 4 characters are ignored). */
export function createRedactor(secrets: readonly string[] = []) {
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);

  function redactString(s: string): string {
    let out = s;
    for (const v of values) {
      if (out.includes(v)) {
        out = out.split(v).join(REDACTED);
      }
    }
    for (const [re, replacement] of INLINE) {
      out = out.replace(re, replacement);
    }
    return out;
  }

  function redact<T>(value: T, seen = new WeakSet<object>()): T {
    if (typeof value === 'string') {
      return redactString(value) as T;
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    if (seen.has(value as object)) {
      return '[Circular]' as T;
    }
    seen.add(value as object);
    if (Array.isArray(value)) {
      return value.map((v) => redact(v, seen)) as T;
    }
    if (value instanceof Error) {
      const out: Record<string, unknown> = { name: value.name, message: redactString(value.message) };
      if (value.stack) {
        out.stack = redactString(value.stack);
      }
      for (const [k, v] of Object.entries(value)) {
        if (k === 'headers' || k === 'request' || k === 'response' || k === 'config') {
          continue;
        }
        out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, seen);
      }
      return out as T;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, seen);
    }
    return out as T;
  }

  return { redact, redactString };
}

export type Redactor = ReturnType<typeof createRedactor>;
