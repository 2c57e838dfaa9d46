/**
 * An operator for the soak: it reads the pending holds from the ops API every `everyMs` and
 * approves each one through the same API the status page posts to, naming the number of
 * deletions it saw (a hold that changed since is refused with 409 and looked at again on the next
 * round). A hold `holdBack` picks is left pending until `holdBack` says otherwise. It remembers
 * every hold it saw, who was in it at each look and when it sent the approval that was accepted,
 * so the soak can tell whether a user was deleted while held.
 */

/** One member of a hold as the ops API lists it. */
export interface HeldMember {
  hubspotUserId: string | null;
  email: string | null;
}

/** A hold the bot saw pending. */
export interface SeenHold {
  id: string;
  /** Epoch ms of the first look that showed it. */
  firstSeenAt: number;
  /** Every member it was ever seen with, by HubSpot id. */
  members: Map<string, string | null>;
  /** Members at the last look that showed it pending. */
  lastMembers: number;
  /** Epoch ms when the approval that was accepted was sent (null: never approved by the bot). */
  approveSentAt: number | null;
  /** Deletions the accepted approval named. */
  approvedDeletions: number | null;
  /** Approvals refused because the hold changed between the look and the approval. */
  conflicts: number;
  /** Looks at which `holdBack` kept it pending. */
  heldBackLooks: number;
  /** Epoch ms of the first look that no longer listed it without the bot approving it (decided elsewhere, withdrawn, or lost with the Redis data). */
  vanishedAt: number | null;
}

/** What one look saw: epoch ms the request was sent, and the held HubSpot ids by hold. */
interface Look {
  at: number;
  held: Map<string, string>;
}

export interface OperatorBotOptions {
  /** The ops server's base URL (or set it later with `setUrl`). */
  url: string;
  adminToken: string;
  everyMs: number;
  /** True to leave this hold pending for now. */
  holdBack?: (hold: { id: string; members: readonly HeldMember[] }) => boolean;
}

interface ApprovalsAnswer {
  approvals: Array<{ id: string; deletions: HeldMember[] }>;
}

export function createOperatorBot(opts: OperatorBotOptions) {
  const holds = new Map<string, SeenHold>();
  const looks: Look[] = [];
  const errors: string[] = [];
  const headers = { authorization: `Bearer ${opts.adminToken}`, 'x-requested-by': 'soak-operator', 'content-type': 'application/json' };
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let url = opts.url;

  async function approve(hold: SeenHold, deletions: number): Promise<void> {
    const sentAt = Date.now();
    const res = await fetch(`${url}/api/approvals/${encodeURIComponent(hold.id)}/approve`, { method: 'POST', headers, body: JSON.stringify({ deletions }) });
    const body = await res.text();
    if (res.status === 200) {
      hold.approveSentAt = sentAt;
      hold.approvedDeletions = deletions;
    } else if (res.status === 409) {
      hold.conflicts++;
    } else if (res.status !== 404) {
      errors.push(`approving ${hold.id} answered ${res.status}: ${body.slice(0, 200)}`);
    }
  }

  async function look(): Promise<void> {
    const at = Date.now();
    let answer: ApprovalsAnswer;
    try {
      const res = await fetch(`${url}/api/approvals`, { headers: { authorization: headers.authorization } });
      if (res.status !== 200) {
        errors.push(`GET /api/approvals answered ${res.status}`);
        await res.arrayBuffer();
        return;
      }
      answer = (await res.json()) as ApprovalsAnswer;
    } catch (err) {
      errors.push(`GET /api/approvals failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const held = new Map<string, string>();
    const listed = new Set<string>();
    for (const a of answer.approvals) {
      listed.add(a.id);
      const seen = holds.get(a.id) ?? { id: a.id, firstSeenAt: at, members: new Map(), lastMembers: 0, approveSentAt: null, approvedDeletions: null, conflicts: 0, heldBackLooks: 0, vanishedAt: null };
      holds.set(a.id, seen);
      seen.lastMembers = a.deletions.length;
      for (const m of a.deletions) {
        if (m.hubspotUserId !== null) {
          seen.members.set(m.hubspotUserId, m.email);
          held.set(m.hubspotUserId, a.id);
        }
      }
    }
    looks.push({ at, held });
    for (const h of holds.values()) {
      if (!listed.has(h.id) && h.approveSentAt === null && h.vanishedAt === null) {
        h.vanishedAt = at;
      }
    }
    for (const a of answer.approvals) {
      const seen = holds.get(a.id);
      if (!seen || stopped) continue;
      if (opts.holdBack?.({ id: a.id, members: a.deletions })) {
        seen.heldBackLooks++;
        continue;
      }
      await approve(seen, a.deletions.length).catch((err: unknown) => errors.push(`approving ${a.id} failed: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = look().finally(schedule);
    }, opts.everyMs);
  }

  return {
    setUrl(to: string): void {
      url = to;
    },
    start(): void {
      stopped = false;
      schedule();
    },
    /** Looks now (after the look under way, if any). */
    async lookNow(): Promise<void> {
      await running;
      running = look();
      await running;
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    holds: (): SeenHold[] => [...holds.values()],
    errors: (): readonly string[] => errors,
    /**
     * The hold a HubSpot user was in at the bot's last look before `at` (sent at or before it),
     * when that hold had not been approved by then: a deletion at `at` would be one nobody approved.
     */
    unapprovedHoldAt(hubspotUserId: string, at: number): SeenHold | null {
      let last: Look | null = null;
      for (const l of looks) {
        if (l.at > at) break;
        last = l;
      }
      const id = last?.held.get(hubspotUserId);
      const hold = id === undefined ? undefined : holds.get(id);
      if (!hold) return null;
      return hold.approveSentAt !== null && hold.approveSentAt <= at ? null : hold;
    },
  };
}

/** The operator bot's API. */
export type OperatorBot = ReturnType<typeof createOperatorBot>;
