import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DaemonSchema } from '../../../config/daemon-schema';

/** deploy/kubernetes: rendered by kustomize, checked against the Kubernetes schemas and against what the daemon expects. */
const root = path.resolve(__dirname, '../../..');
const dir = (p: string) => path.join(root, 'deploy/kubernetes', p);

function kustomizeCommand(): string[] | undefined {
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0) {
    return ['kubectl', 'kustomize'];
  }
  if (spawnSync('kustomize', ['version'], { encoding: 'utf8' }).status === 0) {
    return ['kustomize', 'build'];
  }
  return undefined;
}

const kustomize = kustomizeCommand();
if (!kustomize && process.env.CI) {
  throw new Error('CI needs kubectl (kubectl kustomize) or kustomize to render deploy/kubernetes');
}
const describeIf = kustomize ? describe : describe.skip;
if (!kustomize) {
  process.stderr.write('deploy/kubernetes tests skipped: install kubectl or kustomize to render the manifests\n');
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

function render(p: string): K8sObject[] {
  const [cmd, ...args] = kustomize!;
  const r = spawnSync(cmd!, [...args, dir(p)], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${kustomize!.join(' ')} ${p} failed: ${r.stderr}`);
  }
  return parseAllDocuments(r.stdout).map((d) => d.toJSON() as K8sObject);
}

function validate(objs: unknown[]): Array<{ kind: string; name: string; errors: string[] }> {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'validate-k8s.mjs')], { input: JSON.stringify(objs), encoding: 'utf8', cwd: root });
  if (r.status !== 0) {
    throw new Error(`validate-k8s.mjs failed: ${r.stderr}`);
  }
  return JSON.parse(r.stdout) as Array<{ kind: string; name: string; errors: string[] }>;
}

interface Container {
  name: string;
  args?: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  envFrom?: Array<{ secretRef?: { name: string }; configMapRef?: { name: string } }>;
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: Array<{ mountPath: string }>;
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
}
const podSpec = (o: K8sObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;
const mib = (q: string) => (q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : q.endsWith('Mi') ? Number(q.slice(0, -2)) : Number(q) / 2 ** 20);

describeIf('deploy/kubernetes', () => {
  const base = kustomize ? render('base') : [];
  const scaled = kustomize ? render('examples/scaled') : [];
  const withHook = kustomize ? render('examples/with-hook') : [];
  const find = (objs: K8sObject[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);

  it('every object of the base and of the scaled example is valid against the Kubernetes (and Prometheus operator) schemas', () => {
    const results = validate([...base, ...scaled]);
    expect(results.filter((r) => r.errors.length > 0)).toEqual([]);
    expect(results).toHaveLength(base.length + scaled.length);
    expect(scaled.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Deployment', 'PodDisruptionBudget', 'PodDisruptionBudget', 'Service', 'ServiceAccount', 'ServiceMonitor']);
    expect(scaled.every((o) => o.metadata.namespace === 'okta-hubspot-sync')).toBe(true);
  });

  it('the event hook component: a Service of its own for HOOK_PORT on every interface of the daemon pods, valid against the schemas', () => {
    expect(validate(withHook).filter((r) => r.errors.length > 0)).toEqual([]);
    const dep = find(withHook, 'Deployment', 'okta-hubspot-sync')!;
    const c = podSpec(dep).containers[0]! as Container & { env?: Array<{ name: string; value: string }> };
    const env = new Map((c.env ?? []).map((e) => [e.name, e.value]));
    const hookPort = c.ports!.find((p) => p.name === 'hook')!;
    expect(String(hookPort.containerPort)).toBe(env.get('HOOK_PORT'));
    expect(env.get('HOOK_HOST')).toBe('0.0.0.0');
    expect(c.ports!.find((p) => p.name === 'http')).toBeDefined();
    const svc = find(withHook, 'Service', 'okta-hubspot-sync-hook')!.spec as { selector: Record<string, string>; ports: Array<{ targetPort: string }> };
    const labels = (dep.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    expect(Object.entries(svc.selector).every(([k, v]) => labels[k] === v)).toBe(true);
    expect(svc.ports.map((p) => p.targetPort)).toEqual(['hook']);
    // The ops Service does not expose the hook port, nor the hook Service the ops port.
    const ops = find(withHook, 'Service', 'okta-hubspot-sync')!.spec as { ports: Array<{ targetPort: string }> };
    expect(ops.ports.map((p) => p.targetPort)).toEqual(['http']);
    // The daemon reads the port as the configuration schema does.
    const port = Number(env.get('HOOK_PORT'));
    expect(Number.isInteger(port) && port > 0 && port < 65536).toBe(true);
  });

  it('the schema check catches a wrong field type (the check can fail)', () => {
    const bad = JSON.parse(JSON.stringify(find(base, 'Deployment', 'okta-hubspot-sync'))) as K8sObject;
    podSpec(bad).containers[0]!.ports![0]!.containerPort = 'http' as unknown as number;
    expect(validate([bad])[0]!.errors.join()).toMatch(/containerPort/);
  });

  it('the daemon: probes on /healthz and /readyz at the port the ConfigMap sets, tokens from the Secret, non-root, read-only root, /tmp writable', () => {
    const dep = find(base, 'Deployment', 'okta-hubspot-sync')!;
    const cm = find(base, 'ConfigMap', 'okta-hubspot-sync')!;
    const c = podSpec(dep).containers[0]!;
    expect(c.args).toEqual(['node', 'dist/src/cli/main.js', 'start']);
    const http = c.ports!.find((p) => p.name === 'http')!;
    expect(String(http.containerPort)).toBe(cm.data!.PORT);
    expect(cm.data!.HOST).toBe('0.0.0.0');
    expect(c.livenessProbe!.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe!.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.envFrom).toContainEqual({ secretRef: { name: 'okta-hubspot-sync' } });
    expect(Object.keys(cm.data!).filter((k) => /TOKEN|KEY|PASSWORD/.test(k))).toEqual([]);
    expect(podSpec(dep).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts!.map((m) => m.mountPath)).toContain('/tmp');
  });

  it('graceful termination outlasts daemon.shutdownGraceMs, and memory requests cover the measured idle RSS (about 220 MB)', () => {
    const grace = DaemonSchema.parse({}).shutdownGraceMs;
    for (const name of ['okta-hubspot-sync', 'okta-hubspot-sync-worker']) {
      const spec = podSpec(find(scaled, 'Deployment', name)!);
      expect((spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(grace + 5_000);
      const res = spec.containers[0]!.resources!;
      expect(mib(res.requests!.memory!)).toBeGreaterThanOrEqual(221 * 1e6 / 2 ** 20);
      expect(mib(res.limits!.memory!)).toBeGreaterThanOrEqual(mib(res.requests!.memory!) * 1.5);
    }
  });

  it('the Service, the ServiceMonitor and the PodDisruptionBudgets select the pods they mean', () => {
    const labelsOf = (name: string) => (find(scaled, 'Deployment', name)!.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    const matches = (sel: Record<string, string>, labels: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
    const svc = find(scaled, 'Service', 'okta-hubspot-sync')!.spec as { selector: Record<string, string>; ports: Array<{ name: string; targetPort: string }> };
    expect(matches(svc.selector, labelsOf('okta-hubspot-sync'))).toBe(true);
    expect(matches(svc.selector, labelsOf('okta-hubspot-sync-worker'))).toBe(false);
    const sm = find(scaled, 'ServiceMonitor', 'okta-hubspot-sync')!;
    const smSpec = sm.spec as { selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port: string; path: string }> };
    expect(matches(smSpec.selector.matchLabels, find(scaled, 'Service', 'okta-hubspot-sync')!.metadata.labels ?? {})).toBe(true);
    expect(smSpec.endpoints[0]).toMatchObject({ port: svc.ports[0]!.name, path: '/metrics' });
    for (const [pdb, dep] of [['okta-hubspot-sync', 'okta-hubspot-sync'], ['okta-hubspot-sync-worker', 'okta-hubspot-sync-worker']] as const) {
      const sel = (find(scaled, 'PodDisruptionBudget', pdb)!.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      expect(matches(sel, labelsOf(dep))).toBe(true);
    }
    expect(podSpec(find(scaled, 'Deployment', 'okta-hubspot-sync-worker')!).containers[0]!.args).toEqual(['node', 'dist/src/cli/main.js', 'worker']);
  });
});
