import type { HeaderOperations, HttpMatch, HttpRoute, StringMatch, VirtualService } from '#keyway/istio';
import type { IrAction, IrCondition, IrMatch } from './model.js';
import { re2Problem } from './regex.js';
import { StatusCodes } from './status.js';

export interface DestinationTemplate {
  host: string;
  port?: number;
  weight: number;
  headers?: HeaderOperations;
  /** Field path of the destination host, for statuses. */
  field: string;
}

export type ActionTemplate =
  | (Omit<Extract<IrAction, { kind: 'forward' }>, 'destinations'> & { destinations: DestinationTemplate[] })
  | Exclude<IrAction, { kind: 'forward' }>;

export interface MatchEntry {
  matchIndex?: number;
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
  const gateways = [
    ...new Set(vs.gateways.map((g) => gatewayKey(g, ns)).filter((g): g is string => !!g)),
  ].sort();
  const routes: RouteTemplate[] = [];
  for (const h of vs.http) {
    const template = routeTemplate(h, ns, conditions);
    if (template) routes.push(template);
  }
  return { gateways, routes, conditions };
}

function routeTemplate(
  h: HttpRoute,
  namespace: string,
  conditions: IrCondition[],
): RouteTemplate | undefined {
  const f = `spec.http[${h.index}]`;
  const problems: IrCondition[] = [];
  const entries: MatchEntry[] = [];
  const matches: (HttpMatch | undefined)[] = h.match.length > 0 ? h.match : [undefined];
  matches.forEach((m, i) => {
    const match = m
      ? irMatch(m, `${f}.match[${i}]`, problems)
      : { ignoreCase: false, headers: [], queryParams: [] };
    const gateways =
      m && m.gateways.length > 0 ? m.gateways.map((g) => gatewayKey(g, namespace) ?? g) : undefined;
    entries.push({
      matchIndex: m ? i : undefined,
      match,
      gateways,
      port: m?.port,
      catchAll: isCatchAll(match),
    });
  });
  if (problems.length > 0) {
    conditions.push(...problems);
    return undefined;
  }
  return { httpIndex: h.index, name: h.name, entries, action: actionTemplate(h, f), headers: h.headers };
}

function actionTemplate(h: HttpRoute, f: string): ActionTemplate {
  if (h.redirect) return { kind: 'redirect', redirect: h.redirect };
  if (h.directResponse)
    return { kind: 'direct', status: h.directResponse.status, body: h.directResponse.body };
  const anyWeight = h.route.some((d) => d.weight !== undefined);
  const destinations = h.route
    .map((d, i) => ({
      host: d.destination.host,
      port: d.destination.port,
      weight: anyWeight ? (d.weight ?? 0) : h.route.length === 1 ? 100 : 1,
      headers: d.headers,
      field: `${f}.route[${i}].destination`,
    }))
    // Istio drops zero-weight destinations; Envoy would never pick them.
    .filter((d) => d.weight > 0);
  return {
    kind: 'forward',
    destinations,
    rewrite: h.rewrite,
    timeoutMs: h.timeoutMs,
    retries: h.retries,
  };
}

function irMatch(m: HttpMatch, f: string, problems: IrCondition[]): IrMatch {
  const check = (sm: StringMatch | undefined, field: string): void => {
    if (!sm || !('regex' in sm)) return;
    const problem = re2Problem(sm.regex);
    if (problem) {
      problems.push({
        field: `${field}.regex`,
        code: StatusCodes.invalidRegex,
        message: `"${sm.regex}" is not a valid RE2 expression: ${problem}`,
        severity: 'error',
      });
    }
  };
  check(m.uri, `${f}.uri`);
  check(m.method, `${f}.method`);
  check(m.authority, `${f}.authority`);
  check(m.scheme, `${f}.scheme`);
  const headers = [
    ...Object.entries(m.headers).map(([name, match]) => ({ name, match, invert: false })),
    ...Object.entries(m.withoutHeaders).map(([name, match]) => ({ name, match, invert: true })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : Number(a.invert) - Number(b.invert)));
  for (const hm of headers) check(hm.match, `${f}.${hm.invert ? 'withoutHeaders' : 'headers'}.${hm.name}`);
  const queryParams = Object.entries(m.queryParams)
    .map(([name, match]) => ({ name, match }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const q of queryParams) check(q.match, `${f}.queryParams.${q.name}`);
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
