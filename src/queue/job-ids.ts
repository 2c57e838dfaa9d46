/**
 * Builds every BullMQ job id from parts. BullMQ refuses custom ids that contain ':' or are all
 * digits, so each part is cleaned and the parts are joined with '-'. Deterministic: the same
 * parts always give the same id, which is what makes duplicates collapse.
 */
export function jobId(kind: string, ...parts: Array<string | number>): string {
  const clean = (p: string | number) => String(p).replace(/[:\s]+/g, '_');
  const id = [kind, ...parts].map(clean).filter((p) => p !== '').join('-');
  if (id === '') {
    throw new Error('a job id needs at least one non-empty part');
  }
  return /^\d+$/.test(id) ? `j${id}` : id;
}

/** The deduplication id of a user's event-driven sync jobs: one active and one waiting per user. */
export function userDedupId(oktaUserId: string): string {
  return jobId('user', oktaUserId);
}

/**
 * The start of the time slot `at` falls in, for slot job ids: every replica computes the same
 * slot for the same tick, so only the first replica's job is created.
 */
export function slotStart(at: Date | number, slotMs: number): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  return Math.floor(ms / slotMs) * slotMs;
}
