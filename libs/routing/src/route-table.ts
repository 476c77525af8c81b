import { buildDomainIndex, stripPort, validDomain, type DomainIndex } from './domain-match.js';
import type { RouteConfiguration, VirtualHost } from './envoy-shapes.js';
import type { FieldProblem } from './field-error.js';
import { redirectLocation } from './redirect.js';
import { parseQuery, splitPath, type RoutableRequest } from './request.js';
import { compileAction, type CompiledAction } from './route-action.js';
import { compileRouteMatch, type CompiledRouteMatch, type MatchInput } from './route-match.js';
import { retryDescriptor, type RetryDescriptor } from './retry-policy.js';
import { rewritePath } from './rewrite.js';
import { pickWeighted } from './weighted-clusters.js';

export type RouteDecision =
  | { kind: 'not-found'; virtualHost?: string }
  | { kind: 'redirect'; status: number; location: string; virtualHost: string; route?: string }
  | { kind: 'direct'; status: number; body?: Buffer; virtualHost: string; route?: string }
  | {
      kind: 'forward';
      cluster: string;
      /** The upstream :path, rewritten, with the query string. */
      path: string;
      hostRewrite?: string;
      autoHostRewrite: boolean;
      timeoutMs?: number;
      idleTimeoutMs?: number;
      retry?: RetryDescriptor;
      virtualHost: string;
      route?: string;
    };

export interface RouteTable {
  readonly name: string;
  /** `random` in [0, 1) picks among weighted clusters. */
  route(request: RoutableRequest, random?: number): RouteDecision;
}

interface CompiledRoute {
  name?: string;
  match: CompiledRouteMatch;
  action: CompiledAction;
}

interface CompiledVirtualHost {
  name: string;
  requireTls: boolean;
  routes: CompiledRoute[];
}

export type CompileResult = { ok: true; table: RouteTable } | { ok: false; errors: FieldProblem[] };

/**
 * Compiles a decoded RouteConfiguration into a matcher. Every problem is returned with its field
 * path, so the xDS client can NACK the whole resource and keep the last good one.
 */
export function compileRouteConfiguration(config: RouteConfiguration): CompileResult {
  const errors: FieldProblem[] = [];
  const seen = new Map<string, string>();
  const hosts: Array<{ domains: string[]; value: CompiledVirtualHost }> = [];
  (config.virtual_hosts ?? []).forEach((vh, i) => {
    const compiled = compileVirtualHost(vh, `virtual_hosts[${i}]`, errors);
    const domains = vh.domains ?? [];
    if (domains.length === 0)
      errors.push({ field: `virtual_hosts[${i}].domains`, message: 'at least one domain is required' });
    domains.forEach((d, j) => {
      const field = `virtual_hosts[${i}].domains[${j}]`;
      if (!validDomain(d))
        errors.push({ field, message: `invalid domain "${d}": one wildcard, at the start or the end` });
      const key = d.toLowerCase();
      const other = seen.get(key);
      if (other !== undefined)
        errors.push({ field, message: `domain "${d}" is also in virtual host ${other}` });
      else seen.set(key, compiled.name);
    });
    hosts.push({ domains, value: compiled });
  });
  if (errors.length > 0) return { ok: false, errors };
  const index = buildDomainIndex(hosts);
  const stripHostPort = config.ignore_port_in_host_matching === true;
  return { ok: true, table: new CompiledRouteTable(config.name ?? '', index, stripHostPort) };
}

function compileVirtualHost(vh: VirtualHost, field: string, errors: FieldProblem[]): CompiledVirtualHost {
  const vhRetry = retryDescriptor(vh.retry_policy);
  const routes: CompiledRoute[] = [];
  (vh.routes ?? []).forEach((r, i) => {
    const routeField = `${field}.routes[${i}]`;
    const match = compileRouteMatch(r.match, `${routeField}.match`);
    const action = compileAction(r, routeField, vhRetry);
    if (Array.isArray(match)) errors.push(...match);
    if (Array.isArray(action)) errors.push(...action);
    if (!Array.isArray(match) && !Array.isArray(action)) routes.push({ name: r.name, match, action });
  });
  const requireTls = vh.require_tls === 'ALL' || vh.require_tls === 'EXTERNAL_ONLY';
  return { name: vh.name ?? '', requireTls, routes };
}

class CompiledRouteTable implements RouteTable {
  constructor(
    readonly name: string,
    private readonly index: DomainIndex<CompiledVirtualHost>,
    private readonly stripHostPort: boolean,
  ) {}

  route(request: RoutableRequest, random = Math.random()): RouteDecision {
    const host = this.stripHostPort ? stripPort(request.authority) : request.authority;
    const vh = this.index.lookup(host);
    if (!vh) return { kind: 'not-found' };
    const { pathOnly, query } = splitPath(request.path);
    if (vh.requireTls && request.scheme === 'http') {
      const location = redirectLocation(
        { https_redirect: true },
        { scheme: request.scheme, authority: request.authority, pathOnly, query },
      );
      return { kind: 'redirect', status: 301, location, virtualHost: vh.name };
    }
    const input = new RouteInput(pathOnly, query, request);
    for (const r of vh.routes) {
      if (!r.match.test(input)) continue;
      return decide(r, vh, request, pathOnly, query, random);
    }
    return { kind: 'not-found', virtualHost: vh.name };
  }
}

/** What route matches read of a request; the query string is parsed only if a route asks for a parameter. */
class RouteInput implements MatchInput {
  #parameters?: Map<string, string>;
  readonly header: (name: string) => string | undefined;

  constructor(
    readonly pathOnly: string,
    private readonly rawQuery: string | undefined,
    request: RoutableRequest,
  ) {
    this.header = (name) => request.header(name);
  }

  get query(): Map<string, string> {
    return (this.#parameters ??= parseQuery(this.rawQuery));
  }
}

function decide(
  r: CompiledRoute,
  vh: CompiledVirtualHost,
  request: RoutableRequest,
  pathOnly: string,
  query: string | undefined,
  random: number,
): RouteDecision {
  // Decisions are built field by field: a spread into an object literal is a slow copy per request.
  const a = r.action;
  if (a.kind === 'direct')
    return { kind: 'direct', status: a.status, body: a.body, virtualHost: vh.name, route: r.name };
  const rewritten = a.rewrite ? rewritePath(a.rewrite, r.match, pathOnly) : undefined;
  if (a.kind === 'redirect') {
    const location = redirectLocation(a.action, {
      scheme: request.scheme,
      authority: request.authority,
      pathOnly,
      query,
      rewrittenPath: rewritten,
    });
    return { kind: 'redirect', status: a.status, location, virtualHost: vh.name, route: r.name };
  }
  const cluster =
    a.cluster ??
    (a.clusterHeader ? request.header(a.clusterHeader) : undefined) ??
    (a.weighted ? pickWeighted(a.weighted, random) : undefined);
  // Envoy answers 404 when cluster_header names no cluster.
  if (!cluster) return { kind: 'not-found', virtualHost: vh.name };
  return {
    kind: 'forward',
    cluster,
    path: query !== undefined ? `${rewritten ?? pathOnly}?${query}` : (rewritten ?? pathOnly),
    hostRewrite: a.hostRewrite,
    autoHostRewrite: a.autoHostRewrite,
    timeoutMs: a.timeoutMs,
    idleTimeoutMs: a.idleTimeoutMs,
    retry: a.retry,
    virtualHost: vh.name,
    route: r.name,
  };
}
