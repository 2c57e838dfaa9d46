import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** deploy/prometheus-alerts.yml: valid for Prometheus (promtool check rules) and doing what its unit tests say (promtool test rules). */
const deploy = path.resolve(__dirname, '../../../deploy');
const hasPromtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasPromtool && process.env.CI) {
  throw new Error("CI needs promtool (Debian's prometheus package) to check deploy/prometheus-alerts.yml");
}
if (!hasPromtool) {
  process.stderr.write("alert rule tests skipped: install promtool (apt-get install prometheus) to run them\n");
}
const describeIf = hasPromtool ? describe : describe.skip;

describeIf('deploy/prometheus-alerts.yml', () => {
  it('passes promtool check rules', () => {
    const r = spawnSync('promtool', ['check', 'rules', 'prometheus-alerts.yml'], { cwd: deploy, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  it('passes its unit tests (promtool test rules prometheus-alerts.test.yml)', () => {
    const r = spawnSync('promtool', ['test', 'rules', 'prometheus-alerts.test.yml'], { cwd: deploy, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/FAILED/);
    expect(r.status).toBe(0);
  });
});
