import { randomBytes, randomUUID } from 'node:crypto';
import type { LogRef, StoredLogEvent } from './log-events';
import { OktaHttpError, oktaError, validationError } from './okta-errors';
import { oktaId } from './okta-ids';
import type { SystemLog } from './system-log';

/**
 * Okta Event Hooks in the simulated org: the management API (`/api/v1/eventHooks`, with Okta's
 * shapes and lifecycle) and the deliveries Okta makes to ACTIVE and VERIFIED hooks.
 *
 * As Okta does (see Okta's event hooks guide):
 * - verification is one GET with `x-okta-verification-challenge`, answered 200
 *   `{"verification": <the value>}` within 3 s; one retry after a timeout or error, then 400;
 * - a delivery is a POST of `data.events[]` (System Log events, several per request when they come
 *   close together) with the hook's static auth header and extra headers; 3 s timeout; one retry
 *   after a timeout, a dropped connection or a 5xx; none after a 4xx; a delivery that fails for
 *   good is written to the System Log as an `event_hook.delivery` event (outcome FAILURE);
 * - only event types that are hook-eligible can be subscribed to.
 *
 * Faults (drop, delay, duplicate, reorder deliveries) stand in for what "at least once, possibly
 * late, possibly out of order" means in practice. Unlike Okta, `http://` URIs are accepted for
 * loopback hosts (tests and the demo run without TLS), and events flow at once after
 * verification instead of "after several minutes".
 */

/** Event types Okta lets a hook subscribe to (the event-type catalog's `event-hook-eligible`), as far as the daemon cares. */
export const HOOK_ELIGIBLE_EVENT_TYPES: ReadonlySet<string> = new Set([
  'application.user_membership.add',
  'application.user_membership.remove',
  'application.user_membership.update',
  'user.lifecycle.create',
  'user.lifecycle.activate',
  'user.lifecycle.deactivate',
  'user.lifecycle.suspend',
  'user.lifecycle.unsuspend',
  'user.lifecycle.reactivate',
  'user.lifecycle.delete.initiated',
  'user.account.update_profile',
  'group.user_membership.add',
  'group.user_membership.remove',
  'group.application_assignment.add',
  'group.application_assignment.remove',
  'group.application_assignment.update',
  'group.profile.update',
  'group.lifecycle.create',
  'group.lifecycle.delete',
]);

/** Okta's limit of active verified event hooks per org. */
const MAX_HOOKS = 25;
/** Okta's limit of event types per hook. */
const MAX_EVENT_TYPES = 300;

interface SimEventHook {
  id: string;
  name: string;
  description: string | null;
  status: 'ACTIVE' | 'INACTIVE';
  verificationStatus: 'UNVERIFIED' | 'VERIFIED';
  eventTypes: string[];
  uri: string;
  headers: Array<{ key: string; value: string }>;
  auth: { key: string; value: string } | null;
  created: number;
  createdBy: string;
  lastUpdated: number;
}

/** Fault controls of deliveries (set through `eventHooks.faults` or `PUT /__admin/eventHooks/faults`). */
export interface HookFaultSettings {
  /** The next n deliveries (requests, retries included) are never sent, as if lost. */
  dropNext?: number;
  /** Probability (0..1) that a delivery is lost. */
  dropRate?: number;
  /** Each delivery waits this long (ms) before it is sent. */
  delayMs?: number;
  /** The next n deliveries are sent twice (the second copy after the first was answered). */
  duplicateNext?: number;
  /** Events inside each delivery are sent newest first (out of order). */
  reverseOrder?: boolean;
}

/** What one delivery attempt did, for tests and benchmarks. */
export interface HookDeliveryRecord {
  hookId: string;
  /** `eventId` of the request (Okta's id of one delivery; a retry keeps it). */
  eventId: string;
  kind: 'verification' | 'delivery';
  events: number;
  attempt: 1 | 2;
  /** HTTP status, 0 for no answer (timeout, refused, dropped), -1 when a fault dropped it. */
  status: number;
  at: number;
  durationMs: number;
}

