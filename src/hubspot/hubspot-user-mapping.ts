import type { HubSpotRole, HubSpotSeat, HubSpotTeam, HubSpotUser } from '../sync/types';
import type { CreateUserInput, UpdateUserInput } from './hubspot-types';

/**
 * Checks HubSpot's answers before the daemon relies on them, and builds request bodies. An
 * answer missing `id` or `email`, or with a field of the wrong type, is rejected (a flaky proxy
 * or an API change must not look like "user has no role"). A missing `superAdmin` reads as
 * false and a missing `roleIds` is derived from `roleId` (older answers omitted both).
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

type Fields = Record<string, unknown>;

function isObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optString(o: Fields, key: string): string | undefined | false {
  const v = o[key];
  if (v === undefined || v === null) {
    return undefined;
  }
  return typeof v === 'string' ? v : false;
}

function optStrings(o: Fields, key: string): string[] | undefined | false {
  const v = o[key];
  if (v === undefined || v === null) {
    return undefined;
  }
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.map(String) : false;
}

/** A `PublicUser` answer as a HubSpotUser, or what is wrong with it. */
export function toHubSpotUser(raw: unknown): Checked<HubSpotUser> {
  if (!isObject(raw)) {
    return { ok: false, problem: 'user is not an object' };
  }
  const { id, email } = raw;
  if (typeof id !== 'string' || !/^\d+$/.test(id)) {
    return { ok: false, problem: `user id ${JSON.stringify(id)} is not a numeric string` };
  }
  if (typeof email !== 'string' || email === '') {
    return { ok: false, problem: `user ${id} has no email` };
  }
  const firstName = optString(raw, 'firstName');
  const lastName = optString(raw, 'lastName');
  const roleId = optString(raw, 'roleId');
  const primaryTeamId = optString(raw, 'primaryTeamId');
  const roleIds = optStrings(raw, 'roleIds');
  const secondaryTeamIds = optStrings(raw, 'secondaryTeamIds');
  const seatNames = optStrings(raw, 'seatNames');
  const superAdmin = raw.superAdmin;
  const wrong = Object.entries({ firstName, lastName, roleId, primaryTeamId, roleIds, secondaryTeamIds, seatNames })
    .filter(([, v]) => v === false)
    .map(([k]) => k);
  if (superAdmin !== undefined && superAdmin !== null && typeof superAdmin !== 'boolean') {
    wrong.push('superAdmin');
  }
  if (
    wrong.length > 0 ||
    firstName === false ||
    lastName === false ||
    roleId === false ||
    primaryTeamId === false ||
    roleIds === false ||
    secondaryTeamIds === false ||
    seatNames === false
  ) {
    return { ok: false, problem: `user ${id} has fields of the wrong type: ${wrong.join(', ')}` };
  }
  const user: HubSpotUser = {
    id,
    email,
    roleIds: roleIds ?? (roleId === undefined ? [] : [roleId]),
    secondaryTeamIds: secondaryTeamIds ?? [],
    superAdmin: superAdmin === true,
  };
  if (firstName !== undefined) user.firstName = firstName;
  if (lastName !== undefined) user.lastName = lastName;
  if (roleId !== undefined) user.roleId = roleId;
  if (primaryTeamId !== undefined) user.primaryTeamId = primaryTeamId;
  if (seatNames !== undefined) user.seatNames = seatNames;
  return { ok: true, value: user };
}

/** The `results` array of a collection answer. */
export function resultsOf(raw: unknown): Checked<unknown[]> {
  if (!isObject(raw) || !Array.isArray(raw.results)) {
    return { ok: false, problem: 'answer has no results array' };
  }
  return { ok: true, value: raw.results };
}

/** The next-page cursor of a users page; undefined on the last page. */
export function nextCursor(raw: unknown): Checked<string | undefined> {
  if (!isObject(raw)) {
    return { ok: false, problem: 'page is not an object' };
  }
  const paging = raw.paging;
  if (paging === undefined || paging === null) {
    return { ok: true, value: undefined };
  }
  const next = isObject(paging) ? paging.next : undefined;
  if (next === undefined || next === null) {
    return { ok: true, value: undefined };
  }
  const after = isObject(next) ? next.after : undefined;
  if (typeof after !== 'string' || after === '') {
    return { ok: false, problem: 'paging.next.after is not a string' };
  }
  return { ok: true, value: after };
}

