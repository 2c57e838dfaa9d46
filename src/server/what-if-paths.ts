/** The what-if's JSON API: a proposed rules file in, what would change out (`POST`). */
export const WHAT_IF_API_PATH = '/api/rules/what-if';

/** The what-if's page: a form (`GET`) that posts to itself (`POST`) and shows what would change. */
export const WHAT_IF_PAGE_PATH = '/rules/what-if';

/** Largest proposed rules file accepted, in bytes (the daemon's own rules files are a few KiB). */
export const WHAT_IF_MAX_BYTES = 1024 * 1024;

/** Content types the API takes the proposed rules file in: YAML, JSON, or plain text. */
export const WHAT_IF_CONTENT_TYPES = ['text/yaml', 'application/yaml', 'application/x-yaml', 'application/json', 'text/plain'] as const;
