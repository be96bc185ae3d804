/**
 * What the client asks for, read from its request headers: whether a request to a GraphQL endpoint
 * is a browser tab that wants the playground page (`Accept`), and whether an asset may be sent
 * gzipped (`Accept-Encoding`). Plain header parsing with no I/O, kept apart from the page and the
 * assets so the two quality-value rules sit side by side.
 */

/** True when a request to a GraphQL endpoint comes from a browser that wants the page: GET, Accept includes text/html, and no `query` search param. */
export function wantsPlayground(method: string | undefined, accept: string | undefined, url: string): boolean {
  if ((method ?? 'GET').toUpperCase() !== 'GET') return false;
  if (!accept || !acceptsHtml(accept)) return false;
  let search: URLSearchParams;
  try {
    search = new URL(url, 'http://localhost').searchParams;
  } catch {
    return false;
  }
  // A GraphQL-over-HTTP GET (…?query=…) is an API call even from a browser tab.
  return !search.has('query');
}

/** True when `Accept-Encoding` lists gzip with a non-zero quality. */
export function acceptsGzip(acceptEncoding: string | string[] | undefined): boolean {
  const value = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  if (!value) return false;
  return value.split(',').some((part) => {
    const [coding, ...params] = part.split(';');
    if (coding?.trim().toLowerCase() !== 'gzip') return false;
    const q = qualityParam(params);
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function acceptsHtml(accept: string): boolean {
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';');
    if (type?.trim().toLowerCase() !== 'text/html') continue;
    const q = qualityParam(params);
    if (q !== undefined && Number(q.slice(2)) === 0) return false; // explicitly refused
    return true;
  }
  return false;
}

/** The `q=…` parameter of one media range or coding (trimmed, lower-cased), if it has one. */
function qualityParam(params: readonly string[]): string | undefined {
  return params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
}
