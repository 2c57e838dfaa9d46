import { createPublicKey, randomBytes, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * `POST /oauth2/v1/token` for a service app using `private_key_jwt` (the SDK's PrivateKey mode):
 * checks the client assertion (shape, issuer, audience, expiry and, when a public key is
 * configured, the signature) and issues short-lived access tokens carrying the granted scopes.
 */

export interface OAuthClientSettings {
  clientId: string;
  /** The client's public key (PEM or JWK). Without it signatures are not checked. */
  publicKey?: string | JsonWebKey;
  /** Scopes the client may get (default: every scope it asks for). */
  allowedScopes?: string[];
  /** Access token lifetime (default 3600 s). */
  tokenTtlSeconds?: number;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

interface IssuedToken {
  scopes: Set<string>;
  expiresAtMs: number;
}

function b64json(part: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const oauthError = (status: number, error: string, description: string): TokenAnswer => ({
  status,
  body: { error, error_description: description },
});

export function createOAuthServer(settings: OAuthClientSettings | undefined, now: () => number) {
  const tokens = new Map<string, IssuedToken>();
  let key: KeyObject | null = null;
  if (settings?.publicKey) {
    key =
      typeof settings.publicKey === 'string'
        ? createPublicKey(settings.publicKey)
        : createPublicKey({ key: settings.publicKey, format: 'jwk' });
  }

  function checkSignature(signingInput: string, signature: string, alg: unknown): boolean {
    if (!key) {
      return true;
    }
    const sig = Buffer.from(signature, 'base64url');
    if (alg === 'RS256') {
      return verify('sha256', Buffer.from(signingInput), key, sig);
    }
    if (alg === 'ES256') {
      return verify('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' }, sig);
    }
    return false;
  }

  /** Answers a token request (the form body as parsed parameters, the URL the client used). */
  function token(form: URLSearchParams, tokenUrl: string): TokenAnswer {
    if (!settings) {
      return oauthError(401, 'invalid_client', 'No OAuth client is configured on this org.');
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    }
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return oauthError(401, 'invalid_client', 'client_assertion_type must be jwt-bearer.');
    }
    const parts = (form.get('client_assertion') ?? '').split('.');
    const [h, p, s] = parts;
    const header = h ? b64json(h) : null;
    const claims = p ? b64json(p) : null;
    if (parts.length !== 3 || !header || !claims || !s) {
      return oauthError(401, 'invalid_client', 'The client_assertion is not a well-formed JWT.');
    }
    const nowS = Math.floor(now() / 1000);
    if (claims.iss !== settings.clientId || claims.sub !== settings.clientId) {
      return oauthError(401, 'invalid_client', 'The client_assertion issuer and subject must be the client id.');
    }
    if (typeof claims.aud !== 'string' || claims.aud !== tokenUrl) {
      return oauthError(401, 'invalid_client', 'The audience claim for client_assertion must be the endpoint invoked for the request.');
    }
    if (typeof claims.exp !== 'number' || claims.exp < nowS) {
      return oauthError(401, 'invalid_client', 'The client_assertion token is expired.');
    }
    if (!checkSignature(`${h}.${p}`, s, header.alg)) {
      return oauthError(401, 'invalid_client', 'The client_assertion signature is invalid.');
    }
    const asked = (form.get('scope') ?? '').split(' ').filter((x) => x !== '');
    const allowed = settings.allowedScopes;
    const refused = allowed ? asked.filter((x) => !allowed.includes(x)) : [];
    if (asked.length === 0 || refused.length > 0) {
      return oauthError(400, 'invalid_scope', `The following scopes are not allowed: ${refused.join(' ') || '(none requested)'}`);
    }
    const ttl = settings.tokenTtlSeconds ?? 3600;
    const accessToken = randomBytes(32).toString('base64url');
    tokens.set(accessToken, { scopes: new Set(asked), expiresAtMs: now() + ttl * 1000 });
    return { status: 200, body: { token_type: 'Bearer', expires_in: ttl, access_token: accessToken, scope: asked.join(' ') } };
  }

  /** The scopes of a live access token, or null when it is unknown or expired. */
  function scopesOf(accessToken: string): Set<string> | null {
    const t = tokens.get(accessToken);
    if (!t || t.expiresAtMs <= now()) {
      return null;
    }
    return t.scopes;
  }

  return {
    token,
    scopesOf,
    /** Expires every issued access token (the SDK then fetches a new one after a 401). */
    expireAll(): void {
      tokens.clear();
    },
  };
}

export type OAuthServer = ReturnType<typeof createOAuthServer>;
