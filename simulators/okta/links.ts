/**
 * Pagination links as Okta sends them: one `Link` header line per relation, each an absolute URL
 * on the server's own origin, `self` always and `next` only when there is more to read.
 */

/** One `Link` header value: `<url>; rel="rel"`. */
export function linkValue(url: string, rel: string): string {
  return `<${url}>; rel="${rel}"`;
}

/** An absolute URL for `pathname` with the given query parameters (undefined ones left out). */
export function pageUrl(origin: string, pathname: string, params: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) {
      qs.set(k, String(v));
    }
  }
  const query = qs.toString();
  return `${origin}${pathname}${query ? `?${query}` : ''}`;
}

/** The `Link` header lines for a page: `self` (the request itself) and `next` when given. */
export function pageLinks(selfUrl: string, nextUrl: string | null): string[] {
  return nextUrl === null ? [linkValue(selfUrl, 'self')] : [linkValue(selfUrl, 'self'), linkValue(nextUrl, 'next')];
}

/** Index of the first id greater than `after` in a sorted list (an opaque-cursor page start). */
export function startAfter(sortedIds: readonly string[], after: string | undefined): number {
  if (after === undefined) {
    return 0;
  }
  let lo = 0;
  let hi = sortedIds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sortedIds[mid] ?? '') <= after) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
