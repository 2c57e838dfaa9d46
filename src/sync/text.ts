/**
 * Text helpers shared by the rules: how names are compared, and which characters make a value
 * bad data. Pure functions, no locale dependence.
 */

/** Trims, collapses runs of whitespace to one space, applies NFC and lower-cases: the "loose" key. */
export function looseKey(value: string): string {
  return value.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase();
}

/** Trims only: the "exact" key (case-sensitive). */
export function exactKey(value: string): string {
  return value.trim();
}

/** Lower-cased, trimmed email: how emails are compared everywhere (HubSpot treats them case-insensitively). */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

const ZERO_WIDTH_JOINERS = new Set([0x200c, 0x200d]);

/** Every character {@link findForbiddenCharacter} may object to (a quick test before the careful one). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const SUSPICIOUS = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]/u;

/** Describes a character that has no place in a name or title, or returns null. */
function describeForbidden(cp: number): string | null {
  if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) {
    return 'a control character';
  }
  if (cp === 0x200e || cp === 0x200f || cp === 0x061c || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
    return 'a bidirectional control character';
  }
  if (cp === 0x200b || cp === 0x2060 || cp === 0xfeff || cp === 0x180e || (cp >= 0x2061 && cp <= 0x2064)) {
    return 'an invisible zero-width character';
  }
  if (cp === 0x2028 || cp === 0x2029) {
    return 'a line or paragraph separator';
  }
  if (cp >= 0xd800 && cp <= 0xdfff) {
    return 'an unpaired surrogate';
  }
  return null;
}

/**
 * Finds the first character that makes a name or title bad data: control characters (tab and
 * newline included), bidirectional controls, invisible zero-width characters, and a zero-width
 * joiner or non-joiner that does not sit between two visible characters (they are legitimate
 * inside emoji sequences and in scripts such as Persian, and suspicious anywhere else).
 * Returns null when the text is clean.
 */
export function findForbiddenCharacter(text: string): { codePoint: string; what: string; index: number } | null {
  if (!SUSPICIOUS.test(text)) {
    return null;
  }
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    const cp = ch.codePointAt(0) ?? 0;
    let what = describeForbidden(cp);
    if (what === null && ZERO_WIDTH_JOINERS.has(cp)) {
      const before = chars[i - 1];
      const after = chars[i + 1];
      const visible = (c: string | undefined) => c !== undefined && !/\s/u.test(c) && !ZERO_WIDTH_JOINERS.has(c.codePointAt(0) ?? 0);
      if (!visible(before) || !visible(after)) {
        what = 'a zero-width joiner outside a word';
      }
    }
    if (what !== null) {
      return { codePoint: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`, what, index: i };
    }
  }
  return null;
}

/** Length in code points (what a person counts), not UTF-16 units. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) {
    n++;
  }
  return n;
}
