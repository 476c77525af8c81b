/** What routing needs to know about a request, independent of HTTP/1.1 or HTTP/2. */
export interface RoutableRequest {
  /** `:authority` (HTTP/2) or `Host` (HTTP/1.1), as sent, possibly with a port. */
  authority: string;
  /** `:path` as sent, with its query string. */
  path: string;
  method: string;
  /** Scheme the request arrived on: `https` on a TLS chain, `http` otherwise. */
  scheme: 'http' | 'https';
  /** Lower-case header name to value; repeated headers joined with `,` as Envoy does. */
  header(name: string): string | undefined;
}

/** Splits `:path` into the path Envoy matches on and the query string (without `?`). */
export function splitPath(path: string): { pathOnly: string; query: string | undefined } {
  const hash = path.indexOf('#');
  const noFragment = hash >= 0 ? path.slice(0, hash) : path;
  const q = noFragment.indexOf('?');
  if (q < 0) return { pathOnly: noFragment, query: undefined };
  return { pathOnly: noFragment.slice(0, q), query: noFragment.slice(q + 1) };
}

/** First value of each query parameter, percent-decoded (a bad escape is kept as sent). */
export function parseQuery(query: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  if (!query) return params;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    if (!params.has(name)) params.set(name, value);
  }
  return params;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
