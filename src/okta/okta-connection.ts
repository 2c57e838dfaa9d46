import type { Config } from '../../config/load';
import type { OktaClientOptions } from './okta-client';

/** Where and as whom the Okta client connects, from the configuration (API token or OAuth service app). */
export function oktaConnection(config: Config): Pick<OktaClientOptions, 'orgUrl' | 'token' | 'clientId' | 'privateKey' | 'keyId' | 'appId'> {
  return {
    orgUrl: config.env.OKTA_ORG_URL,
    token: config.env.OKTA_API_TOKEN,
    clientId: config.env.OKTA_CLIENT_ID,
    privateKey: config.env.OKTA_PRIVATE_KEY,
    keyId: config.env.OKTA_KEY_ID,
    appId: config.env.OKTA_APP_ID,
  };
}
