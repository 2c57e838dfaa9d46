import { SimAdminError, type AdminUserInput, type AdminUserPatch, type HubSpotAdmin } from './hubspot-admin';
import type { BadAnswerKind, HubSpotFaults, InjectedAnswer, OutageAnswer } from './hubspot-faults';
import type { RequestLog } from './hubspot-request-log';
import type { SimSeat } from './hubspot-sim-types';

/**
 * The admin API over HTTP, under `/__admin`, for the demo and for processes that drive a
 * simulator they did not start. Needs `Authorization: Bearer <adminToken>`.
 *
 * GET  /__admin/state                      users, roles, teams, seats
 * GET  /__admin/users                      POST /__admin/users (AdminUserInput; superAdmin allowed)
 * GET|PATCH|DELETE /__admin/users/{idOrEmail}
 * GET  /__admin/seats                      PUT /__admin/seats [{name, description?, total}]
 * POST /__admin/seats/reset                seat inventory back to the seed's
 * POST /__admin/faults                     {errorRate?, latencyMs?, slowMs?, fail429Next?, rateLimitFor?: {forMs, policy?}, failNext?, badAnswerNext?, fail5xxNext?: {n, status?}, outage?: {forMs, answer?: unavailable|unauthenticated|timeout}, reset?}
 * GET  /__admin/counts                     GET /__admin/requests?limit=N   GET /__admin/writes/{idOrEmail}
 * POST /__admin/reset                      seed reloaded, log, faults and rate limits cleared
 */

export interface AdminHttpAnswer {
  status: number;
  body?: unknown;
}

type Fields = Record<string, unknown>;

function isObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asSeats(v: unknown): SimSeat[] {
  if (!Array.isArray(v)) {
    throw new SimAdminError(400, 'expected an array of {name, description?, total}');
  }
  return v.map((s) => {
    if (!isObject(s) || typeof s.name !== 'string' || typeof s.total !== 'number') {
      throw new SimAdminError(400, 'each seat needs a name (string) and a total (number)');
    }
    return { name: s.name, description: typeof s.description === 'string' ? s.description : undefined, total: s.total };
  });
}

const OUTAGE_ANSWERS: readonly OutageAnswer[] = ['unavailable', 'unauthenticated', 'timeout'];
const BAD_KINDS: readonly BadAnswerKind[] = ['malformed-json', 'html-200', 'truncated', 'missing-fields', 'wrong-types', 'unknown-fields', 'loop-paging', 'slow'];

function configureFaults(faults: HubSpotFaults, body: unknown): void {
  if (!isObject(body)) {
    throw new SimAdminError(400, 'expected a JSON object');
  }
  if (body.reset === true) {
    faults.reset();
  }
  if (typeof body.errorRate === 'number') {
    faults.errorRate = body.errorRate;
  }
  if (body.latencyMs === null) {
    faults.latencyMs = null;
  } else if (Array.isArray(body.latencyMs) && body.latencyMs.length === 2 && body.latencyMs.every((n) => typeof n === 'number')) {
    faults.latencyMs = [Number(body.latencyMs[0]), Number(body.latencyMs[1])];
  }
  if (typeof body.slowMs === 'number') {
    faults.slowMs = body.slowMs;
  }
  const o = body.outage;
  if (isObject(o) && typeof o.forMs === 'number') {
    const answer = o.answer === undefined ? 'unavailable' : OUTAGE_ANSWERS.find((a) => a === o.answer);
    if (!answer) {
      throw new SimAdminError(400, `outage.answer must be one of ${OUTAGE_ANSWERS.join(', ')}`);
    }
    faults.outage(o.forMs, answer);
  }
  const f = body.fail5xxNext;
  if (isObject(f) && typeof f.n === 'number') {
    faults.fail5xxNext(f.n, typeof f.status === 'number' ? f.status : 503);
  }
  const r = body.fail429Next;
  if (isObject(r) && typeof r.n === 'number') {
    faults.fail429Next(r.n, r.policy === 'DAILY' ? 'DAILY' : 'TEN_SECONDLY_ROLLING');
  }
  const w = body.rateLimitFor;
  if (isObject(w) && typeof w.forMs === 'number') {
    faults.rateLimitFor(w.forMs, w.policy === 'DAILY' ? 'DAILY' : 'TEN_SECONDLY_ROLLING');
  }
  if (Array.isArray(body.failNext)) {
    const answers: InjectedAnswer[] = body.failNext.filter(isObject).map((a) => ({ status: Number(a.status), body: a.body }));
    faults.failNext(answers);
  }
  const b = body.badAnswerNext;
  if (isObject(b) && typeof b.kind === 'string') {
    const kind = BAD_KINDS.find((k) => k === b.kind);
    if (!kind) {
      throw new SimAdminError(400, `badAnswerNext.kind must be one of ${BAD_KINDS.join(', ')}`);
    }
    faults.badAnswerNext(kind, typeof b.n === 'number' ? b.n : 1);
  }
}