export interface EventHooksOptions {
  log: SystemLog;
  render: (e: StoredLogEvent) => Record<string, unknown>;
  /** The org's origin (for `_links` and the envelope's `source`). */
  origin: () => string;
  /** Id scope of hook ids (the seed's name). */
  scope: string;
  actor: LogRef;
  now: () => number;
  /** Per-request timeout (Okta: 3 s). */
  timeoutMs?: number;
  /** Events published within this window go in one delivery (default 50 ms). */
  batchWindowMs?: number;
  /** Most events per delivery (Okta documents none; default 2,000). */
  maxBatch?: number;
}

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => v !== null && typeof v === 'object' && !Array.isArray(v);

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

/** Reads and checks an EventHook body (create or replace); throws Okta's 400 naming the field. */
function readHookBody(body: unknown): Pick<SimEventHook, 'name' | 'description' | 'eventTypes' | 'uri' | 'headers'> & { auth: { key: string; value: string | null } | null } {
  if (!isFields(body)) {
    throw new OktaHttpError(400, oktaError('E0000003', 'The request body was not well-formed.'));
  }
  if (typeof body.name !== 'string' || body.name.trim() === '') {
    throw validationError('name', 'The field cannot be left blank');
  }
  const events = body.events;
  if (!isFields(events) || events.type !== 'EVENT_TYPE' || !Array.isArray(events.items) || events.items.length === 0) {
    throw validationError('events', 'must be {"type": "EVENT_TYPE", "items": [event types]} with at least one event type');
  }
  const items = events.items.filter((i): i is string => typeof i === 'string');
  if (items.length !== events.items.length || items.length > MAX_EVENT_TYPES) {
    throw validationError('events.items', `must be at most ${MAX_EVENT_TYPES} event type names`);
  }
  const ineligible = items.filter((i) => !HOOK_ELIGIBLE_EVENT_TYPES.has(i));
  if (ineligible.length > 0) {
    throw validationError('events.items', `not eligible for event hooks: ${ineligible.join(', ')}`);
  }
  const channel = body.channel;
  if (!isFields(channel) || channel.type !== 'HTTP' || channel.version !== '1.0.0' || !isFields(channel.config)) {
    throw validationError('channel', 'must be {"type": "HTTP", "version": "1.0.0", "config": {...}}');
  }
  const config = channel.config;
  let uri: URL;
  try {
    uri = new URL(String(config.uri));
  } catch {
    throw validationError('channel.config.uri', 'must be a URL');
  }
  if (uri.protocol !== 'https:' && !(uri.protocol === 'http:' && isLoopback(uri.hostname))) {
    throw validationError('channel.config.uri', 'must use HTTPS');
  }
  const headers: Array<{ key: string; value: string }> = [];
  for (const h of Array.isArray(config.headers) ? config.headers : []) {
    if (isFields(h) && typeof h.key === 'string' && typeof h.value === 'string') {
      headers.push({ key: h.key, value: h.value });
    }
  }
  let auth: { key: string; value: string | null } | null = null;
  if (config.authScheme !== undefined && config.authScheme !== null) {
    const a = config.authScheme;
    if (!isFields(a) || a.type !== 'HEADER' || typeof a.key !== 'string' || a.key.trim() === '') {
      throw validationError('channel.config.authScheme', 'must be {"type": "HEADER", "key": <header name>, "value": <secret>}');
    }
    auth = { key: a.key, value: typeof a.value === 'string' ? a.value : null };
  }
  const description = typeof body.description === 'string' ? body.description : null;
  return { name: body.name, description, eventTypes: items, uri: uri.toString(), headers, auth };
}

/** What one HTTP request to a hook got. */
interface Outcome {
  status: number;
  body: string;
}

