import type { OktaAdmin, AdminNewUser } from './admin';
import type { OktaFaults, OktaFaultSettings } from './faults';
import { OktaHttpError, oktaError } from './okta-errors';
import { OKTA_USER_STATUSES, type ProfilePatch, type SimValue } from './okta-store';
import type { RequestLog } from './request-log';

/**
 * The admin API over HTTP, under `/__admin/`, for demos, benchmarks and other processes:
 *
 * | method | path | does |
 * |---|---|---|
 * | GET | /__admin/users | every user |
 * | POST | /__admin/users | create (`{login, email?, firstName?, lastName?, title?, status?, profile?, assign?, appProfile?, groups?}`) |
 * | GET | /__admin/users/{idOrLogin} | one user |
 * | POST | /__admin/users/{idOrLogin}/{assign,unassign,deactivate,suspend,unsuspend,reactivate,activate} | lifecycle |
 * | POST | /__admin/users/{idOrLogin}/profile | change profile attributes (`{title: "…"}`) |
 * | POST | /__admin/users/{idOrLogin}/appProfile | change the direct assignment's app user profile (`{hubspotRole: "…"}`, null removes) |
 * | DELETE | /__admin/users/{idOrLogin} | delete |
 * | GET, POST | /__admin/groups | list, create (`{name, assignToApp?, priority?, appProfile?}`) |
 * | POST | /__admin/groups/{idOrName}/{assign,unassign} | (un)assign the group to the app (assign: `{priority?, appProfile?}`) |
 * | PUT | /__admin/groups/{idOrName}/assignment | change the group assignment (`{priority?, profile?}`) |
 * | PUT, DELETE | /__admin/groups/{idOrName}/users/{idOrLogin} | add to / remove from the group |
 * | GET | /__admin/logs | every System Log event |
 * | GET, DELETE | /__admin/requests | the request log and counters / clear it |
 * | PUT, DELETE | /__admin/faults | add faults (OktaFaultSettings, `route` as a template) / remove all |
 * | POST | /__admin/tokens/expire | expire every OAuth access token |
 * | GET | /__admin/eventHooks[/deliveries] | registered event hooks / every verification and delivery attempt |
 * | PUT, DELETE | /__admin/eventHooks/faults | set delivery faults (HookFaultSettings: drop, delay, duplicate, reverse order) / clear them |
 * | POST | /__admin/eventHooks/settle | send pending deliveries now and wait until they are answered |
 */

export interface AdminDeps {
  admin: OktaAdmin;
  faults: OktaFaults;
  requests: RequestLog;
  expireTokens: () => void;
}

export interface AdminAnswer {
  status: number;
  body: unknown;
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new OktaHttpError(400, oktaError('E0000003', 'The request body was not well-formed.'));
  }
  return body as Record<string, unknown>;
}

function stringOrNull(v: unknown, field: string): string | null | undefined {
  if (v === undefined || v === null || typeof v === 'string') {
    return v;
  }
  throw new OktaHttpError(400, oktaError('E0000001', `Api validation failed: ${field}`, [`${field}: must be a string`]));
}

function toNewUser(body: Record<string, unknown>): AdminNewUser {
  const login = stringOrNull(body.login, 'login');
  if (typeof login !== 'string') {
    throw new OktaHttpError(400, oktaError('E0000001', 'Api validation failed: login', ['login: The field cannot be left blank']));
  }
  const status = body.status;
  if (status !== undefined && !OKTA_USER_STATUSES.some((s) => s === status)) {
    throw new OktaHttpError(400, oktaError('E0000001', 'Api validation failed: status', [`status: must be one of ${OKTA_USER_STATUSES.join(', ')}`]));
  }
  const user: AdminNewUser = { login };
  const email = stringOrNull(body.email, 'email');
  const firstName = stringOrNull(body.firstName, 'firstName');
  const lastName = stringOrNull(body.lastName, 'lastName');
  const title = stringOrNull(body.title, 'title');
  if (email !== undefined) user.email = email;
  if (firstName !== undefined) user.firstName = firstName;
  if (lastName !== undefined) user.lastName = lastName;
  if (title !== undefined) user.title = title;
  if (typeof body.department === 'string') user.department = body.department;
  if (typeof status === 'string') user.status = OKTA_USER_STATUSES.find((s) => s === status);
  if (body.assign === true) user.assign = true;
  if (body.profile !== undefined) user.profile = toPatch(asObject(body.profile));
  if (body.appProfile !== undefined) user.appProfile = toPatch(asObject(body.appProfile));
  if (Array.isArray(body.groups)) user.groups = body.groups.filter((g): g is string => typeof g === 'string');
  return user;
}

