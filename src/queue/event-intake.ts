import type { Logger } from '../lib/logger';
import { HOOK_DELIVERY_EVENT, OKTA_HOOK_EVENT_TYPES } from '../okta/hook-events';
import { affectedUserIds, changedGroupAssignments } from '../okta/okta-events';
import type { OktaLogEvent } from '../okta/okta-types';
import type { State } from '../state/state';
import type { Producers } from './producers';

/** How a System Log event reached the daemon. */
export type EventSource = 'hook' | 'poll';

/** What one batch of events did. */
export interface IntakeResult {
  via: EventSource;
  /** Events in the batch (with a uuid). */
  events: number;
  /** Events seen for the first time and acted on. */
  fresh: number;
  /** Events already acted on (by the hook or the poll), skipped. */
  duplicates: number;
  /** Users whose sync jobs were queued. */
  users: number;
  /** poll only, with a hook Okta has verified or called: fresh events of hook-eligible types published longer ago than the grace. */
  missedByHook: number;
  /** `event_hook.delivery` events: Okta says a delivery to the hook failed. */
  deliveryFailures: number;
  /** Receive time minus `published` of each fresh event, in ms (hook only). */
  lagsMs: number[];
}

/** Events after which a managed user is probably leaving scope (and would be deleted). */
const LEAVING_EVENTS = new Set([
  'application.user_membership.remove',
  'user.lifecycle.deactivate',
  'user.lifecycle.suspend',
  'user.lifecycle.delete.initiated',
  'user.lifecycle.delete.completed',
  'group.user_membership.remove',
]);
const HOOK_TYPES = new Set(OKTA_HOOK_EVENT_TYPES);

/**
 * The one path from System Log events to work, whichever way they came (the event hook's push
 * or the poll): with a hook, events already acted on are skipped (by uuid, see `state.seenEvents`); the rest
 * go through the same filter (`affectedUserIds`), count towards the deletion guard when they take
 * managed users out of scope, and become one (deduplicated, debounced) sync-user job per user.
 * Only then are they marked as acted on, so a failure or crash before the jobs are queued leaves
 * them to the next arrival (the poll reads them again). Order does not matter: jobs re-read the
 * current state of both sides.
 */
