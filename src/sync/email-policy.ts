import type { Rules } from '../../config/rules-schema';
import { emailKey } from './text';

export { emailKey };

/**
 * An `emailDomains` entry as it is compared: trimmed, lower case, without a leading `@`
 * (`" @Acme.com"` → `"acme.com"`); an empty entry becomes `""`, which the rules schema drops.
 */
export function normaliseEmailDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/^@/, '');
}

/** The domain of an email (after its last `@`), lower case; null when there is no `@` with something before it. */
export function emailDomainOf(email: string | null | undefined): string | null {
  if (email === null || email === undefined) {
    return null;
  }
  const key = emailKey(email);
  const at = key.lastIndexOf('@');
  return at > 0 ? key.slice(at + 1) : null;
}

/**
 * The one email policy: which emails are on the protected list and which domains are allowed.
 * Used alike by the planner, the action applier, the ledger rebuild and the doctor, so an entry
 * means the same thing to each. `rules` are as `RulesSchema` parsed them: `emailDomains` and
 * `protected` are normalised there, once ({@link normaliseEmailDomain}, {@link emailKey}).
 */
export function createEmailPolicy(rules: Pick<Rules, 'emailDomains' | 'protected'>) {
  const protectedEmails = new Set(rules.protected);
  const allowed = rules.emailDomains.length === 0 ? null : new Set(rules.emailDomains);
  return {
    /** The allowed domains; empty: every domain is allowed. */
    domains: rules.emailDomains,
    /** On the protected list: never adopted, changed or deleted. Null (no email) is never protected. */
    isProtected(email: string | null | undefined): boolean {
      return email !== null && email !== undefined && protectedEmails.has(emailKey(email));
    },
    /** Whether users with this email may be provisioned: every domain when `emailDomains` is empty. */
    domainAllowed(email: string | null | undefined): boolean {
      if (allowed === null) {
        return true;
      }
      const domain = emailDomainOf(email);
      return domain !== null && allowed.has(domain);
    },
  };
}

/** The email policy's API. */
export type EmailPolicy = ReturnType<typeof createEmailPolicy>;
