import type { AssignmentScope, OktaCandidate, OktaGroupRef } from '../sync/types';

/**
 * The Okta operations the daemon uses, implemented by `createOktaClient` over
 * `@okta/okta-sdk-nodejs`. Every method throws `SyncError` subclasses (see `src/lib/errors.ts`).
 */

/** One entry of a System Log event's `target[]`. */
export interface OktaLogTarget {
  id: string;
  /** User, AppUser, AppInstance, UserGroup, … */
  type: string;
  /** For a User: the login. */
  alternateId: string | null;
  displayName: string | null;
}

/** A System Log event, reduced to what the poller needs (the raw event is kept for the audit). */
export interface OktaLogEvent {
  uuid: string;
  published: string;
  eventType: string;
  /** Okta user ids the event is about (targets of type User). */
  userIds: string[];
  /** App instance ids in the targets (AppInstance). */
  appIds: string[];
  /** Group ids in the targets (UserGroup). */
  groupIds: string[];
  outcome: string | null;
  /** Who made the change (an admin's user id, or a client id). */
  actorId?: string | null;
  /** Every target, e.g. to read a User target's login when rebuilding the ledger from history. */
  targets?: OktaLogTarget[];
}

/** One page of System Log polling: the events and the cursor (`next` link) to resume from. */
export interface LogPollResult {
  events: OktaLogEvent[];
  /** The opaque `next` URL to store; always present in polling mode. */
  nextCursor: string;
}

/** Okta app instance facts needed by `doctor`. */
export interface OktaAppInfo {
  id: string;
  label: string;
  status: string;
}

/** How `getCandidate` learns the app assignment. */
export interface CandidateReadOptions {
  /**
   * The assignment as a full listing just saw it: the user is read (users endpoint) but the
   * assignment is not asked for again (the apps endpoint has Okta's tightest rate limit).
   */
  knownAssignment?: {
    assignedVia: AssignmentScope;
    assignedAt: string | null;
    /** The app user's profile the listing saw; undefined when it was not kept (the rules read none). */
    appProfile?: Readonly<Record<string, unknown>>;
  };
}

export interface OktaClientApi {
  /** Pages through the app's assignments with users embedded (one request per page, none per user). */
  listAssignedUsers(): AsyncIterable<OktaCandidate[]>;
  /** The current state of one user (id or login) and their assignment to the app; null when the user does not exist. */
  getCandidate(idOrLogin: string, opts?: CandidateReadOptions): Promise<OktaCandidate | null>;
  /**
   * Reads the System Log from `cursor` (a stored next link) or, without one, from `since` (ISO).
   * Stops at the first empty page; never loops on empty pages.
   */
  pollLog(cursor: string | null, since: string, filter?: string): Promise<LogPollResult>;
  /** Reads a bounded window of the System Log (for ledger rebuilds), oldest first. */
  readLogHistory(since: string, until: string, filter?: string): AsyncIterable<OktaLogEvent[]>;
  /** The HubSpot app instance; throws NotFound-style PermanentError when the id is wrong. */
  getApp(): Promise<OktaAppInfo>;
  /**
   * Okta groups by name or id, as rules name them (`Sales-EMEA`, `00g…`): each ref with the group
   * it names, or null when Okta has none. A few search requests for all of them (`search=id eq …
   * or profile.name eq …`); an id wins over a name, an exact name over one that differs in case.
   */
  resolveGroups(refs: readonly string[]): Promise<Map<string, OktaGroupRef | null>>;
  /** Every group of the org (id and name), paged: only to say which groups exist when a rule names one that does not. */
  listGroups(): Promise<OktaGroupRef[]>;
  /** The ids of a group's members, paged (`/groups/{id}/users`); a group that no longer exists has none. */
  listGroupMemberIds(groupId: string): Promise<string[]>;
  /** The ids of the groups a user (id or login) is in, in one request (`/users/{id}/groups`); none when the user does not exist. */
  listUserGroupIds(userIdOrLogin: string): Promise<string[]>;
}
