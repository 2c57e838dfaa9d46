import { duplicateEmail, validationError } from './hubspot-sim-errors';
import type { HubSpotStore, NewSimUser, SimUserPatch } from './hubspot-store';
import type { PublicUserJson, SimErrorAnswer, SimResult, SimUser } from './hubspot-sim-types';

/**
 * The account's rules for creating and changing users, shared by the API routes and the admin
 * API: field types, existing roles/teams/seats, which changes need `settings.billing.write`, the
 * seat inventory, and how a stored user is rendered per API version.
 */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether a request may set and read `seatNames` in this API version. */
export interface VersionFeatures {
  seatAware: boolean;
}

export interface ParsedCreate {
  user: NewSimUser;
  sendWelcomeEmail: boolean;
  /** The request assigns a paid-seat role or named seats. */
  needsBilling: boolean;
}

export interface ParsedUpdate {
  patch: SimUserPatch;
  needsBilling: boolean;
}

type Fields = Record<string, unknown>;

function fail<T>(error: SimErrorAnswer): SimResult<T> {
  return { ok: false, error };
}

function isObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(body: Fields, key: string, nullable: boolean): SimResult<string | null | undefined> {
  const v = body[key];
  if (v === undefined || (v === null && nullable)) {
    return { ok: true, value: v };
  }
  if (v === null) {
    return { ok: true, value: undefined };
  }
  if (typeof v !== 'string') {
    return fail(validationError(key, `${key} must be a string`));
  }
  return { ok: true, value: v };
}

function stringArray(body: Fields, key: string): SimResult<string[] | undefined> {
  const v = body[key];
  if (v === undefined || v === null) {
    return { ok: true, value: undefined };
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    return fail(validationError(key, `${key} must be an array of strings`));
  }
  return { ok: true, value: v.map(String) };
}

function checkRole(store: HubSpotStore, roleId: string | null | undefined): SimErrorAnswer | null {
  if (roleId === undefined || roleId === null) {
    return null;
  }
  if (roleId === '') {
    return validationError('roleId', 'roleId "" is not a role id. To remove the role, send "roleId": null.', 'INVALID_ROLE');
  }
  return store.role(roleId) ? null : validationError('roleId', `Role ${roleId} does not exist in this account.`, 'INVALID_ROLE');
}

function checkTeams(store: HubSpotStore, key: string, ids: ReadonlyArray<string | null | undefined>): SimErrorAnswer | null {
  for (const id of ids) {
    if (id !== undefined && id !== null && !store.team(id)) {
      return validationError(key, `Team ${id} does not exist in this account.`, 'INVALID_TEAM');
    }
  }
  return null;
}

function checkSeatNames(store: HubSpotStore, names: readonly string[] | undefined): SimErrorAnswer | null {
  for (const n of names ?? []) {
    if (!store.seat(n)) {
      return validationError('seatNames', `Seat "${n}" does not exist in this account.`, 'INVALID_SEAT');
    }
  }
  return null;
}

