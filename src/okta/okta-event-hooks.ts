import { Client, type EventHook } from '@okta/okta-sdk-nodejs';
import { createRedactor } from '../lib/redact';
import { OKTA_HOOK_EVENT_TYPES, OKTA_HOOK_NAME } from './hook-events';
import type { OktaClientOptions } from './okta-client';
import { toOktaError } from './okta-errors';

/**
 * The daemon's Okta event hook, managed through the SDK's `eventHookApi` (`hooks install`,
 * `hooks status`, `hooks remove`, `doctor`). The hook is found by its name, `okta-hubspot-sync`.
 * Its own SDK client asks only for the event hook scopes in OAuth mode, so the daemon's service
 * app needs `okta.eventHooks.manage` only where these commands run.
 */

/** OAuth scopes the event hook commands ask for. */
export const OKTA_HOOK_SCOPES = ['okta.eventHooks.manage', 'okta.eventHooks.read'];

/** An event hook as operators see it (never the secret: Okta does not return it). */
export interface EventHookInfo {
  id: string;
  name: string;
  /** ACTIVE or INACTIVE. */
  status: string;
  /** VERIFIED or UNVERIFIED: only ACTIVE and VERIFIED hooks receive events. */
  verificationStatus: string;
  uri: string;
  eventTypes: string[];
  /** The auth header's name (its value is write-only). */
  authHeader: string | null;
  lastUpdated: string | null;
}

function toInfo(h: EventHook): EventHookInfo {
  const updated = h.lastUpdated as unknown;
  return {
    id: h.id ?? '',
    name: h.name,
    status: h.status ?? 'UNKNOWN',
    verificationStatus: h.verificationStatus ?? 'UNKNOWN',
    uri: h.channel?.config?.uri ?? '',
    eventTypes: [...(h.events?.items ?? [])],
    authHeader: h.channel?.config?.authScheme?.key ?? null,
    lastUpdated: updated instanceof Date ? updated.toISOString() : typeof updated === 'string' ? updated : null,
  };
}

/** Whether the hook is ready to receive events. */
export function hookReceives(h: Pick<EventHookInfo, 'status' | 'verificationStatus'>): boolean {
  return h.status === 'ACTIVE' && h.verificationStatus === 'VERIFIED';
}

export function createOktaEventHookClient(opts: Pick<OktaClientOptions, 'orgUrl' | 'token' | 'clientId' | 'privateKey' | 'keyId'> & { now?: () => number }) {
  const orgUrl = opts.orgUrl.replace(/\/+$/, '');
  const now = opts.now ?? Date.now;
  const redactor = createRedactor([opts.token, typeof opts.privateKey === 'string' ? opts.privateKey : undefined].filter((s): s is string => typeof s === 'string'));
  const oauth = !opts.token && opts.clientId && opts.privateKey;
  const client = new Client({
    orgUrl,
    cacheMiddleware: null,
    ...(oauth
      ? { authorizationMode: 'PrivateKey', clientId: opts.clientId, privateKey: opts.privateKey, keyId: opts.keyId, scopes: OKTA_HOOK_SCOPES }
      : { authorizationMode: 'SSWS', token: opts.token }),
  });
  // The org is reached directly (HTTPS_PROXY ignored), as by the daemon's Okta client.
  client.http.agent = undefined;
  const api = client.eventHookApi;

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = toOktaError(err, { call: what, redactor, nowMs: now() });
      const causes = (err as { errorCauses?: Array<{ errorSummary?: string }> } | null)?.errorCauses ?? [];
      const why = causes.map((c) => c.errorSummary).filter((s): s is string => typeof s === 'string');
      if (why.length > 0) {
        e.message = `${e.message}: ${redactor.redactString(why.join('; '))}`;
      }
      throw e;
    }
  }

  async function list(): Promise<EventHookInfo[]> {
    return call('listEventHooks', async () => {
      const out: EventHookInfo[] = [];
      const collection = await api.listEventHooks();
      await collection.each((h) => {
        out.push(toInfo(h));
      });
      return out;
    });
  }

  /** The daemon's hook (by name), or null. */
  async function find(): Promise<EventHookInfo | null> {
    return (await list()).find((h) => h.name === OKTA_HOOK_NAME) ?? null;
  }

  /**
   * Creates the hook (or replaces the existing one's URL, auth and event types), has Okta verify
   * it (Okta calls `url` at once: the daemon must be running and reachable there) and activates
   * it. Returns the hook and the steps taken.
   */
  async function install(input: { url: string; secret: string }): Promise<{ hook: EventHookInfo; steps: string[] }> {
    const steps: string[] = [];
    const body = {
      name: OKTA_HOOK_NAME,
      description: 'Pushes Okta changes to okta-hubspot-sync (users, app assignments, group membership).',
      events: { type: 'EVENT_TYPE', items: [...OKTA_HOOK_EVENT_TYPES] },
      channel: { type: 'HTTP', version: '1.0.0', config: { uri: input.url, headers: [], authScheme: { type: 'HEADER', key: 'Authorization', value: input.secret } } },
    } as unknown as EventHook;
    const existing = await find();
    let hook: EventHookInfo;
    if (existing) {
      hook = toInfo(await call(`replaceEventHook(${existing.id})`, () => api.replaceEventHook({ eventHookId: existing.id, eventHook: body })));
      steps.push(`replaced hook ${hook.id} (URL, secret and event types)`);
    } else {
      hook = toInfo(await call('createEventHook', () => api.createEventHook({ eventHook: body })));
      steps.push(`created hook ${hook.id}`);
    }
    hook = toInfo(await call(`verifyEventHook(${hook.id})`, () => api.verifyEventHook({ eventHookId: hook.id })));
    steps.push(`Okta verified ${input.url}`);
    if (hook.status !== 'ACTIVE') {
      hook = toInfo(await call(`activateEventHook(${hook.id})`, () => api.activateEventHook({ eventHookId: hook.id })));
      steps.push('activated it');
    }
    return { hook, steps };
  }

  /** Deactivates and deletes the daemon's hook; false when there was none. */
  async function remove(): Promise<boolean> {
    const hook = await find();
    if (!hook) {
      return false;
    }
    if (hook.status !== 'INACTIVE') {
      await call(`deactivateEventHook(${hook.id})`, () => api.deactivateEventHook({ eventHookId: hook.id }));
    }
    await call(`deleteEventHook(${hook.id})`, () => api.deleteEventHook({ eventHookId: hook.id }));
    return true;
  }

  return { list, find, install, remove };
}

/** The event hook client's API. */
export type OktaEventHookClient = ReturnType<typeof createOktaEventHookClient>;