/** The base attributes Okta's schema types as text; custom ones may also be numbers, booleans or lists of strings. */
const TEXT_ATTRIBUTES = new Set(['login', 'email', 'firstName', 'lastName', 'displayName', 'title', 'department']);

function customValue(v: unknown, field: string): SimValue | undefined {
  if (typeof v === 'number' || typeof v === 'boolean' || (Array.isArray(v) && v.every((item) => typeof item === 'string'))) {
    return v as SimValue;
  }
  if (v === undefined || v === null || typeof v === 'string') {
    return v;
  }
  throw new OktaHttpError(400, oktaError('E0000001', `Api validation failed: ${field}`, [`${field}: must be a string, a number, a boolean or a list of strings`]));
}

function toPatch(body: Record<string, unknown>): ProfilePatch {
  const patch: ProfilePatch = {};
  for (const [k, v] of Object.entries(body)) {
    const value = TEXT_ATTRIBUTES.has(k) ? stringOrNull(v, k) : customValue(v, k);
    if (value !== undefined) {
      patch[k] = value;
    }
  }
  return patch;
}

function optionalNumber(v: unknown, field: string): number | undefined {
  if (v === undefined) {
    return undefined;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) {
    return v;
  }
  throw new OktaHttpError(400, oktaError('E0000001', `Api validation failed: ${field}`, [`${field}: must be an integer of at least 0`]));
}

/** The group assignment parts of a body: `priority` and the profile (under `profileKey`). */
function toGroupAssignment(body: unknown, profileKey: 'profile' | 'appProfile'): { priority?: number; profile?: ProfilePatch } {
  const b = body === undefined || body === null ? {} : asObject(body);
  const priority = optionalNumber(b.priority, 'priority');
  const profile = b[profileKey] === undefined ? undefined : toPatch(asObject(b[profileKey]));
  return { ...(priority === undefined ? {} : { priority }), ...(profile ? { profile } : {}) };
}

