import { ConfigError, loadConfig } from '../../config/load';

/** A complete, valid environment for `loadConfig` (made-up tokens, no real account). */
export const goodEnv: Readonly<Record<string, string>> = {
  OKTA_ORG_URL: 'https://acme.okta.com/',
  OKTA_API_TOKEN: 'okta-secret-token',
  OKTA_APP_ID: '0oa123',
  HUBSPOT_ACCESS_TOKEN: 'pat-na1-secret',
};

/** The problems `loadConfig` lists for `env` (none when it loads). */
export function configProblems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      return err.problems;
    }
    throw err;
  }
  return [];
}
