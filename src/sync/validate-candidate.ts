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

function isIssue(value: string | null | { issue: string }): value is { issue: string } {
  return typeof value === 'object' && value !== null;
}

/** A trimmed value (null when absent or blank), or the problem with it. */
function cleanText(raw: string | null, max: number): string | null | { issue: string } {
  const value = raw === null ? '' : raw.trim();
  if (value === '') {
    return null;
  }
  const issue = textProblem(value, max);
  return issue === null ? value : { issue };
}

function textProblem(value: string, max: number): string | null {
  const bad = findForbiddenCharacter(value);
  if (bad) {
    return `contains ${bad.what} (${bad.codePoint}) at position ${bad.index + 1}`;
  }
  const length = value.length <= max ? value.length : codePointLength(value);
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
  const who = () => describeOktaUser(c);
  const email = (c.email ?? '').trim();
  const emailIssue = emailProblem(email);
  if (emailIssue) {
    return { ok: false, problem: { field: 'email', reason: `${who()}: email ${emailIssue}` } };
  }
  const firstName = cleanText(c.firstName, limits.maxNameLength);
  if (isIssue(firstName)) {
    return { ok: false, problem: { field: 'firstName', reason: `${who()}: firstName ${firstName.issue}` } };
  }
  const lastName = cleanText(c.lastName, limits.maxNameLength);
  if (isIssue(lastName)) {
    return { ok: false, problem: { field: 'lastName', reason: `${who()}: lastName ${lastName.issue}` } };
  }
  const title = cleanText(c.title, limits.maxTitleLength);
  if (isIssue(title)) {
    return { ok: false, problem: { field: 'title', reason: `${who()}: title ${title.issue}` } };
  }
  return { ok: true, value: { oktaUserId: c.oktaUserId, login: c.login, email, firstName, lastName, title } };
}
