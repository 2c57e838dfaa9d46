import { createEmailPolicy, emailDomainOf, emailKey } from '../../../src/sync/email-policy';
import { rules } from './fixtures';

describe('the rules schema normalises emailDomains and protected once', () => {
  it('trims, lower-cases and drops a leading @ and empty entries', () => {
    const r = rules({ emailDomains: [' @Acme.Example ', 'contractors.example', '', '  '], protected: [' VIP@Acme.Example', ''] });
    expect(r.emailDomains).toEqual(['acme.example', 'contractors.example']);
    expect(r.protected).toEqual(['vip@acme.example']);
  });
});

describe('createEmailPolicy', () => {
  it.each<[string[], string | null, boolean]>([
    [[], 'a@anything.example', true],
    [[], null, true],
    [['@acme.example'], 'a@acme.example', true],
    [['@acme.example'], ' A@ACME.example ', true],
    [['acme.example'], 'a@eu.acme.example', false],
    [['acme.example'], 'a@contractors.example', false],
    [['acme.example'], 'no-at-sign', false],
    [['acme.example'], null, false],
  ])('emailDomains %p: %p allowed %s', (emailDomains, email, allowed) => {
    expect(createEmailPolicy(rules({ emailDomains })).domainAllowed(email)).toBe(allowed);
  });

  it.each<[string[], string | null | undefined, boolean]>([
    [['VIP@acme.example'], 'vip@ACME.example', true],
    [[' vip@acme.example '], 'vip@acme.example ', true],
    [['vip@acme.example'], 'other@acme.example', false],
    [['vip@acme.example'], null, false],
    [['vip@acme.example'], undefined, false],
    [[], 'vip@acme.example', false],
  ])('protected %p: %p protected %s', (list, email, isProtected) => {
    expect(createEmailPolicy(rules({ protected: list })).isProtected(email)).toBe(isProtected);
  });

  it('keys emails and domains the same way', () => {
    expect(emailKey(' Ann@Acme.Example ')).toBe('ann@acme.example');
    expect(emailDomainOf('ann@Acme.Example')).toBe('acme.example');
    expect(emailDomainOf('@acme.example')).toBeNull();
  });
});
