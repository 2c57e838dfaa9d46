import { renderAuditText, textTable } from '../../../src/server/status-text';

describe('text tables', () => {
  it('aligns columns and keeps every row on one line', () => {
    expect(textTable(['a', 'bb'], [['xxx', 'y'], ['z', 'multi\nline']])).toBe(['a    bb', '---  ----------', 'xxx  y', 'z    multi line'].join('\n'));
  });

  it('says when the audit trail is empty', () => {
    expect(renderAuditText([])).toBe('No audit entries.');
  });
});
