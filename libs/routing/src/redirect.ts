import type { RedirectAction } from './envoy-shapes.js';
import { authorityPort, stripPort } from './domain-match.js';

const REDIRECT_CODES: Record<string, number> = {
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  SEE_OTHER: 303,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
};

export function redirectStatus(code: string | undefined): number {
  return REDIRECT_CODES[code ?? 'MOVED_PERMANENTLY'] ?? 301;
}

export interface RedirectInput {
  scheme: 'http' | 'https';
  authority: string;
  /** Path without query. */
  pathOnly: string;
  query: string | undefined;
  /** The path after prefix_rewrite / regex_rewrite, when the action rewrites. */
  rewrittenPath?: string;
}

/**
 * The Location of an Envoy RedirectAction. When the scheme changes and no port_redirect is given,
 * a port that is the default of either scheme (80, 443) is dropped, as Envoy does; any other port
 * is kept.
 */
export function redirectLocation(action: RedirectAction, input: RedirectInput): string {
  const scheme = action.scheme_redirect
    ? action.scheme_redirect.toLowerCase()
    : action.https_redirect
      ? 'https'
      : input.scheme;
  const hostSource = action.host_redirect ?? input.authority;
  const host = stripPort(hostSource);
  let port = authorityPort(hostSource);
  if (action.port_redirect) port = action.port_redirect;
  else if (scheme !== input.scheme && (port === 80 || port === 443)) port = undefined;
  if (port !== undefined && ((scheme === 'https' && port === 443) || (scheme === 'http' && port === 80)))
    port = undefined;
  let path = input.rewrittenPath ?? input.pathOnly;
  let query = action.strip_query ? undefined : input.query;
  if (action.path_redirect !== undefined) {
    // path_redirect may carry its own query, which replaces the request's.
    const q = action.path_redirect.indexOf('?');
    path = q >= 0 ? action.path_redirect.slice(0, q) : action.path_redirect;
    if (q >= 0) query = action.path_redirect.slice(q + 1) || undefined;
  }
  const authority = port !== undefined ? `${host}:${port}` : host;
  return `${scheme}://${authority}${path}${query !== undefined ? `?${query}` : ''}`;
}
