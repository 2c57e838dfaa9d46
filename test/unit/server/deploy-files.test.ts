import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { createRedisHealth } from '../../../src/daemon/redis-health';
import { silentLogger } from '../../../src/lib/logger';
import { createHookMetrics } from '../../../src/server/hook-metrics';
import { METRIC_PREFIX, createMetrics } from '../../../src/server/metrics';

const root = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The metrics the daemon registers (prom-client's types do not expose `name` and `type`). */
function registeredMetrics(): Array<{ name: string; type: string }> {
  const { registry } = createMetrics({ defaultMetrics: false });
  // The daemon adds the Redis watcher's gauge to the same registry.
  createRedisHealth({ url: 'redis://127.0.0.1:6379', logger: silentLogger() }).registerMetric(registry);
  // And the event hook's metrics (src/daemon/daemon.ts).
  createHookMetrics(registry);
  return registry.getMetricsAsArray().map((m) => m as unknown as { name: string; type: string });
}

/** Every metric name the daemon registers, with the series names histograms add. */
function registeredNames(): Set<string> {
  const names = new Set<string>();
  for (const { name, type } of registeredMetrics()) {
    names.add(name);
    if (type === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) {
        names.add(`${name}${suffix}`);
      }
    }
  }
  return names;
}

function metricNamesIn(expr: string): string[] {
  return expr.match(new RegExp(`${METRIC_PREFIX}[a-z0-9_]+`, 'g')) ?? [];
}

interface AlertRule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

describe('Prometheus alert rules', () => {
  const doc = yaml.load(read('deploy/prometheus-alerts.yml')) as { groups: Array<{ name: string; rules: AlertRule[] }> };
  const rules = doc.groups.flatMap((g) => g.rules);

  it('parse, and each rule has a severity, a summary and a description', () => {
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const rule of rules) {
      expect([rule.alert, typeof rule.expr, rule.labels.severity, typeof rule.annotations.summary, typeof rule.annotations.description]).toEqual([
        rule.alert,
        'string',
        expect.stringMatching(/^(critical|warning|info)$/),
        'string',
        'string',
      ]);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('cover failures, overdue reconciliation, System Log lag, held deletions and 429s', () => {
    const exprs = rules.map((r) => r.expr).join('\n');
    for (const name of ['jobs_total', 'seconds_since_last_reconcile', 'system_log_lag_seconds', 'system_log_last_poll_timestamp_seconds', 'deletions_held', 'api_rate_limited_total']) {
      expect(exprs).toContain(`${METRIC_PREFIX}${name}`);
    }
  });

  it('use only metrics the daemon registers', () => {
    const known = registeredNames();
    const unknown = rules.flatMap((r) => metricNamesIn(r.expr)).filter((n) => !known.has(n));
    expect(unknown).toEqual([]);
  });
});

describe('Grafana dashboard', () => {
  const dash = JSON.parse(read('deploy/grafana-dashboard.json')) as {
    uid: string;
    panels: Array<{ id: number; type: string; targets?: Array<{ expr: string; datasource: { uid: string } }> }>;
  };

  it('is importable JSON with unique panel ids and a Prometheus data source input', () => {
    expect(dash.uid).toBe('okta-hubspot-sync');
    expect(new Set(dash.panels.map((p) => p.id)).size).toBe(dash.panels.length);
    const targets = dash.panels.flatMap((p) => p.targets ?? []);
    expect(targets.length).toBeGreaterThan(10);
    expect(new Set(targets.map((t) => t.datasource.uid))).toEqual(new Set(['${DS_PROMETHEUS}']));
  });

  it('queries only metrics the daemon registers, and most of them', () => {
    const known = registeredNames();
    const used = new Set(dash.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNamesIn(t.expr))));
    expect([...used].filter((n) => !known.has(n))).toEqual([]);
    const base = registeredMetrics().map((m) => m.name);
    const notShown = base.filter((n) => !used.has(n) && !used.has(`${n}_bucket`));
    expect(notShown.length / base.length).toBeLessThan(0.2);
  });
});

describe('container files', () => {
  const dockerfile = read('Dockerfile');
  const lines = dockerfile.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));

  it('build from node:24-bookworm-slim in stages and run as a non-root user under tini', () => {
    expect(dockerfile).toContain('ARG NODE_IMAGE=node:24-bookworm-slim');
    expect(lines.filter((l) => l.startsWith('FROM '))).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE} AS runtime']);
    const users = lines.filter((l) => l.startsWith('USER '));
    expect(users.at(-1)).toBe('USER node');
    expect(dockerfile).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(lines.at(-1)).toBe('CMD ["node", "dist/src/cli/main.js", "start"]');
    expect(dockerfile).toMatch(/HEALTHCHECK [^\n]*\\\n\s+CMD \["node", "-e", "fetch\('http:\/\/127\.0\.0\.1:' \+ \(process\.env\.PORT \|\| 3000\) \+ '\/healthz'\)/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });

  it('ship the bundled rules files where dist/config/load.js looks for them', () => {
    expect(dockerfile).toContain('COPY --from=build --chown=root:root /app/config/*.yaml ./config/');
    expect(read('config/load.ts')).toMatch(/path\.resolve\(__dirname, '\.\.', '\.\.', 'config'/);
  });

  it('keep secrets and local builds out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', '.env.*', 'node_modules', 'dist', '.git', 'test']) {
      expect(ignored).toContain(entry);
    }
  });

  interface Service {
    command?: string[];
    depends_on?: Record<string, { condition: string }>;
    ports?: string[];
    profiles?: string[];
    volumes?: string[];
    environment?: Record<string, string>;
  }
  const compose = yaml.load(read('docker-compose.yml')) as { services: Record<string, Service> };

  it('compose: Redis keeps every key and persists it, the daemon waits for it, ports stay on loopback', () => {
    const redis = compose.services.redis!;
    expect(redis.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction', '--appendonly', 'yes']));
    expect(redis.volumes).toEqual(['redis-data:/data']);
    for (const name of ['daemon', 'demo']) {
      const service = compose.services[name]!;
      expect(service.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
      expect(service.environment).toMatchObject({ REDIS_URL: 'redis://redis:6379', HOST: '0.0.0.0' });
      for (const port of service.ports ?? []) {
        expect(port.startsWith('127.0.0.1:')).toBe(true);
      }
    }
    expect(compose.services.demo!.profiles).toEqual(['demo']);
    expect(compose.services.demo!.command).toEqual(['node', 'dist/src/cli/main.js', 'demo']);
  });
});
