/**
 * Looks for secrets in what the daemon produced (log lines, pages, API answers, metrics): the
 * whole token, and any long enough piece of it (a token cut short in a message still leaks).
 */

/** A secret to look for, with the name reports use (never the value). */
export interface NamedSecret {
  name: string;
  value: string;
}

/** One place a secret showed up. */
export interface SecretLeak {
  secret: string;
  source: string;
  /** The text around the find, with the secret itself masked. */
  context: string;
}

/** Pieces of `value` at least this long count as a leak. */
const PIECE = 12;

function pieces(value: string): string[] {
  if (value.length <= PIECE) {
    return [value];
  }
  const out = new Set<string>();
  for (let i = 0; i + PIECE <= value.length; i += 4) {
    out.add(value.slice(i, i + PIECE));
  }
  out.add(value.slice(-PIECE));
  return [...out];
}

/**
 * Scans every text for every secret; returns one leak per secret and source at most. Secrets
 * shorter than 8 characters are refused (they would match by chance).
 */
export function findSecrets(texts: Iterable<{ source: string; text: string }>, secrets: readonly NamedSecret[]): SecretLeak[] {
  for (const s of secrets) {
    if (s.value.length < 8) {
      throw new Error(`secret ${s.name} is too short to scan for`);
    }
  }
  const needles = secrets.map((s) => ({ s, parts: pieces(s.value) }));
  const leaks: SecretLeak[] = [];
  for (const { source, text } of texts) {
    for (const { s, parts } of needles) {
      for (const part of parts) {
        const at = text.indexOf(part);
        if (at >= 0) {
          const around = text.slice(Math.max(0, at - 60), at + part.length + 60).split(part).join('«secret»');
          leaks.push({ secret: s.name, source, context: around });
          break;
        }
      }
    }
  }
  return leaks;
}
