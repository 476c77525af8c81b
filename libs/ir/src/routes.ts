import type { HeaderOperations, HttpMatch, HttpRoute, StringMatch, VirtualService } from '#keyway/istio';
import type { IrAction, IrCondition, IrMatch, IrRouteSource } from './model.js';
import { re2Problem } from './regex.js';
import { StatusCodes } from './status.js';

export interface DestinationTemplate {
  host: string;
  port?: number;
  weight: number;
  headers?: HeaderOperations;
  /** Where it sits in the VirtualService (`spec.http[httpIndex].route[routeIndex]`), for statuses. */
  routeIndex: number;
}

/** Field path of a destination, built only when a status needs it. */
export function destinationField(httpIndex: number, routeIndex: number): string {
  return `spec.http[${httpIndex}].route[${routeIndex}].destination`;
}

export type ActionTemplate =
  | (Omit<Extract<IrAction, { kind: 'forward' }>, 'destinations'> & { destinations: DestinationTemplate[] })
  | Exclude<IrAction, { kind: 'forward' }>;

export interface MatchEntry {
  matchIndex?: number;
  /** The source every route made from this entry carries (one object for all of them). */
  source: IrRouteSource;
  match: IrMatch;
  /** Restricts the entry to these gateways (`ns/name`), when the match names any. */
  gateways?: string[];
  port?: number;
  catchAll: boolean;
}

export interface RouteTemplate {
  httpIndex: number;
  name?: string;
  entries: MatchEntry[];
  action: ActionTemplate;
  headers?: HeaderOperations;
}

export interface VirtualServiceTemplates {
  /** Gateways this VirtualService binds to, as `namespace/name`. */
  gateways: string[];
  routes: RouteTemplate[];
  conditions: IrCondition[];
}

/** `name` means the VirtualService's namespace; `mesh` is the sidecar world, not a gateway. */
export function gatewayKey(ref: string, namespace: string): string | undefined {
  if (ref === 'mesh') return undefined;
  return ref.includes('/') ? ref : `${namespace}/${ref}`;
}

/**
 * Templates per VirtualService object, kept from one build to the next for the objects still present
 * (a plain Map rotated per build: WeakMaps with tens of thousands of keys slow every major GC).
 */
export class TemplateCache {
  private previous = new Map<VirtualService, VirtualServiceTemplates>();
  private current = new Map<VirtualService, VirtualServiceTemplates>();

  get(vs: VirtualService): VirtualServiceTemplates {
    let t = this.current.get(vs);
    if (t) return t;
    t = this.previous.get(vs) ?? virtualServiceTemplates(vs);
    this.current.set(vs, t);
    return t;
  }

