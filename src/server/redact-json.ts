import type { Redactor } from '../lib/redact';

/**
 * Redacts a JSON-shaped value for display. The value is copied through JSON first: the shared
 * redactor marks an object it meets a second time as circular, and answers often hold the same
 * array twice (a plan's seats and the page's seat section).
 */
export function redactJson<T>(redactor: Redactor, value: T): T {
  if (value === undefined) {
    return value;
  }
  return redactor.redact(JSON.parse(JSON.stringify(value)) as T);
}
