import type { Redactor } from '../lib/redact';

/** What hidden values show as in the dashboard. */
export const HIDDEN = '[hidden]';

/**
 * Personal fields beyond the email: names, titles, logins, phones, addresses, whole Okta profiles.
 * The email and the ids stay visible so an operator can tell which user a job is about.
 */
const PERSONAL_KEY =
  /^(first_?name|last_?name|given_?name|family_?name|middle_?name|full_?name|display_?name|nick_?name|honorific_?(prefix|suffix)|title|login|second_?email|phone|mobile_?phone|primary_?phone|street_?address|address|city|zip_?code|postal_?code|country_?code|manager|manager_?id|employee_?number|profile|locale|timezone|preferred_?language|user_?name|name)$/i;

/**
 * Makes job data safe for the dashboard: personal fields beyond the email are hidden (also inside
 * nested values and in `{ field, before, after }` change records naming such a field), and
 * secrets are removed by the shared redactor.
 */
export function createJobDataFormatter(redactor: Redactor) {
  function hide(value: unknown, depth: number): unknown {
    if (depth > 20) {
      return HIDDEN;
    }
    if (Array.isArray(value)) {
      return value.map((v) => hide(v, depth + 1));
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const record = value as Record<string, unknown>;
    const changeOfPersonal = typeof record.field === 'string' && PERSONAL_KEY.test(record.field);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(record)) {
      if (PERSONAL_KEY.test(key) && v !== null && v !== undefined) {
        out[key] = HIDDEN;
      } else if (changeOfPersonal && (key === 'before' || key === 'after') && v !== null) {
        out[key] = HIDDEN;
      } else {
        out[key] = hide(v, depth + 1);
      }
    }
    return out;
  }

  return function formatJobData(data: unknown): unknown {
    return redactor.redact(hide(data, 0));
  };
}
