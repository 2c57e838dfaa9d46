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

/**
 * Where a decision (role, seats, primary team, secondary teams) reads its value from. A list of
 * sources is tried in order; the first that gives a value decides (secondary teams: every source
 * adds). Group entries name an Okta group by name or id (00g…).
 */
const AttributeSource = z.object({ attribute: z.string().trim().min(1).describe("An Okta user profile attribute, base or custom (department, hubspotRole, …).") }).strict();
const AppAttributeSource = z
  .object({ appAttribute: z.string().trim().min(1).describe("An attribute of the app user's profile on the HubSpot app assignment (Okta computes it from the assigning group's profile and Group Priority).") })
  .strict();
const GroupRef = z.string().trim().min(1).describe('An Okta group, by name or id (00g…).');

/** Role sources: `title` (aliases and patterns apply), an attribute or app attribute (the value is matched like a Title), or groups → role. */
export const RoleSource = z.union([
  z.literal('title'),
  AttributeSource,
  AppAttributeSource,
  z.object({ groups: z.array(z.object({ group: GroupRef, role: z.string().trim().min(1) }).strict()).min(1).describe('Ordered: the first group the user is in gives the role.') }).strict(),
]);
/** Seat sources (named mode): `title` (seats.byTitle), `role` (seats.byRole), an attribute (seat names, comma-separated or a list), or groups → seats. */
export const SeatSource = z.union([
  z.literal('title'),
  z.literal('role'),
  AttributeSource,
  AppAttributeSource,
  z.object({ groups: z.array(z.object({ group: GroupRef, seats: z.array(z.string().trim().min(1)) }).strict()).min(1).describe('Ordered: the first group the user is in gives the seats.') }).strict(),
]);
/** Team sources: an attribute (a HubSpot team name or id; secondary: comma-separated or a list) or groups → team. */
export const TeamSource = z.union([
  AttributeSource,
  AppAttributeSource,
  z.object({ groups: z.array(z.object({ group: GroupRef, team: z.string().trim().min(1) }).strict()).min(1).describe('Ordered: primary team from the first group the user is in; secondary teams from every group the user is in.') }).strict(),
]);
export type RoleSource = z.infer<typeof RoleSource>;
export type SeatSource = z.infer<typeof SeatSource>;
export type TeamSource = z.infer<typeof TeamSource>;

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
        sources: z
          .array(RoleSource)
          .min(1)
          .default(['title'])
          .describe('Where the role comes from, tried in order until one gives a role: title, { attribute }, { appAttribute }, { groups: [{ group, role }] }.'),
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
      .describe('How an Okta user gets a HubSpot role: from the sources in order (default: the Title), then the fallback role.'),
    seats: z
      .object({
        mode: z
          .enum(['role', 'named'])
          .default('role')
          .describe('role: a paid seat comes with a role that has requiresBillingWrite (classic pricing). named: seats-based pricing, seats assigned by seatNames.'),
        sources: z
          .array(SeatSource)
          .min(1)
          .default(['title', 'role'])
          .describe('named mode: where the seats come from, tried in order until one gives seats: title (byTitle), role (byRole), { attribute }, { appAttribute }, { groups: [{ group, seats }] }.'),
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
          .describe('Okta group id → HubSpot team id, the primary team from the first group the user is in (a shorthand for primary: [{ groups }]).'),
        primary: z.array(TeamSource).default([]).describe('Where the primary team comes from, tried in order. Empty (and no byGroup): the primary team is left alone.'),
        secondary: z.array(TeamSource).default([]).describe('Where the secondary teams come from: every source adds. Empty: secondary teams are left alone.'),
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
