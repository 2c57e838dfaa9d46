import type { Rules } from '../../config/rules-schema';
import type { OktaCandidate } from './types';
import { codePointLength, findForbiddenCharacter } from './text';

/** An Okta user's values after validation: trimmed, and safe to write to HubSpot. */
export interface CleanCandidate {
  oktaUserId: string;
  login: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  title: string | null;
}

/** Why an Okta user cannot be provisioned: the field at fault and a sentence naming the user. */
export interface CandidateProblem {
  field: 'email' | 'firstName' | 'lastName' | 'title';
  reason: string;
}

export type CandidateValidation = { ok: true; value: CleanCandidate } | { ok: false; problem: CandidateProblem };

/** How a person reads an Okta user in a reason: login and id. */
export function describeOktaUser(c: Pick<OktaCandidate, 'login' | 'oktaUserId'>): string {
  return `Okta user ${c.login} (${c.oktaUserId})`;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;

/** Why an email cannot be used, or null when it can. Deliberately simple: HubSpot has the last word. */
export function emailProblem(email: string): string | null {
  if (email === '') {
    return 'is missing';
  }
  const bad = findForbiddenCharacter(email);
  if (bad) {
    return `contains ${bad.what} (${bad.codePoint})`;
  }
  if (email.length > 254) {
    return `is longer than 254 characters`;
  }
  if (!EMAIL_SHAPE.test(email)) {
    return `"${email}" is not a valid email address`;
  }
  const local = email.slice(0, email.lastIndexOf('@'));
  if (local.length > 64) {
    return 'has a local part longer than 64 characters';
  }
  return null;
}

function textProblem(value: string, max: number): string | null {
  const bad = findForbiddenCharacter(value);
  if (bad) {
    return `contains ${bad.what} (${bad.codePoint}) at position ${bad.index + 1}`;
  }
  const length = codePointLength(value);
  if (length > max) {
    return `is ${length} characters long (limit ${max})`;
  }
  return null;
}

/**
 * Validates one Okta user's email, names and Title. Bad data never throws: it comes back as a
 * problem naming the user (login and id) and the field, and the planner turns it into a skip.
 * Values are trimmed; an empty name or title counts as absent. Names and Titles with control,
 * bidirectional or invisible characters are rejected rather than cleaned, so nothing is written
 * to HubSpot that differs from what Okta holds.
 */
export function validateCandidate(c: OktaCandidate, limits: Rules['limits']): CandidateValidation {
  const who = describeOktaUser(c);
  const email = (c.email ?? '').trim();
  const emailIssue = emailProblem(email);
  if (emailIssue) {
    return { ok: false, problem: { field: 'email', reason: `${who}: email ${emailIssue}` } };
  }
  const fields: Array<['firstName' | 'lastName' | 'title', string | null, number]> = [
    ['firstName', c.firstName, limits.maxNameLength],
    ['lastName', c.lastName, limits.maxNameLength],
    ['title', c.title, limits.maxTitleLength],
  ];
  const clean: Record<'firstName' | 'lastName' | 'title', string | null> = { firstName: null, lastName: null, title: null };
  for (const [field, raw, max] of fields) {
    const value = raw === null ? '' : raw.trim();
    if (value === '') {
      continue;
    }
    const issue = textProblem(value, max);
    if (issue) {
      return { ok: false, problem: { field, reason: `${who}: ${field} ${issue}` } };
    }
    clean[field] = value;
  }
  return { ok: true, value: { oktaUserId: c.oktaUserId, login: c.login, email, ...clean } };
}
