import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

/** Schemas of Okta's management spec the conformance tests check answers against. */
export type OktaSchemaName = 'AppUser' | 'User' | 'LogEvent' | 'ModelError' | 'Application' | 'Group' | 'EventHook' | 'ApplicationGroupAssignment';

const SPEC_FILE = path.join(__dirname, '..', 'integration', 'okta', 'okta-management.yaml');
const SPEC_ID = 'okta-management';

type Json = unknown;

/**
 * OpenAPI 3.0 `nullable: true` becomes JSON Schema's `null` type, so ajv accepts the nulls the
 * spec allows (and only those).
 */
function nullableToJsonSchema(node: Json): Json {
  if (Array.isArray(node)) {
    return node.map(nullableToJsonSchema);
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === 'example' || k === 'examples' ? v : nullableToJsonSchema(v);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) {
        out.enum = [...out.enum, null];
      }
      return out;
    }
    return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

function collectFormats(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) {
    node.forEach((n) => collectFormats(n, into));
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'format' && typeof v === 'string') {
        into.add(v);
      } else {
        collectFormats(v, into);
      }
    }
  }
}

let cached: ((name: OktaSchemaName, value: unknown) => string[]) | null = null;

/**
 * A validator for the spec's component schemas, built once per test file (the spec is 3.4 MB).
 * Returns the problems found (empty when the value is valid).
 */
export function oktaSpecValidator(): (name: OktaSchemaName, value: unknown) => string[] {
  if (cached) {
    return cached;
  }
  const spec = yaml.load(fs.readFileSync(SPEC_FILE, 'utf8')) as { components: { schemas: Record<string, Json> } };
  const schemas = nullableToJsonSchema(spec.components.schemas);
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  const formats = new Set<string>();
  collectFormats(schemas, formats);
  for (const f of formats) {
    if (!ajv.formats[f]) {
      ajv.addFormat(f, true);
    }
  }
  ajv.addSchema({ $id: SPEC_ID, components: { schemas } });
  const validator = (name: OktaSchemaName, value: unknown): string[] => {
    const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${name}`);
    if (!validate) {
      throw new Error(`no schema ${name} in the spec`);
    }
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
  cached = validator;
  return validator;
}
