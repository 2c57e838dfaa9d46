import { planSync } from '../../../src/sync/planner';
import { validateCandidate } from '../../../src/sync/validate-candidate';
import { candidate, managed, planInput, rules, withManaged } from './fixtures';

const limits = rules({ limits: { maxNameLength: 10, maxTitleLength: 20 } }).limits;

describe('validateCandidate', () => {
  it.each<[string, Parameters<typeof candidate>[1], string, string]>([
    ['missing email', { email: null }, 'email', 'email is missing'],
    ['blank email', { email: '   ' }, 'email', 'email is missing'],
    ['no @', { email: 'not-an-email' }, 'email', 'is not a valid email address'],
    ['no domain dot', { email: 'a@localhost' }, 'email', 'is not a valid email address'],
    ['two @', { email: 'a@b@c.example' }, 'email', 'is not a valid email address'],
    ['space inside', { email: 'a b@c.example' }, 'email', 'is not a valid email address'],
    ['zero-width space in email', { email: 'a\u200b@c.example' }, 'email', 'invisible zero-width character (U+200B)'],
    ['over-long first name', { firstName: 'Bartholomew' }, 'firstName', 'is 11 characters long (limit 10)'],
    ['over-long title', { title: 'Vice President of Sales' }, 'title', 'is 23 characters long (limit 20)'],
    ['tab inside a last name', { lastName: 'Smi\tth' }, 'lastName', 'a control character (U+0009) at position 4'],
    ['newline inside a title', { title: 'Sales\nRep' }, 'title', 'a control character (U+000A)'],
    ['DEL', { firstName: 'A\u007fB' }, 'firstName', 'a control character (U+007F)'],
    ['right-to-left override', { lastName: 'evil\u202egnp' }, 'lastName', 'bidirectional control character (U+202E)'],
    ['left-to-right mark', { firstName: 'Ann\u200e' }, 'firstName', 'bidirectional control character (U+200E)'],
    ['zero-width space', { title: 'Sales\u200bRep' }, 'title', 'invisible zero-width character (U+200B)'],
    ['byte order mark inside', { firstName: 'An\ufeffn' }, 'firstName', 'invisible zero-width character (U+FEFF)'],
    ['zero-width joiner at the end', { firstName: 'Ann\u200d' }, 'firstName', 'zero-width joiner outside a word (U+200D)'],
    ['zero-width non-joiner next to a space', { lastName: 'Al \u200cHak' }, 'lastName', 'zero-width joiner outside a word (U+200C)'],
  ])('%s → skipped, naming %s', (_label, over, field, text) => {
    const result = validateCandidate(candidate('00u1', { login: 'jdoe@acme.example', ...over }), limits);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.field).toBe(field);
      expect(result.problem.reason).toContain('jdoe@acme.example (00u1)');
      expect(result.problem.reason).toContain(field);
      expect(result.problem.reason).toContain(text);
    }
  });

  it.each<[string, Parameters<typeof candidate>[1]]>([
    ['accented letters', { firstName: 'Zoë', lastName: 'Ångström' }],
    ['other scripts', { firstName: '李', lastName: 'Дмитрий' }],
    ['emoji', { firstName: 'Sam 🚀' }],
    ['emoji joined with ZWJ', { lastName: '👩\u200d💻' }],
    ['Persian name with ZWNJ between letters', { lastName: 'می\u200cخواهم' }],
    ['length counted in characters, not UTF-16 units', { firstName: '😀😀😀😀😀😀😀😀😀😀' }],
    ['plus addressing and subdomains', { email: 'ann+hub@mail.acme.example' }],
  ])('%s are fine', (_label, over) => {
    expect(validateCandidate(candidate('00u1', over), limits).ok).toBe(true);
  });

  it('trims values and treats blank names and titles as absent', () => {
    const result = validateCandidate(candidate('00u1', { email: '  Ann@Acme.Example ', firstName: '  Ann ', lastName: '   ', title: ' ' }), limits);
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ email: 'Ann@Acme.Example', firstName: 'Ann', lastName: null, title: null }) });
  });
});

describe('bad data in the plan', () => {
  it('never stops the plan: bad users are skipped with a reason, the others go ahead', () => {
    const plan = planSync(planInput({ candidates: [candidate('bad', { email: 'nope', login: 'bad.login' }), candidate('good')] }));
    expect(plan.actions).toEqual([
      expect.objectContaining({ kind: 'skip', code: 'bad-data', oktaUserId: 'bad', reason: expect.stringContaining('Okta user bad.login (bad): email "nope"') }),
      expect.objectContaining({ kind: 'create', oktaUserId: 'good' }),
    ]);
  });

  it('leaves a managed user with bad data as it is (no update, no delete)', () => {
    const m = managed('m', '101');
    const plan = planSync(withManaged([{ ...m, candidate: { ...m.candidate, firstName: 'A\u202eB', title: 'Sales Rep' } }]));
    expect(plan.actions).toEqual([expect.objectContaining({ kind: 'skip', code: 'bad-data', hubspotUserId: '101', reason: expect.stringContaining('left as it is') })]);
  });

  it.each<[string, Array<Parameters<typeof candidate>[1]>, string[]]>([
    ['both in scope → both skipped', [{}, {}], []],
    ['case differs → still one email', [{ email: 'Same@Acme.Example' }, { email: 'same@acme.example' }], []],
    ['only one in scope → that one goes ahead', [{ status: 'DEPROVISIONED' }, {}], ['two']],
    ['only one assigned → that one goes ahead', [{}, { assigned: false }], ['one']],
    ['one pending → the active one goes ahead', [{ status: 'STAGED' }, {}], ['two']],
  ])('two Okta users with one email: %s', (_label, overs, created) => {
    const [a = {}, b = {}] = overs;
    const plan = planSync(planInput({ candidates: [candidate('one', { email: 'same@acme.example', ...a }), candidate('two', { email: 'same@acme.example', ...b })] }));
    expect(plan.actions.filter((x) => x.kind === 'create').map((x) => x.oktaUserId)).toEqual(created);
    if (created.length === 0) {
      const dupes = plan.actions.filter((x) => x.code === 'duplicate-email');
      expect(dupes.map((x) => x.oktaUserId)).toEqual(['one', 'two']);
      expect(dupes[0]?.reason).toContain('two');
    }
  });
});

describe('email domains', () => {
  it.each<[string[], string, boolean]>([
    [[], 'a@anything.example', true],
    [['acme.example'], 'a@acme.example', true],
    [['acme.example'], 'a@ACME.Example', true],
    [['ACME.example '], 'a@acme.example', true],
    [['@acme.example'], 'a@acme.example', true],
    [[' @ACME.example', ''], 'a@acme.example', true],
    [['@acme.example'], 'a@contractors.example', false],
    [['acme.example'], 'a@sub.acme.example', false],
    [['acme.example'], 'a@contractors.example', false],
    [['acme.example', 'contractors.example'], 'a@contractors.example', true],
  ])('emailDomains %p, email %s → provisioned %s', (emailDomains, email, provisioned) => {
    const plan = planSync(planInput({ rules: rules({ emailDomains }), candidates: [candidate('u', { email })] }));
    expect(plan.actions[0]?.kind).toBe(provisioned ? 'create' : 'skip');
    if (!provisioned) {
      expect(plan.actions[0]).toMatchObject({ code: 'domain-not-allowed', reason: expect.stringContaining(email) });
    }
  });
});
