import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { RulesSchema } from '../../../config/rules-schema';

const doc = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'RULES.md'), 'utf8');
const defaults = RulesSchema.parse({}) as Record<string, unknown>;
/** Settings whose value is a free-form map (keys are statuses, titles, names…), not more settings. */
const MAPS = new Set(['scope.statuses', 'roles.aliases', 'seats.byRole', 'seats.byTitle', 'seats.budget', 'teams.byGroup']);

describe('docs/RULES.md', () => {
  it.each(Object.keys(defaults))('documents rules.%s and each of its settings', (key) => {
    expect(doc).toMatch(new RegExp(`^### .*\`${key}(\\.|\`)`, 'm'));
    const value = defaults[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const sub of Object.keys(value)) {
        const documented = MAPS.has(`${key}.${sub}`) ? doc.includes(`\`${key}.${sub}\``) : doc.includes(`\`${sub}\``) || doc.includes(`\`${key}.${sub}\``);
        expect({ setting: `${key}.${sub}`, documented }).toEqual({ setting: `${key}.${sub}`, documented: true });
      }
    }
  });

  it('parses its example YAML with the real schema', () => {
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      const parsed = parse(block) as { rules: unknown };
      expect(RulesSchema.safeParse(parsed.rules).success).toBe(true);
    }
  });
});