export function createEventHooks(opts: EventHooksOptions) {
  const hooks = new Map<string, SimEventHook>();
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const batchWindowMs = opts.batchWindowMs ?? 50;
  const maxBatch = opts.maxBatch ?? 2_000;
  const records: HookDeliveryRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  let faults: HookFaultSettings = {};
  let counter = 0;
  /** Events waiting for the batch window to close, per hook. */
  const pending = new Map<string, StoredLogEvent[]>();
  let flushTimer: NodeJS.Timeout | null = null;

  function json(h: SimEventHook): Fields {
    const self = `${opts.origin()}/api/v1/eventHooks/${h.id}`;
    const lifecycle = h.status === 'ACTIVE' ? 'deactivate' : 'activate';
    return {
      id: h.id,
      status: h.status,
      verificationStatus: h.verificationStatus,
      name: h.name,
      description: h.description,
      created: new Date(h.created).toISOString(),
      createdBy: h.createdBy,
      lastUpdated: new Date(h.lastUpdated).toISOString(),
      events: { type: 'EVENT_TYPE', items: [...h.eventTypes], filter: null },
      channel: {
        type: 'HTTP',
        version: '1.0.0',
        config: {
          uri: h.uri,
          headers: h.headers.map((x) => ({ ...x })),
          method: 'POST',
          // `value` is write-only: Okta never returns it.
          ...(h.auth ? { authScheme: { type: 'HEADER', key: h.auth.key } } : {}),
        },
      },
      _links: {
        self: { href: self },
        verify: { href: `${self}/lifecycle/verify`, hints: { allow: ['POST'] } },
        [lifecycle]: { href: `${self}/lifecycle/${lifecycle}`, hints: { allow: ['POST'] } },
      },
    };
  }

  function find(id: string): SimEventHook {
    const h = hooks.get(id);
    if (!h) {
      throw new OktaHttpError(404, oktaError('E0000007', `Not found: Resource not found: ${id} (EventHook)`));
    }
    return h;
  }

  /** One HTTP request to the hook's URI with its headers; never throws (no answer is status 0). */
  async function send(h: SimEventHook, method: 'GET' | 'POST', extra: Record<string, string>, body?: string): Promise<Outcome> {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'Okta Simulator Event Hooks', ...extra };
    for (const x of h.headers) {
      headers[x.key] = x.value;
    }
    if (h.auth) {
      headers[h.auth.key] = h.auth.value;
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    try {
      const res = await fetch(h.uri, { method, headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
      return { status: res.status, body: await res.text() };
    } catch {
      return { status: 0, body: '' };
    }
  }

  const retryable = (o: Outcome) => o.status === 0 || o.status >= 500;

  async function verify(id: string): Promise<Fields> {
    const h = find(id);
    const challenge = randomBytes(24).toString('base64url');
    const eventId = randomUUID();
    const check = (o: Outcome): boolean => {
      if (o.status !== 200) {
        return false;
      }
      try {
        const parsed: unknown = JSON.parse(o.body);
        return isFields(parsed) && parsed.verification === challenge;
      } catch {
        return false;
      }
    };
    let ok = false;
    for (const attempt of [1, 2] as const) {
      const t0 = performance.now();
      const o = await send(h, 'GET', { 'x-okta-verification-challenge': challenge });
      records.push({ hookId: h.id, eventId, kind: 'verification', events: 0, attempt, status: o.status, at: opts.now(), durationMs: performance.now() - t0 });
      ok = check(o);
      if (ok || !retryable(o)) {
        break;
      }
    }
    if (!ok) {
      throw new OktaHttpError(
        400,
        oktaError('E0000001', 'Api validation failed: Verification', [`Verification of the event hook at ${h.uri} failed: no 200 answer echoing x-okta-verification-challenge within ${timeoutMs} ms`]),
      );
    }
    h.verificationStatus = 'VERIFIED';
    h.lastUpdated = opts.now();
    return json(h);
  }

  /** The management API: method and path under `/api/v1/eventHooks`, the parsed body; the answer. */
  async function handle(method: string, segments: string[], body: unknown): Promise<{ status: number; body: unknown }> {
    const [id, lifecycle, action] = segments;
    if (id === undefined) {
      if (method === 'GET') {
        return { status: 200, body: [...hooks.values()].map(json) };
      }
      if (method === 'POST') {
        const read = readHookBody(body);
        if ([...hooks.values()].filter((x) => x.status === 'ACTIVE').length >= MAX_HOOKS) {
          throw validationError('eventHook', `an org can have at most ${MAX_HOOKS} active event hooks`);
        }
        const at = opts.now();
        const h: SimEventHook = {
          ...read,
          auth: read.auth ? { key: read.auth.key, value: read.auth.value ?? '' } : null,
          id: oktaId('who', opts.scope, `hook-${++counter}-${randomUUID()}`),
          status: 'ACTIVE',
          verificationStatus: 'UNVERIFIED',
          created: at,
          createdBy: opts.actor.id,
          lastUpdated: at,
        };
        hooks.set(h.id, h);
        return { status: 200, body: json(h) };
      }
      throw new OktaHttpError(405, oktaError('E0000022'));
    }
    if (lifecycle === undefined) {
      const h = find(id);
      if (method === 'GET') {
        return { status: 200, body: json(h) };
      }
      if (method === 'PUT') {
        const read = readHookBody(body);
        const channelChanged = read.uri !== h.uri || read.auth?.key !== h.auth?.key || (read.auth?.value ?? null) !== null;
        h.name = read.name;
        h.description = read.description;
        h.eventTypes = read.eventTypes;
        h.uri = read.uri;
        h.headers = read.headers;
        h.auth = read.auth ? { key: read.auth.key, value: read.auth.value ?? h.auth?.value ?? '' } : null;
        if (channelChanged) {
          // "Updating the channel property requires you to verify the hook again."
          h.verificationStatus = 'UNVERIFIED';
        }
        h.lastUpdated = opts.now();
        return { status: 200, body: json(h) };
      }
      if (method === 'DELETE') {
        if (h.status !== 'INACTIVE') {
          throw new OktaHttpError(400, oktaError('E0000001', 'Api validation failed: eventHook', ['Only an INACTIVE event hook can be deleted; deactivate it first']));
        }
        hooks.delete(h.id);
        pending.delete(h.id);
        return { status: 204, body: null };
      }
      throw new OktaHttpError(405, oktaError('E0000022'));
    }
    if (lifecycle !== 'lifecycle' || segments.length !== 3 || method !== 'POST') {
      throw new OktaHttpError(404, oktaError('E0000007', `Not found: Resource not found: ${segments.join('/')}`));
    }
    const h = find(id);
    switch (action) {
      case 'activate':
        h.status = 'ACTIVE';
        h.lastUpdated = opts.now();
        return { status: 200, body: json(h) };
      case 'deactivate':
        h.status = 'INACTIVE';
        h.lastUpdated = opts.now();
        pending.delete(h.id);
        return { status: 200, body: json(h) };
      case 'verify':
        return { status: 200, body: await verify(h.id) };
      default:
        throw new OktaHttpError(404, oktaError('E0000007', `Not found: Resource not found: ${segments.join('/')}`));
    }
  }

  const receiving = (h: SimEventHook) => h.status === 'ACTIVE' && h.verificationStatus === 'VERIFIED';

  /** The System Log listener: eligible events join the batch of every receiving hook subscribed to them. */
  function onEvent(e: StoredLogEvent): void {
    for (const h of hooks.values()) {
      if (receiving(h) && h.eventTypes.includes(e.eventType)) {
        const list = pending.get(h.id) ?? [];
        list.push(e);
        pending.set(h.id, list);
      }
    }
    if (pending.size > 0 && flushTimer === null) {
      flushTimer = setTimeout(flush, batchWindowMs);
    }
  }

  function takeFault<K extends 'dropNext' | 'duplicateNext'>(key: K): boolean {
    const n = faults[key] ?? 0;
    if (n > 0) {
      faults = { ...faults, [key]: n - 1 };
      return true;
    }
    return false;
  }

  /** A delivery failed for good: Okta writes it to the System Log. */
  function noteFailure(h: SimEventHook): void {
    const target: LogRef = { id: h.id, type: 'EventHook', alternateId: h.uri, displayName: h.name };
    opts.log.append({ publishedMs: opts.now(), eventType: 'event_hook.delivery', actor: opts.actor, targets: [target], tx: 0, requestUri: h.uri, outcome: 'FAILURE' });
  }

  /** One POST with one retry after a timeout or 5xx (the same `eventId`), none after a 4xx. */
  async function deliver(h: SimEventHook, events: StoredLogEvent[]): Promise<void> {
    const ordered = faults.reverseOrder ? [...events].reverse() : events;
    const eventId = randomUUID();
    const envelope = {
      eventType: 'com.okta.event_hook',
      eventTypeVersion: '1.0',
      cloudEventsVersion: '0.1',
      source: `${opts.origin()}/api/v1/eventHooks/${h.id}`,
      eventId,
      data: { events: ordered.map(opts.render) },
      eventTime: new Date(opts.now()).toISOString(),
      contentType: 'application/json',
    };
    const text = JSON.stringify(envelope);
    if (faults.delayMs !== undefined && faults.delayMs > 0) {
      await new Promise((r) => setTimeout(r, faults.delayMs));
    }
    const copies = takeFault('duplicateNext') ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      let last: Outcome = { status: 0, body: '' };
      for (const attempt of [1, 2] as const) {
        const t0 = performance.now();
        if (takeFault('dropNext') || (faults.dropRate !== undefined && Math.random() < faults.dropRate)) {
          records.push({ hookId: h.id, eventId, kind: 'delivery', events: events.length, attempt, status: -1, at: opts.now(), durationMs: 0 });
          last = { status: 0, body: '' };
          // A lost request looks like a timeout to Okta: it retries once.
          continue;
        }
        last = await send(h, 'POST', {}, text);
        records.push({ hookId: h.id, eventId, kind: 'delivery', events: events.length, attempt, status: last.status, at: opts.now(), durationMs: performance.now() - t0 });
        if (!retryable(last)) {
          break;
        }
      }
      if (last.status < 200 || last.status >= 300) {
        noteFailure(h);
        return;
      }
    }
  }

  /** Sends what the batch window collected, in slices of `maxBatch`. */
  function flush(): void {
    flushTimer = null;
    const batches = [...pending.entries()];
    pending.clear();
    for (const [hookId, events] of batches) {
      const h = hooks.get(hookId);
      if (!h || !receiving(h)) {
        continue;
      }
      for (let i = 0; i < events.length; i += maxBatch) {
        const p = deliver(h, events.slice(i, i + maxBatch)).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    }
  }

  /** Sends pending events now and resolves when every delivery so far was answered (or failed). */
  async function settle(): Promise<void> {
    if (flushTimer !== null) {
      clearTimeout(flushTimer);
      flush();
    }
    while (inFlight.size > 0) {
      await Promise.all([...inFlight]);
    }
  }

  opts.log.subscribe(onEvent);

  return {
    handle,
    /** Replaces the delivery faults (`{}` clears them). */
    setFaults(settings: HookFaultSettings): void {
      faults = { ...settings };
    },
    faults: (): HookFaultSettings => ({ ...faults }),
    /** Every verification and delivery attempt so far, oldest first. */
    deliveries: (): HookDeliveryRecord[] => [...records],
    /**
     * Delivers `events` (rendered System Log events, e.g. older ones again) to one hook as one
     * request, through the same path as live deliveries: duplicates and out-of-order batches on demand.
     */
    async redeliver(hookId: string, seqs: number[]): Promise<void> {
      const h = find(hookId);
      const all = opts.log.bySeq(seqs);
      await deliver(h, all);
    },
    settle,
    /** Drops pending batches (the simulator stopped); events persisted later are delivered again. */
    close(): void {
      if (flushTimer !== null) {
        clearTimeout(flushTimer);
        flushTimer = null;
      }
      pending.clear();
    },
    /** Hooks by id (for tests). */
    list: (): Fields[] => [...hooks.values()].map(json),
  };
}

/** The simulator's event hooks. */
export type EventHooks = ReturnType<typeof createEventHooks>;
