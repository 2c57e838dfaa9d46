/**
 * The SCIM-style filter language Okta accepts in `filter` and `search` parameters
 * (`eventType eq "x" and (target.id eq "00u…" or actor.id sw "00u")`): a parser that rejects
 * what Okta rejects, and an evaluator over plain JSON objects. Operators: eq ne co sw ew gt ge
 * lt le pr, with and / or / not and parentheses; `not` binds tighter than `and`, which binds
 * tighter than `or`. String comparisons ignore case, as Okta's do.
 */

export type ScimOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type ScimValue = string | number | boolean | null;

export type ScimFilter =
  | { kind: 'compare'; path: string[]; op: ScimOperator; value: ScimValue }
  | { kind: 'present'; path: string[] }
  | { kind: 'and'; left: ScimFilter; right: ScimFilter }
  | { kind: 'or'; left: ScimFilter; right: ScimFilter }
  | { kind: 'not'; expr: ScimFilter };

/** A filter Okta would refuse (400 E0000053 "Invalid SCIM filter"). */
export class ScimFilterError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ScimFilterError';
  }
}

type Token =
  | { t: 'word'; v: string; at: number }
  | { t: 'string'; v: string; at: number }
  | { t: 'number'; v: number; at: number }
  | { t: 'lparen'; at: number }
  | { t: 'rparen'; at: number };

const OPERATORS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const MAX_LENGTH = 4096;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      tokens.push({ t: 'lparen', at: i++ });
    } else if (c === ')') {
      tokens.push({ t: 'rparen', at: i++ });
    } else if (c === '"') {
      const start = i++;
      let v = '';
      for (;;) {
        const d = text[i];
        if (d === undefined) {
          throw new ScimFilterError('unterminated string', start);
        }
        if (d === '\\') {
          const e = text[i + 1];
          if (e === undefined) {
            throw new ScimFilterError('unterminated string', start);
          }
          v += e;
          i += 2;
        } else if (d === '"') {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      tokens.push({ t: 'string', v, at: start });
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!m) {
        throw new ScimFilterError(`unexpected "${c}"`, i);
      }
      tokens.push({ t: 'number', v: Number(m[0]), at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.$-]*/.exec(text.slice(i));
      const word = m?.[0] ?? c;
      tokens.push({ t: 'word', v: word, at: i });
      i += word.length;
    } else {
      throw new ScimFilterError(`unexpected "${c}"`, i);
    }
  }
  return tokens;
}

/** Parses a filter expression; throws {@link ScimFilterError} on anything malformed. */
export function parseScimFilter(text: string): ScimFilter {
  if (text.trim() === '') {
    throw new ScimFilterError('empty filter', 0);
  }
  if (text.length > MAX_LENGTH) {
    throw new ScimFilterError('filter too long', MAX_LENGTH);
  }
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const atOf = (tok: Token | undefined): number => tok?.at ?? text.length;
  const isWord = (tok: Token | undefined, w: string): boolean => tok?.t === 'word' && tok.v.toLowerCase() === w;

  function parseOr(): ScimFilter {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  }

  function parseAnd(): ScimFilter {
    let left = parseUnary();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  }

  function parseUnary(): ScimFilter {
    const tok = peek();
    if (isWord(tok, 'not')) {
      pos++;
      const open = peek();
      if (open?.t !== 'lparen') {
        throw new ScimFilterError('"not" must be followed by "("', atOf(open));
      }
      return { kind: 'not', expr: parseGroup() };
    }
    if (tok?.t === 'lparen') {
      return parseGroup();
    }
    return parseComparison();
  }

  function parseGroup(): ScimFilter {
    pos++;
    const inner = parseOr();
    const close = peek();
    if (close?.t !== 'rparen') {
      throw new ScimFilterError('missing ")"', atOf(close));
    }
    pos++;
    return inner;
  }

  function parseComparison(): ScimFilter {
    const attr = peek();
    if (attr?.t !== 'word' || ['and', 'or', 'not'].includes(attr.v.toLowerCase())) {
      throw new ScimFilterError('expected an attribute name', atOf(attr));
    }
    if (attr.v.endsWith('.') || attr.v.includes('..')) {
      throw new ScimFilterError(`bad attribute name "${attr.v}"`, attr.at);
    }
    pos++;
    const opTok = peek();
    const op = opTok?.t === 'word' ? opTok.v.toLowerCase() : '';
    const path = attr.v.split('.');
    if (op === 'pr') {
      pos++;
      return { kind: 'present', path };
    }
    if (!OPERATORS.has(op)) {
      throw new ScimFilterError(`expected an operator after "${attr.v}"`, atOf(opTok));
    }
    pos++;
    const valTok = peek();
    let value: ScimValue;
    if (valTok?.t === 'string' || valTok?.t === 'number') {
      value = valTok.v;
    } else if (valTok?.t === 'word' && ['true', 'false', 'null'].includes(valTok.v.toLowerCase())) {
      const w = valTok.v.toLowerCase();
      value = w === 'null' ? null : w === 'true';
    } else {
      throw new ScimFilterError(`expected a value after "${attr.v} ${op}"`, atOf(valTok));
    }
    pos++;
    return { kind: 'compare', path, op: op as ScimOperator, value };
  }

  const filter = parseOr();
  if (pos < tokens.length) {
    throw new ScimFilterError('unexpected text after the expression', atOf(peek()));
  }
  return filter;
}

