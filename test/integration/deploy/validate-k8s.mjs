/* eslint-disable no-undef -- a plain ES module run by node: kubernetes-models is published as ES modules only */
/**
 * Validates Kubernetes objects (a JSON array on stdin) against the Kubernetes API schemas of
 * kubernetes-models and the Prometheus operator's CRD schemas. Prints a JSON array with one
 * entry per object: { kind, name, errors }. An object of an unknown apiVersion/kind is an error.
 */
const input = await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (c) => (text += c));
  process.stdin.on('end', () => resolve(text));
});

function modulePath(apiVersion, kind) {
  if (apiVersion.startsWith('monitoring.coreos.com/')) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

const results = [];
for (const obj of JSON.parse(input)) {
  const name = obj?.metadata?.name ?? '?';
  try {
    const mod = await import(modulePath(obj.apiVersion, obj.kind));
    const Model = mod[obj.kind];
    new Model(obj).validate();
    results.push({ kind: obj.kind, name, errors: [] });
  } catch (err) {
    results.push({ kind: obj.kind, name, errors: [String(err instanceof Error ? err.message : err)] });
  }
}
process.stdout.write(JSON.stringify(results));
