/**
 * The console's location, kept in the URL's hash (`#/credentials?ns=payments&sort=notAfter`), so
 * every page and its filters can be shared as a link and survive a reload. Pure: strings in and out.
 */
export const PAGES = ['overview', 'credentials', 'credential', 'gateways', 'proxies', 'audit', 'ca'] as const;
export type Page = (typeof PAGES)[number];

export interface Route {
  page: Page;
  /** Path segments after the page (a credential's namespace and name). */
  path: string[];
  params: Record<string, string>;
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '').replace(/^\//, '');
  const q = raw.indexOf('?');
  const pathPart = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q + 1);
  const [first, ...rest] = pathPart.split('/').filter(Boolean);
  const page = (PAGES as readonly string[]).includes(first ?? '') ? (first as Page) : 'overview';
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) if (v !== '') params[k] = v;
  return {
    page,
    path: page === first ? rest.map((s) => safeDecode(s)) : [],
    params,
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The hash for a route; empty parameters are left out and the rest sorted, so equal routes are equal strings. */
export function formatRoute(route: {
  page: Page;
  path?: string[];
  params?: Record<string, string | undefined>;
}): string {
  const path = [route.page, ...(route.path ?? []).map(encodeURIComponent)].join('/');
  const entries = Object.entries(route.params ?? {})
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = new URLSearchParams(entries).toString();
  return `#/${path}${query ? `?${query}` : ''}`;
}

/** The same route with some parameters changed (undefined removes one). */
export function withParams(route: Route, changes: Record<string, string | undefined>): string {
  return formatRoute({ page: route.page, path: route.path, params: { ...route.params, ...changes } });
}
