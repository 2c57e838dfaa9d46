/** HubSpot's private-app token introspection endpoint. */
export const TOKEN_INFO_PATH = '/oauth/v2/private-apps/get/access-token-info';

/**
 * The scopes a HubSpot private-app token holds, or null when the account cannot say (an OAuth
 * token, an older API, or any error). The token travels in the request body, never in a URL, and
 * never in a message.
 */
export async function fetchHubSpotTokenScopes(baseUrl: string, token: string, timeoutMs = 10_000): Promise<string[] | null> {
  try {
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${TOKEN_INFO_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ tokenKey: token }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) {
      return null;
    }
    const body = (await res.json()) as { scopes?: unknown };
    return Array.isArray(body.scopes) && body.scopes.every((s) => typeof s === 'string') ? (body.scopes as string[]) : null;
  } catch {
    return null;
  }
}