function toFaultSettings(body: Record<string, unknown>): OktaFaultSettings {
  const s: OktaFaultSettings = {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  s.errorRate5xx = num(body.errorRate5xx);
  const l = body.latencyMs;
  s.latencyMs = Array.isArray(l) && l.length === 2 && typeof l[0] === 'number' && typeof l[1] === 'number' ? [l[0], l[1]] : num(l);
  s.fail429Next = num(body.fail429Next);
  s.resetInSeconds = num(body.resetInSeconds);
  if (Array.isArray(body.failNext)) {
    s.failNext = body.failNext.flatMap((f: unknown) => {
      const o = f !== null && typeof f === 'object' ? (f as Record<string, unknown>) : {};
      return typeof o.status === 'number' ? [{ status: o.status, body: o.body }] : [];
    });
  }
  if (Array.isArray(body.badAnswerNext)) {
    s.badAnswerNext = body.badAnswerNext.filter((b): b is NonNullable<OktaFaultSettings['badAnswerNext']>[number] => typeof b === 'string');
  }
  if (typeof body.route === 'string') {
    s.route = body.route;
  }
  s.fail5xxNext = num(body.fail5xxNext);
  s.status5xx = num(body.status5xx);
  const o = body.outage !== null && typeof body.outage === 'object' ? (body.outage as Record<string, unknown>) : null;
  const forMs = num(o?.forMs);
  if (o && forMs !== undefined) {
    const answer = o.answer === undefined ? 'unavailable' : (['unavailable', 'unauthenticated', 'timeout'] as const).find((a) => a === o.answer);
    if (!answer) {
      throw new OktaHttpError(400, oktaError('E0000001', 'outage.answer must be one of unavailable, unauthenticated, timeout'));
    }
    s.outage = { forMs, answer };
  }
  return s;
}

/** Answers one admin request; throws OktaHttpError (or the store's OktaSimError) on refusal. */
export function handleAdmin(deps: AdminDeps, method: string, segments: string[], body: unknown): AdminAnswer {
  const { admin } = deps;
  const [resource, id, sub, subId] = segments;
  const ok = (b: unknown, status = 200): AdminAnswer => ({ status, body: b });
  const missing = (): OktaHttpError => new OktaHttpError(404, oktaError('E0000007', `Not found: Resource not found: /__admin/${segments.join('/')}`));

  if (resource === 'users') {
    if (id === undefined) {
      if (method === 'GET') return ok(admin.listUsers());
      if (method === 'POST') return ok(admin.createUser(toNewUser(asObject(body))), 201);
      throw missing();
    }
    if (sub === undefined) {
      if (method === 'GET') {
        const u = admin.getUser(id);
        if (!u) throw new OktaHttpError(404, oktaError('E0000007', `Not found: Resource not found: ${id} (User)`));
        return ok(u);
      }
      if (method === 'DELETE') {
        admin.deleteUser(id);
        return ok(null, 204);
      }
      throw missing();
    }
    if (method === 'POST' && sub === 'profile') return ok(admin.updateProfile(id, toPatch(asObject(body))));
    if (method === 'POST' && sub === 'appProfile') return ok(admin.setAppUserProfile(id, toPatch(asObject(body))));
    if (method === 'POST') {
      switch (sub) {
        case 'assign': {
          const b = body === undefined || body === null ? {} : asObject(body);
          return ok(admin.assign(id, b.appProfile === undefined ? undefined : toPatch(asObject(b.appProfile))));
        }
        case 'unassign':
          return ok(admin.unassign(id));
        case 'deactivate':
          return ok(admin.deactivate(id));
        case 'suspend':
          return ok(admin.suspend(id));
        case 'unsuspend':
          return ok(admin.unsuspend(id));
        case 'reactivate':
          return ok(admin.reactivate(id));
        case 'activate':
          return ok(admin.activate(id));
      }
    }
    throw missing();
  }
  if (resource === 'groups') {
    if (id === undefined) {
      if (method === 'GET') return ok(admin.listGroups());
      if (method === 'POST') {
        const b = asObject(body);
        if (typeof b.name !== 'string') throw new OktaHttpError(400, oktaError('E0000001', 'Api validation failed: name', ['name: required']));
        const assignment = toGroupAssignment(b, 'appProfile');
        return ok(
          admin.createGroup({
            name: b.name,
            assignToApp: b.assignToApp === true,
            ...(assignment.priority === undefined ? {} : { priority: assignment.priority }),
            ...(assignment.profile ? { appProfile: assignment.profile } : {}),
          }),
          201,
        );
      }
      throw missing();
    }
    if (method === 'POST' && sub === 'assign' && subId === undefined) {
      const assignment = toGroupAssignment(body, 'appProfile');
      admin.assignGroup(id, { ...(assignment.priority === undefined ? {} : { priority: assignment.priority }), ...(assignment.profile ? { appProfile: assignment.profile } : {}) });
      return ok(null, 204);
    }
    if (method === 'PUT' && sub === 'assignment' && subId === undefined) {
      return ok(admin.updateGroupAssignment(id, toGroupAssignment(body, 'profile')));
    }
    if (method === 'POST' && sub === 'unassign' && subId === undefined) {
      admin.unassignGroup(id);
      return ok(null, 204);
    }
    if (sub === 'users' && subId !== undefined) {
      if (method === 'PUT') return ok(admin.addToGroup(subId, id));
      if (method === 'DELETE') return ok(admin.removeFromGroup(subId, id));
    }
    throw missing();
  }
  if (resource === 'logs' && method === 'GET' && id === undefined) return ok(admin.events());
  if (resource === 'requests' && id === undefined) {
    if (method === 'GET') return ok({ requests: deps.requests.list(), counts: deps.requests.counts() });
    if (method === 'DELETE') {
      deps.requests.clear();
      return ok(null, 204);
    }
  }
  if (resource === 'faults' && id === undefined) {
    if (method === 'PUT') {
      deps.faults.set(toFaultSettings(asObject(body)));
      return ok({ pending: deps.faults.pending() });
    }
    if (method === 'DELETE') {
      deps.faults.reset();
      return ok(null, 204);
    }
  }
  if (resource === 'tokens' && id === 'expire' && method === 'POST') {
    deps.expireTokens();
    return ok(null, 204);
  }
  throw missing();
}
