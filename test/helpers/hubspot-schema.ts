import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** The `$defs` of the HubSpot users API schema (test/integration/hubspot/users-api.schema.json). */
export type HubSpotSchemaDef =
  | 'PublicUser'
  | 'UserProvisionRequest'
  | 'PublicUserUpdate'
  | 'PublicPermissionSet'
  | 'PublicTeam'
  | 'PublicSeat'
  | 'UserPage'
  | 'RoleList'
  | 'TeamList'
  | 'SeatList'
  | 'Error'
  | 'RateLimitError';

const SCHEMA_FILE = path.join(__dirname, '..', 'integration', 'hubspot', 'users-api.schema.json');

/** Validates values against one `$defs` entry; returns the problems (empty when valid). */
export function createHubSpotSchemaValidator(): (def: HubSpotSchemaDef, value: unknown) => string[] {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { $id: string };
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(schema);
  return (def, value) => {
    const validate = ajv.getSchema(`${schema.$id}#/$defs/${def}`);
    if (!validate) {
      throw new Error(`no $defs/${def} in the schema`);
    }
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  };
}
