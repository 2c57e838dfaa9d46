import type { AssignmentScope, OktaCandidate } from '../sync/types';
import type { OktaLogEvent, OktaLogTarget } from './okta-types';

/**
 * Turns Okta API objects (SDK models or raw JSON: dates may be `Date`s or strings) into the
 * daemon's shapes. Values are passed on raw (untrimmed, possibly invalid); judging them is the
 * planner's job.
 */

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/**
 * A profile's own attributes as plain data (an SDK model object may carry a prototype; the
 * candidate travels through job data and JSON, so only the values are kept).
 */
function plain(p: Obj): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v !== undefined && typeof v !== 'function') {
      out[k] = v;
    }
  }
  return out;
}

/** A group's id and name (`profile.name`) from an Okta Group; null when either is missing. */
export function toGroupRef(group: unknown): { id: string; name: string } | null {
  const g = obj(group);
  const id = str(g?.id);
  const name = str(obj(g?.profile)?.name);
  return id && name !== null ? { id, name } : null;
}

/** An ISO 8601 string from a `Date` or a date string; null otherwise. */
export function isoDate(v: unknown): string | null {
  if (v instanceof Date) {
    return Number.isNaN(v.getTime()) ? null : v.toISOString();
  }
  if (typeof v === 'string' && v !== '') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? v : new Date(ms).toISOString();
  }
  return null;
}

/** The embedded user of an AppUser fetched with `expand=user`, when present. */
export function embeddedUser(appUser: unknown): Obj | null {
  return obj(obj(obj(appUser)?._embedded)?.user);
}

/** The Okta user id an AppUser is about (`AppUser.id` is the user's id, 00u…). */
export function appUserId(appUser: unknown): string | null {
  return str(obj(appUser)?.id);
}

/**
 * A candidate from an Okta User and its AppUser (null: not assigned to the app). Throws when
 * the user has no id, which only a broken answer can cause.
 */
export function toCandidate(user: unknown, appUser: unknown | null): OktaCandidate {
  const u = obj(user);
  const id = str(u?.id);
  if (!u || !id) {
    throw new Error('Okta answered a user without an id');
  }
  const profile = obj(u.profile) ?? {};
  const au = obj(appUser);
  const scope = str(au?.scope);
  const assignedVia: AssignmentScope | null = scope === 'USER' || scope === 'GROUP' ? scope : null;
  return {
    oktaUserId: id,
    profile: plain(profile),
    // The app user's profile as Okta computed it (direct assignment, else group priority).
    appProfile: au ? plain(obj(au.profile) ?? {}) : null,
    login: str(profile.login) ?? '',
    email: str(profile.email),
    firstName: str(profile.firstName),
    lastName: str(profile.lastName),
    title: str(profile.title),
    status: str(u.status) ?? 'UNKNOWN',
    assigned: au !== null,
    assignedVia: au ? assignedVia : null,
    assignedAt: au ? isoDate(au.created) : null,
  };
}

/** A System Log event reduced to what the poller and the ledger rebuild need. */
export function toLogEvent(raw: unknown): OktaLogEvent {
  const e = obj(raw) ?? {};
  const targets: OktaLogTarget[] = [];
  for (const t of Array.isArray(e.target) ? e.target : []) {
    const o = obj(t);
    const id = str(o?.id);
    const type = str(o?.type);
    if (o && id && type) {
      targets.push({ id, type, alternateId: str(o.alternateId), displayName: str(o.displayName) });
    }
  }
  const ofType = (type: string) => targets.filter((t) => t.type === type).map((t) => t.id);
  const actor = obj(e.actor);
  return {
    uuid: str(e.uuid) ?? '',
    published: isoDate(e.published) ?? '',
    eventType: str(e.eventType) ?? '',
    userIds: ofType('User'),
    appIds: ofType('AppInstance'),
    groupIds: ofType('UserGroup'),
    outcome: str(obj(e.outcome)?.result),
    actorId: str(actor?.id),
    targets,
  };
}
