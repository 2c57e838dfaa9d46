import { z } from 'zod';
import { emailKey, normaliseEmailDomain } from '../src/sync/email-policy';

/**
 * The rules file: what the daemon enforces. Defaults live in `config/default.yaml`; an operator's
 * own file is named by `SYNC_CONFIG`. Every setting carries a description, shown by
 * `okta-hubspot-sync config --help` style tooling and mirrored in the README.
 */

/** Where an Okta user status puts the user: provisioned, not yet, or out of scope. */
export const StatusScope = z
  .enum(['in', 'pending', 'out', 'strip'])
  .describe('in: provisioned; pending: not yet (nothing created, nothing deleted); out: leaves scope; strip: kept but with no role and no seat');

/** Documented defaults: SUSPENDED may be set to "strip" to keep the user without role or seat. */
export const DEFAULT_STATUS_SCOPE: Readonly<Record<string, z.infer<typeof StatusScope>>> = {
  ACTIVE: 'in',
  PASSWORD_EXPIRED: 'in',
  LOCKED_OUT: 'in',
  RECOVERY: 'in',
  STAGED: 'pending',
  PROVISIONED: 'pending',
  SUSPENDED: 'out',
  DEPROVISIONED: 'out',
};

export const RulesSchema = z
  .object({
    scope: z
      .object({
        statuses: z
          .record(z.string(), StatusScope)
          .default({})
          .transform((given) => ({ ...DEFAULT_STATUS_SCOPE, ...given }))
          .describe('Okta user status → scope, merged over the defaults. Unknown statuses are treated as "pending" (never created, never deleted).'),
      })
      .prefault({})
      .describe('Which assigned Okta users are provisioned.'),
    roles: z
      .object({
        aliases: z
          .record(z.string(), z.string())
          .default({})
          .describe('Okta Title → HubSpot role name, checked before name matching (loose match on the title).'),
        patterns: z
          .array(z.object({ pattern: z.string().describe('JavaScript regular expression, tested against the trimmed Title, case-insensitive.'), role: z.string() }))
          .default([])
          .describe('Ordered regex patterns tried after aliases and exact/loose name matches; the first match wins.'),
        fallbackRole: z
          .string()
          .nullable()
          .default(null)
          .describe('Role for Titles that match nothing. null: no role (HubSpot minimal permissions), reported as "unmapped title".'),
      })
      .prefault({})
      .describe('How an Okta Title becomes a HubSpot role.'),
    seats: z
      .object({
        mode: z
          .enum(['role', 'named'])
          .default('role')
          .describe('role: a paid seat comes with a role that has requiresBillingWrite (classic pricing). named: seats-based pricing, seats assigned by seatNames.'),
        byRole: z.record(z.string(), z.array(z.string())).default({}).describe('named mode: role name → seat names.'),
        byTitle: z.record(z.string(), z.array(z.string())).default({}).describe('named mode: Okta Title → seat names (wins over byRole).'),
        budget: z
          .record(z.string(), z.number().int().nonnegative())
          .default({})
          .describe('Seat name (named mode) or role name (role mode) → the most this daemon may use. Also bounded by HubSpot\'s remainingSeats when known.'),
      })
      .prefault({})
      .describe('Paid seats and their budget.'),
    emailDomains: z
      .array(z.string())
      .default([])
      .transform((domains) => domains.map(normaliseEmailDomain).filter((d) => d !== ''))
      .describe('Allowed (verified) email domains, compared in lower case; a leading @ is ignored. Empty: all domains (doctor warns).'),
    protected: z
      .array(z.string())
      .default([])
      .transform((emails) => emails.map(emailKey).filter((e) => e !== ''))
      .describe('Emails the daemon never updates or deletes, whatever Okta says (compared in lower case).'),
    teams: z
      .object({
        byGroup: z
          .record(z.string(), z.string())
          .default({})
          .describe('Okta group id → HubSpot team id. Empty: teams are left alone.'),
      })
      .prefault({})
      .describe('Optional mapping of Okta groups to HubSpot teams.'),
    policies: z
      .object({
        leaveScope: z
          .enum(['delete', 'downgrade', 'report'])
          .default('delete')
          .describe('delete: remove the HubSpot user. downgrade: strip role and seat at once, delete after graceDays. report: only report.'),
        graceDays: z.number().nonnegative().default(7).describe('downgrade policy: days between downgrade and deletion.'),
        emailChange: z
          .enum(['report', 'replace'])
          .default('report')
          .describe('HubSpot cannot change an email. report: tell an operator. replace: create the new user, then delete the old one.'),
        deletedInHubSpot: z
          .enum(['forget', 'recreate'])
          .default('forget')
          .describe('A managed user deleted by hand in HubSpot. forget: report and stop managing. recreate: create again.'),
        sendWelcomeEmail: z.boolean().default(true).describe('Ask HubSpot to send its welcome email to users it creates.'),
      })
      .prefault({})
      .describe('What happens in the cases where operators disagree.'),
    guard: z
      .object({
        maxDeletes: z.number().int().nonnegative().default(50).describe('More deletions than this in one plan (or rolling hour) are held.'),
        minDeletesForPercent: z.number().int().nonnegative().default(10).describe('The percentage rule applies from this many deletions.'),
        maxDeletePercent: z.number().nonnegative().max(100).default(20).describe('Held when deletions exceed this share of managed users.'),
      })
      .prefault({})
      .describe('Deletion guard: mass deletions wait for an operator.'),
    limits: z
      .object({
        maxNameLength: z.number().int().positive().default(100).describe('First and last names longer than this are bad data.'),
        maxTitleLength: z.number().int().positive().default(256).describe('Titles longer than this are bad data.'),
      })
      .prefault({}),
  })
  .strict();

/** The parsed rules file. */
export type Rules = z.infer<typeof RulesSchema>;
