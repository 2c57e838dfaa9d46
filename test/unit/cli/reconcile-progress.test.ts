import { renderProgress } from '../../../src/cli/reconcile-progress';

describe('reconcile progress line', () => {
  it('fills the bar in proportion and prints the counts', () => {
    expect(renderProgress('plan-x', 0, 10)).toBe(`applying plan-x  [${'-'.repeat(30)}]  0/10 users`);
    expect(renderProgress('plan-x', 5, 10)).toBe(`applying plan-x  [${'#'.repeat(15)}${'-'.repeat(15)}]  5/10 users`);
    expect(renderProgress('plan-x', 12, 10)).toContain(`[${'#'.repeat(30)}]  12/10`);
  });
});