export function createEventIntake(deps: {
  state: State;
  producers: Producers;
  appId: string;
  logger: Logger;
  /** Whether an event hook is configured, the delay of the jobs it starts, and the grace before a polled event counts as missed. */
  hook: { enabled: boolean; debounceMs: number; missedGraceMs: number };
  /**
   * The ids of a group's members (`okta.listGroupMemberIds`): a change to a group assignment's
   * profile or priority names no user, so its members are read (paged, once per batch and group).
   * Without it such events are ignored.
   */
  groupMembers?: (groupId: string) => Promise<string[]>;
  now?: () => number;
  onTaken?: (result: IntakeResult) => void;
}) {
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ component: 'event-intake' });

  /**
   * One batch at a time per process: a duplicate delivery that arrives while the first copy is
   * being handled waits and then finds its events marked. (Replicas can still race; their jobs
   * collapse per user.)
   */
  let chain: Promise<unknown> = Promise.resolve();
  let queued = 0;
  function take(batch: readonly OktaLogEvent[], via: EventSource, receivedAt = now()): Promise<IntakeResult> {
    queued += batch.length;
    const run = chain.then(() => takeNow(batch, via, receivedAt)).finally(() => {
      queued -= batch.length;
    });
    chain = run.catch(() => undefined);
    return run;
  }

  async function takeNow(batch: readonly OktaLogEvent[], via: EventSource, receivedAt: number): Promise<IntakeResult> {
    const withId = batch.filter((e) => e.uuid !== '');
    // Without a hook only the poll delivers, from a cursor: nothing to remember events for.
    const seen = deps.hook.enabled ? await deps.state.seenEvents.lookup(withId.map((e) => e.uuid)) : new Map<string, string | null>();
    const freshById = new Map<string, OktaLogEvent>();
    for (const e of withId) {
      if ((seen.get(e.uuid) ?? null) === null && !freshById.has(e.uuid)) {
        freshById.set(e.uuid, e);
      }
    }
    // Oldest first, whatever order a delivery came in.
    const fresh = [...freshById.values()].sort((a, b) => (a.published < b.published ? -1 : a.published > b.published ? 1 : 0));
    const users = affectedUserIds(fresh, deps.appId);
    const typesByUser = new Map<string, Set<string>>();
    // When Okta published the oldest event naming each user (events are oldest first).
    const changedAt = new Map<string, string>();
    const noteType = (id: string, type: string, published = '') => {
      const set = typesByUser.get(id) ?? new Set<string>();
      set.add(type);
      typesByUser.set(id, set);
      if (!changedAt.has(id) && published !== '') {
        changedAt.set(id, published);
      }
    };
    for (const e of fresh) {
      for (const id of e.userIds) {
        noteType(id, e.eventType, e.published);
      }
    }
    // A group assignment's profile or priority changed: its members' app user profiles did.
    for (const groupId of deps.groupMembers ? changedGroupAssignments(fresh, deps.appId) : []) {
      const members = (await deps.groupMembers?.(groupId)) ?? [];
      const known = new Set(users);
      for (const id of members) {
        if (!known.has(id)) {
          users.push(id);
          known.add(id);
        }
        noteType(id, 'group.application_assignment.update');
      }
    }
    // Managed users these events take out of scope count towards the deletion guard before any
    // of their jobs runs, so a mass unassignment is held as a whole, not after its first deletions.
    const leaving: string[] = [];
    for (const id of users) {
      if ([...(typesByUser.get(id) ?? [])].some((t) => LEAVING_EVENTS.has(t)) && (await deps.state.ledger.get(id)) !== null) {
        leaving.push(id);
      }
    }
    await deps.state.deletions.expect(leaving, now());
    await deps.state.userEvents.touch(users, now());
    const delay = via === 'hook' ? { delayMs: deps.hook.debounceMs } : {};
    for (const id of users) {
      const at = changedAt.get(id);
      await deps.producers.userChanged(id, [...(typesByUser.get(id) ?? [])], { ...delay, ...(at ? { changedAt: at } : {}) });
    }
    if (deps.hook.enabled) {
      await deps.state.seenEvents.mark(freshById.keys(), via);
    }

    const failures = fresh.filter((e) => e.eventType === HOOK_DELIVERY_EVENT);
    const late =
      via === 'poll' && deps.hook.enabled ? fresh.filter((e) => HOOK_TYPES.has(e.eventType) && receivedAt - Date.parse(e.published) > deps.hook.missedGraceMs) : [];
    // Before Okta ever verified or called the hook (not installed yet), the poll is simply doing its job.
    const missed = late.length > 0 && (await hookInUse()) ? late : [];
    const result: IntakeResult = {
      via,
      events: withId.length,
      fresh: fresh.length,
      duplicates: withId.length - fresh.length,
      users: users.length,
      missedByHook: missed.length,
      deliveryFailures: failures.length,
      lagsMs: via === 'hook' ? fresh.map((e) => Math.max(0, receivedAt - Date.parse(e.published))).filter((ms) => Number.isFinite(ms)) : [],
    };
    await record(result, receivedAt, failures);
    deps.onTaken?.(result);
    if (users.length > 0) {
      log.info(via === 'hook' ? 'Okta pushed changes: user syncs queued' : 'System Log events turned into user syncs', {
        via,
        events: result.events,
        duplicates: result.duplicates,
        users: users.length,
        ...(result.lagsMs.length > 0 ? { sinceChangeMs: Math.min(...result.lagsMs) } : {}),
      });
    }
    return result;
  }

  /** Whether Okta has verified or called the hook at some point (by any replica). */
  async function hookInUse(): Promise<boolean> {
    const h = await deps.state.hookStatus.get();
    return h.lastVerifiedAt !== null || h.lastDeliveryAt !== null;
  }

  /** The hook's facts for the status page; a missed event or a failed delivery is also worth a warning. */
  async function record(r: IntakeResult, receivedAt: number, failures: OktaLogEvent[]): Promise<void> {
    const at = new Date(receivedAt).toISOString();
    if (r.missedByHook > 0) {
      log.warn('the System Log poll found events the Okta event hook did not deliver (in time); they are acted on now', { events: r.missedByHook });
    }
    if (failures.length > 0) {
      log.warn('Okta reports failed deliveries to the event hook (event_hook.delivery); the poll covers the events', { failures: failures.length });
    }
    if (r.via === 'hook') {
      const newestLag = r.lagsMs.length > 0 ? Math.min(...r.lagsMs) : undefined;
      await deps.state.hookStatus.note({
        add: { deliveries: 1, eventsReceived: r.events, duplicates: r.duplicates },
        set: { lastDeliveryAt: at },
        ...(newestLag === undefined ? {} : { lagMs: newestLag }),
      });
    } else if (r.missedByHook > 0 || r.deliveryFailures > 0) {
      const lastFailure = failures.at(-1)?.published;
      await deps.state.hookStatus.note({
        add: { missedByHook: r.missedByHook, deliveryFailures: r.deliveryFailures },
        set: { ...(r.missedByHook > 0 ? { lastMissedAt: at } : {}), ...(lastFailure ? { lastDeliveryFailureAt: lastFailure } : {}) },
      });
    }
  }

  /** Events handed in and not yet acted on (the endpoint refuses deliveries while too many wait). */
  return { take, queued: () => queued };
}

/** The event intake's API. */
export type EventIntake = ReturnType<typeof createEventIntake>;