  /** Call at the start of a build: what the last build used stays reusable, the rest is dropped. */
  rotate(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}

/** The gateway-independent part of a VirtualService's http routes. */
export function virtualServiceTemplates(vs: VirtualService): VirtualServiceTemplates {
  const ns = vs.meta.namespace;
  const conditions: IrCondition[] = [];
  const keys = vs.gateways.map((g) => gatewayKey(g, ns)).filter((g): g is string => !!g);
  const gateways = keys.length === 1 ? keys : [...new Set(keys)].sort();
  const templates = vs.http.map((h) => routeTemplate(vs, h, conditions));
  // Kept per VirtualService: exact-length arrays (filter would leave push-grown spare slots).
  const routes = templates.includes(undefined) ? templates.filter((t) => t !== undefined).slice() : templates;
  return { gateways, routes: routes as RouteTemplate[], conditions };
}

const NO_MATCH: readonly (HttpMatch | undefined)[] = [undefined];

function routeTemplate(
  vs: VirtualService,
  h: HttpRoute,
  conditions: IrCondition[],
): RouteTemplate | undefined {
  let problems: IrCondition[] | undefined;
  const matches = h.match.length > 0 ? h.match : NO_MATCH;
  // map: the entries array is kept, so it should be exactly as long as its contents.
  const entries = matches.map((m, i): MatchEntry => {
    if (!m) return { source: { resource: vs.id, http: h.index }, match: MATCH_ALL, catchAll: true };
    const match = irMatch(m);
    const found = matchProblems(match, h.index, i);
    if (found) (problems ??= []).push(...found);
    const entry: MatchEntry = {
      matchIndex: i,
      source: { resource: vs.id, http: h.index, match: i },
      match,
      catchAll: isCatchAll(match),
    };
    if (m.gateways.length > 0) entry.gateways = m.gateways.map((g) => gatewayKey(g, vs.meta.namespace) ?? g);
    if (m.port !== undefined) entry.port = m.port;
    return entry;
  });
  if (problems) {
    conditions.push(...problems);
    return undefined;
  }
  return { httpIndex: h.index, name: h.name, entries, action: actionTemplate(h), headers: h.headers };
}

function actionTemplate(h: HttpRoute): ActionTemplate {
  if (h.redirect) return { kind: 'redirect', redirect: h.redirect };
  if (h.directResponse)
    return { kind: 'direct', status: h.directResponse.status, body: h.directResponse.body };
  let anyWeight = false;
  for (const d of h.route) if (d.weight !== undefined) anyWeight = true;
  const all = h.route.map((d, routeIndex): DestinationTemplate => {
    const weight = anyWeight ? (d.weight ?? 0) : h.route.length === 1 ? 100 : 1;
    const template: DestinationTemplate = {
      host: d.destination.host,
      port: d.destination.port,
      weight,
      routeIndex,
    };
    if (d.headers) template.headers = d.headers;
    return template;
  });
  // Istio drops zero-weight destinations; Envoy would never pick them.
  const destinations = all.every((d) => d.weight > 0) ? all : all.filter((d) => d.weight > 0).slice();
  return {
    kind: 'forward',
    destinations,
    rewrite: h.rewrite,
    timeoutMs: h.timeoutMs,
    retries: h.retries,
  };
}

const NONE: readonly never[] = [];
const MATCH_ALL: IrMatch = { ignoreCase: false, headers: NONE, queryParams: NONE };

function compareNames(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Invalid RE2 expressions in a match, with their field paths; undefined when there are none. */
function matchProblems(m: IrMatch, httpIndex: number, matchIndex: number): IrCondition[] | undefined {
  let problems: IrCondition[] | undefined;
  const check = (sm: StringMatch | undefined, field: string): void => {
    if (!sm || !('regex' in sm)) return;
    const problem = re2Problem(sm.regex);
    if (!problem) return;
    (problems ??= []).push({
      field: `spec.http[${httpIndex}].match[${matchIndex}].${field}.regex`,
      code: StatusCodes.invalidRegex,
      message: problem,
      severity: 'error',
    });
  };
  check(m.path, 'uri');
  check(m.method, 'method');
  check(m.authority, 'authority');
  check(m.scheme, 'scheme');
  for (const hm of m.headers) check(hm.match, `${hm.invert ? 'withoutHeaders' : 'headers'}.${hm.name}`);
  for (const q of m.queryParams) check(q.match, `queryParams.${q.name}`);
  return problems;
}

function irMatch(m: HttpMatch): IrMatch {
  let headers: IrMatch['headers'] = NONE;
  const withHeaders = Object.keys(m.headers);
  const withoutHeaders = Object.keys(m.withoutHeaders);
  if (withHeaders.length + withoutHeaders.length > 0) {
    headers = [
      ...withHeaders.map((name) => ({ name, match: m.headers[name], invert: false })),
      ...withoutHeaders.map((name) => ({ name, match: m.withoutHeaders[name], invert: true })),
    ].sort((a, b) => compareNames(a, b) || Number(a.invert) - Number(b.invert));
  }
  const queryNames = Object.keys(m.queryParams);
  const queryParams =
    queryNames.length === 0
      ? NONE
      : queryNames.map((name) => ({ name, match: m.queryParams[name] })).sort(compareNames);
  return {
    path: m.uri,
    ignoreCase: m.ignoreUriCase,
    method: m.method,
    authority: m.authority,
    scheme: m.scheme,
    headers,
    queryParams,
  };
}

/** Matches every request: no conditions, or only `prefix: /`. Istio moves these after all other routes. */
export function isCatchAll(m: IrMatch): boolean {
  const pathAll = m.path === undefined || ('prefix' in m.path && m.path.prefix === '/');
  return (
    pathAll && !m.method && !m.authority && !m.scheme && m.headers.length === 0 && m.queryParams.length === 0
  );
}