/** Every item checked, or the first problem. */
export function checkAll<T>(items: readonly unknown[], check: (raw: unknown) => Checked<T>): Checked<T[]> {
  const out: T[] = [];
  for (const item of items) {
    const c = check(item);
    if (!c.ok) {
      return c;
    }
    out.push(c.value);
  }
  return { ok: true, value: out };
}

export function toHubSpotRole(raw: unknown): Checked<HubSpotRole> {
  if (!isObject(raw) || typeof raw.id !== 'string' || typeof raw.name !== 'string' || typeof raw.requiresBillingWrite !== 'boolean') {
    return { ok: false, problem: `role ${JSON.stringify(isObject(raw) ? raw.id : raw)} lacks id, name or requiresBillingWrite` };
  }
  return { ok: true, value: { id: raw.id, name: raw.name, requiresBillingWrite: raw.requiresBillingWrite } };
}

export function toHubSpotTeam(raw: unknown): Checked<HubSpotTeam> {
  if (!isObject(raw) || typeof raw.id !== 'string' || typeof raw.name !== 'string') {
    return { ok: false, problem: 'team lacks id or name' };
  }
  const userIds = optStrings(raw, 'userIds');
  const secondaryUserIds = optStrings(raw, 'secondaryUserIds');
  if (userIds === false || secondaryUserIds === false) {
    return { ok: false, problem: `team ${raw.id} has member lists of the wrong type` };
  }
  return { ok: true, value: { id: raw.id, name: raw.name, userIds: userIds ?? [], secondaryUserIds: secondaryUserIds ?? [] } };
}

export function toHubSpotSeat(raw: unknown): Checked<HubSpotSeat> {
  if (!isObject(raw) || typeof raw.name !== 'string') {
    return { ok: false, problem: 'seat lacks a name' };
  }
  const seat: HubSpotSeat = { name: raw.name };
  if (typeof raw.description === 'string') seat.description = raw.description;
  if (typeof raw.remainingSeats === 'number' && Number.isInteger(raw.remainingSeats)) seat.remainingSeats = raw.remainingSeats;
  return { ok: true, value: seat };
}

/** A `UserProvisionRequest` (the SDK's model has no `seatNames`; it is sent only on the raw path). */
export interface CreateBody {
  email: string;
  sendWelcomeEmail: boolean;
  firstName?: string;
  lastName?: string;
  roleId?: string;
  primaryTeamId?: string;
  secondaryTeamIds?: string[];
  seatNames?: string[];
}

/** The JSON body of a create: null values are left out. */
export function createBody(input: CreateUserInput, withSeats: boolean): CreateBody {
  const body: CreateBody = { email: input.email, sendWelcomeEmail: input.sendWelcomeEmail };
  if (input.firstName != null) body.firstName = input.firstName;
  if (input.lastName != null) body.lastName = input.lastName;
  if (input.roleId != null) body.roleId = input.roleId;
  if (input.primaryTeamId != null) body.primaryTeamId = input.primaryTeamId;
  if (input.secondaryTeamIds !== undefined && input.secondaryTeamIds.length > 0) body.secondaryTeamIds = [...input.secondaryTeamIds];
  if (withSeats && input.seatNames !== undefined) body.seatNames = [...input.seatNames];
  return body;
}

/**
 * The JSON body of an update (`PublicUserUpdate`), as a partial update: keys the caller left out
 * are not sent; `null` is sent as JSON null, which is how a role (or team, or name) is removed.
 */
export function updateBody(input: UpdateUserInput, withSeats: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (input.firstName !== undefined) body.firstName = input.firstName;
  if (input.lastName !== undefined) body.lastName = input.lastName;
  if (input.roleId !== undefined) body.roleId = input.roleId;
  if (input.primaryTeamId !== undefined) body.primaryTeamId = input.primaryTeamId;
  if (input.secondaryTeamIds !== undefined) body.secondaryTeamIds = [...input.secondaryTeamIds];
  if (withSeats && input.seatNames !== undefined) body.seatNames = [...input.seatNames];
  return body;
}