export function createAdminRoutes(deps: { admin: HubSpotAdmin; faults: HubSpotFaults; log: RequestLog; reset: () => void }) {
  const { admin, faults, log } = deps;

  function route(method: string, parts: string[], query: URLSearchParams, body: unknown): AdminHttpAnswer {
    const [first, second, third] = parts;
    if (first === 'state' && method === 'GET') {
      return { status: 200, body: { users: admin.users(), roles: admin.roles(), teams: admin.teams(), seats: admin.seats() } };
    }
    if (first === 'users' && second === undefined) {
      if (method === 'GET') {
        return { status: 200, body: { results: admin.users() } };
      }
      if (method === 'POST' && isObject(body)) {
        return { status: 201, body: admin.createUser(body as unknown as AdminUserInput) };
      }
    }
    if (first === 'users' && second !== undefined && third === undefined) {
      if (method === 'GET') {
        const u = admin.user(second);
        return u ? { status: 200, body: u } : { status: 404, body: { message: `No user ${second}` } };
      }
      if (method === 'PATCH' && isObject(body)) {
        return { status: 200, body: admin.updateUser(second, body as AdminUserPatch) };
      }
      if (method === 'DELETE') {
        return admin.deleteUser(second) ? { status: 204 } : { status: 404, body: { message: `No user ${second}` } };
      }
    }
    if (first === 'seats' && second === undefined) {
      if (method === 'GET') {
        return { status: 200, body: { results: admin.seats() } };
      }
      if (method === 'PUT') {
        admin.resetSeats(asSeats(body));
        return { status: 200, body: { results: admin.seats() } };
      }
    }
    if (first === 'seats' && second === 'reset' && method === 'POST') {
      admin.resetSeats();
      return { status: 200, body: { results: admin.seats() } };
    }
    if (first === 'faults' && method === 'POST') {
      configureFaults(faults, body);
      return { status: 200, body: { pending: faults.pending(), errorRate: faults.errorRate, latencyMs: faults.latencyMs, slowMs: faults.slowMs } };
    }
    if (first === 'counts' && method === 'GET') {
      return { status: 200, body: log.counts() };
    }
    if (first === 'requests' && method === 'GET') {
      const limit = Number(query.get('limit') ?? 100);
      const all = log.requests();
      return { status: 200, body: { results: all.slice(Math.max(0, all.length - limit)) } };
    }
    if (first === 'writes' && second !== undefined && method === 'GET') {
      return { status: 200, body: { results: log.writesTo(second) } };
    }
    if (first === 'reset' && method === 'POST') {
      deps.reset();
      return { status: 204 };
    }
    return { status: 404, body: { message: `No admin route ${method} /__admin/${parts.join('/')}` } };
  }

  return {
    /** Serves one admin request; `pathname` starts with `/__admin`. */
    handle(method: string, pathname: string, query: URLSearchParams, body: unknown): AdminHttpAnswer {
      const parts = pathname
        .replace(/^\/__admin\/?/, '')
        .split('/')
        .filter((p) => p !== '')
        .map((p) => {
          try {
            return decodeURIComponent(p);
          } catch {
            return p;
          }
        });
      try {
        return route(method, parts, query, body);
      } catch (e) {
        if (e instanceof SimAdminError) {
          return { status: e.status, body: { message: e.message } };
        }
        throw e;
      }
    },
  };
}