/** Every attribute path the filter reads (for refusing attributes an endpoint does not support). */
export function filterPaths(filter: ScimFilter): string[] {
  switch (filter.kind) {
    case 'compare':
    case 'present':
      return [filter.path.join('.')];
    case 'and':
    case 'or':
      return [...filterPaths(filter.left), ...filterPaths(filter.right)];
    case 'not':
      return filterPaths(filter.expr);
  }
}

/** The values at `path`, descending into arrays (so `target.id` reads every target's id). */
function valuesAt(obj: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [obj];
  for (const key of path) {
    const next: unknown[] = [];
    for (const v of current) {
      const items = Array.isArray(v) ? v : [v];
      for (const item of items) {
        if (item !== null && typeof item === 'object' && key in item) {
          next.push((item as Record<string, unknown>)[key]);
        }
      }
    }
    current = next.flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  return current;
}

function compareOne(actual: unknown, op: ScimOperator, expected: ScimValue): boolean {
  if (expected === null) {
    return op === 'eq' ? actual === null || actual === undefined : op === 'ne' ? actual !== null && actual !== undefined : false;
  }
  if (actual === null || actual === undefined) {
    return op === 'ne';
  }
  if (typeof expected === 'number' || typeof expected === 'boolean') {
    const a = typeof expected === 'number' ? Number(actual) : actual;
    switch (op) {
      case 'eq':
        return a === expected;
      case 'ne':
        return a !== expected;
      case 'gt':
        return typeof a === 'number' && a > (expected as number);
      case 'ge':
        return typeof a === 'number' && a >= (expected as number);
      case 'lt':
        return typeof a === 'number' && a < (expected as number);
      case 'le':
        return typeof a === 'number' && a <= (expected as number);
      default:
        return false;
    }
  }
  const a = String(actual).toLowerCase();
  const e = expected.toLowerCase();
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
  }
}

/** Whether `obj` matches the filter. A multi-valued path matches when any of its values does. */
export function matchesScimFilter(filter: ScimFilter, obj: unknown): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesScimFilter(filter.left, obj) && matchesScimFilter(filter.right, obj);
    case 'or':
      return matchesScimFilter(filter.left, obj) || matchesScimFilter(filter.right, obj);
    case 'not':
      return !matchesScimFilter(filter.expr, obj);
    case 'present':
      return valuesAt(obj, filter.path).some((v) => v !== null && v !== undefined && v !== '');
    case 'compare': {
      const values = valuesAt(obj, filter.path);
      if (values.length === 0) {
        return compareOne(undefined, filter.op, filter.value);
      }
      return values.some((v) => compareOne(v, filter.op, filter.value));
    }
  }
}