function isPaidRole(store: HubSpotStore, roleId: string | null | undefined): boolean {
  return roleId !== undefined && roleId !== null && store.role(roleId)?.requiresBillingWrite === true;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** The user fields a create or an update may carry (`nullable`: an update's `null` clears). */
interface UserFields {
  firstName: string | null | undefined;
  lastName: string | null | undefined;
  roleId: string | null | undefined;
  primaryTeamId: string | null | undefined;
  secondaryTeamIds: string[] | undefined;
  seatNames: string[] | undefined;
}

function parseUserFields(body: Fields, nullable: boolean, features: VersionFeatures): SimResult<UserFields> {
  const firstName = optionalString(body, 'firstName', nullable);
  const lastName = optionalString(body, 'lastName', nullable);
  const roleId = optionalString(body, 'roleId', nullable);
  const primaryTeamId = optionalString(body, 'primaryTeamId', nullable);
  const secondaryTeamIds = stringArray(body, 'secondaryTeamIds');
  const seatNames = features.seatAware ? stringArray(body, 'seatNames') : ({ ok: true, value: undefined } as const);
  if (!firstName.ok) return firstName;
  if (!lastName.ok) return lastName;
  if (!roleId.ok) return roleId;
  if (!primaryTeamId.ok) return primaryTeamId;
  if (!secondaryTeamIds.ok) return secondaryTeamIds;
  if (!seatNames.ok) return seatNames;
  return {
    ok: true,
    value: { firstName: firstName.value, lastName: lastName.value, roleId: roleId.value, primaryTeamId: primaryTeamId.value, secondaryTeamIds: secondaryTeamIds.value, seatNames: seatNames.value },
  };
}

/** 400 when the fields name a role, team or seat the account does not have. */
function checkReferences(store: HubSpotStore, f: UserFields): SimErrorAnswer | null {
  return (
    checkRole(store, f.roleId) ??
    checkTeams(store, 'primaryTeamId', [f.primaryTeamId]) ??
    checkTeams(store, 'secondaryTeamIds', f.secondaryTeamIds ?? []) ??
    checkSeatNames(store, f.seatNames)
  );
}

/** Validates a `UserProvisionRequest` body (400 on bad shape, email, role, team or seat name). */
export function parseCreate(body: unknown, store: HubSpotStore, features: VersionFeatures): SimResult<ParsedCreate> {
  if (!isObject(body)) {
    return fail(validationError('body', 'The request body must be a JSON object.', 'INVALID_JSON'));
  }
  const email = body.email;
  if (typeof email !== 'string' || email.trim() === '') {
    return fail(validationError('email', 'email is required.', 'REQUIRED'));
  }
  if (!EMAIL.test(email.trim())) {
    return fail(validationError('email', `"${email}" is not a valid email address.`, 'INVALID_EMAIL'));
  }
  const parsed = parseUserFields(body, false, features);
  if (!parsed.ok) return parsed;
  const { firstName: first, lastName: last, roleId: role, primaryTeamId: team, secondaryTeamIds: secondary, seatNames } = parsed.value;
  const welcome = body.sendWelcomeEmail;
  if (welcome !== undefined && welcome !== null && typeof welcome !== 'boolean') {
    return fail(validationError('sendWelcomeEmail', 'sendWelcomeEmail must be a boolean'));
  }
  const error = checkReferences(store, parsed.value);
  if (error) {
    return fail(error);
  }
  const user: NewSimUser = {
    email: email.trim(),
    firstName: first ?? undefined,
    lastName: last ?? undefined,
    roleId: role ?? undefined,
    primaryTeamId: team ?? undefined,
    secondaryTeamIds: secondary,
    seatNames: seatNames,
  };
  return {
    ok: true,
    value: {
      user,
      sendWelcomeEmail: welcome === true,
      needsBilling: isPaidRole(store, user.roleId) || (user.seatNames ?? []).length > 0,
    },
  };
}

/**
 * Validates a `PublicUserUpdate` body as a partial update: absent keys stay, `null` clears
 * (`"roleId": null` removes the role), `""` is not a role id. Email is not a field: it is ignored.
 */
export function parseUpdate(body: unknown, current: SimUser, store: HubSpotStore, features: VersionFeatures): SimResult<ParsedUpdate> {
  if (!isObject(body)) {
    return fail(validationError('body', 'The request body must be a JSON object.', 'INVALID_JSON'));
  }
  const parsed = parseUserFields(body, true, features);
  if (!parsed.ok) return parsed;
  const { firstName: first, lastName: last, roleId: role, primaryTeamId: team, secondaryTeamIds: secondary, seatNames } = parsed.value;
  const error = checkReferences(store, parsed.value);
  if (error) {
    return fail(error);
  }
  const patch: SimUserPatch = {};
  if (first !== undefined) patch.firstName = first;
  if (last !== undefined) patch.lastName = last;
  if (role !== undefined) patch.roleId = role;
  if (team !== undefined) patch.primaryTeamId = team;
  if (secondary !== undefined) patch.secondaryTeamIds = secondary;
  if (seatNames !== undefined) patch.seatNames = seatNames;

  const roleChanges = patch.roleId !== undefined && (patch.roleId ?? undefined) !== current.roleId;
  const seatsChange = patch.seatNames !== undefined && !sameSet(patch.seatNames, current.seatNames);
  const needsBilling = (roleChanges && (isPaidRole(store, patch.roleId) || isPaidRole(store, current.roleId))) || seatsChange;
  return { ok: true, value: { patch, needsBilling } };
}

/** 409 when another user already has this email (emails compare case-insensitively). */
export function checkEmailFree(store: HubSpotStore, email: string): SimErrorAnswer | null {
  return store.getByEmail(email) ? duplicateEmail(email) : null;
}

/** 400 when a seat the user does not hold yet has none left. */
export function checkSeatInventory(store: HubSpotStore, held: readonly string[], wanted: readonly string[] | undefined): SimErrorAnswer | null {
  for (const name of new Set(wanted ?? [])) {
    if (held.includes(name)) {
      continue;
    }
    const seat = store.seat(name);
    const used = store.seatsUsed(name);
    if (seat && used >= seat.total) {
      return validationError(
        'seatNames',
        `No "${name}" seats left: ${used} of ${seat.total} are assigned. Buy more seats or free one before assigning it.`,
        'NO_SEATS_AVAILABLE',
      );
    }
  }
  return null;
}

/** Renders a stored user as `PublicUser` for one API version. */
export function renderUser(user: SimUser, features: VersionFeatures, sendWelcomeEmail = false): PublicUserJson {
  const out: PublicUserJson = {
    id: user.id,
    email: user.email,
    roleIds: user.roleId === undefined ? [] : [user.roleId],
    secondaryTeamIds: [...user.secondaryTeamIds],
    superAdmin: user.superAdmin,
    sendWelcomeEmail,
  };
  if (user.firstName !== undefined) out.firstName = user.firstName;
  if (user.lastName !== undefined) out.lastName = user.lastName;
  if (user.roleId !== undefined) out.roleId = user.roleId;
  if (user.primaryTeamId !== undefined) out.primaryTeamId = user.primaryTeamId;
  if (features.seatAware) out.seatNames = [...user.seatNames];
  return out;
}
