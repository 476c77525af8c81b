import { encodedMessage } from '#keyway/envoy-api';
import { oncePer } from './encoded-once.js';
import { envoyEnum, Enums } from './envoy-enum.js';
import type { HeaderOperation, HeaderOperations, StringMatch } from '#keyway/istio';
import type { IrAction, IrMatch, IrRoute, IrRouteTable, IrVirtualHost } from '#keyway/ir';
import { clusterName, durationOf, routeConfigName } from './names.js';

const REDIRECT_CODES: Record<number, string> = {
  301: 'MOVED_PERMANENTLY',
  302: 'FOUND',
  303: 'SEE_OTHER',
  307: 'TEMPORARY_REDIRECT',
  308: 'PERMANENT_REDIRECT',
};

const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

function stringMatcher(m: StringMatch): Record<string, unknown> {
  if ('exact' in m) return { exact: m.exact };
  if ('prefix' in m) return { prefix: m.prefix };
  return { safe_regex: { regex: m.regex } };
}

function routeMatch(m: IrMatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const path = m.path;
  if (!path) out.prefix = '/';
  else if ('exact' in path) out.path = path.exact;
  else if ('prefix' in path) out.prefix = path.prefix;
  else out.safe_regex = { regex: path.regex };
  if (m.ignoreCase) out.case_sensitive = { value: false };
  const headers: Record<string, unknown>[] = [];
  if (m.method) headers.push({ name: ':method', string_match: stringMatcher(m.method) });
  if (m.authority) headers.push({ name: ':authority', string_match: stringMatcher(m.authority) });
  if (m.scheme) headers.push({ name: ':scheme', string_match: stringMatcher(m.scheme) });
  for (const h of m.headers) {
    headers.push({
      name: h.name,
      string_match: stringMatcher(h.match),
      ...(h.invert ? { invert_match: true } : {}),
    });
  }
  if (headers.length > 0) out.headers = headers;
  if (m.queryParams.length > 0) {
    out.query_parameters = m.queryParams.map((q) => ({ name: q.name, string_match: stringMatcher(q.match) }));
  }
  return out;
}

function headerOps(
  ops: HeaderOperation | undefined,
  prefix: 'request' | 'response',
  out: Record<string, unknown>,
): void {
  if (!ops) return;
  const add = [
    ...Object.keys(ops.set)
      .sort()
      .map((k) => ({
        header: { key: k, value: ops.set[k] },
        append_action: envoyEnum(Enums.appendAction, 'OVERWRITE_IF_EXISTS_OR_ADD'),
      })),
    ...Object.keys(ops.add)
      .sort()
      .map((k) => ({
        header: { key: k, value: ops.add[k] },
        append_action: envoyEnum(Enums.appendAction, 'APPEND_IF_EXISTS_OR_ADD'),
      })),
  ];
  if (add.length > 0) out[`${prefix}_headers_to_add`] = add;
  if (ops.remove.length > 0) out[`${prefix}_headers_to_remove`] = [...ops.remove];
}

function applyHeaders(headers: HeaderOperations | undefined, out: Record<string, unknown>): void {
  headerOps(headers?.request, 'request', out);
  headerOps(headers?.response, 'response', out);
}

function routeAction(action: Extract<IrAction, { kind: 'forward' }>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (action.destinations.length === 1) out.cluster = clusterName(action.destinations[0].destination);
  else {
    out.weighted_clusters = {
      clusters: action.destinations.map((d) => {
        const c: Record<string, unknown> = { name: clusterName(d.destination), weight: { value: d.weight } };
        applyHeaders(d.headers, c);
        return c;
      }),
    };
  }
  // istiod disables Envoy's 15 s default: no timeout unless the VirtualService sets one.
  out.timeout = durationOf(action.timeoutMs ?? 0);
  if (action.rewrite?.uri !== undefined) out.prefix_rewrite = action.rewrite.uri;
  if (action.rewrite?.authority !== undefined) out.host_rewrite_literal = action.rewrite.authority;
  if (action.retries && action.retries.attempts > 0) {
    out.retry_policy = {
      retry_on: action.retries.retryOn ?? DEFAULT_RETRY_ON,
      num_retries: { value: action.retries.attempts },
      ...(action.retries.perTryTimeoutMs !== undefined
        ? { per_try_timeout: durationOf(action.retries.perTryTimeoutMs) }
        : {}),
    };
  }
  return out;
}

function route(r: IrRoute): Record<string, unknown> {
  const out: Record<string, unknown> = { match: routeMatch(r.match) };
  const a = r.action;
  if (a.kind === 'forward') out.route = routeAction(a);
  else if (a.kind === 'redirect') {
    const rd = a.redirect;
    out.redirect = {
      ...(rd.uri !== undefined ? { path_redirect: rd.uri } : {}),
      ...(rd.authority !== undefined ? { host_redirect: rd.authority } : {}),
      ...(rd.port !== undefined ? { port_redirect: rd.port } : {}),
      ...(rd.scheme !== undefined ? { scheme_redirect: rd.scheme } : {}),
      response_code: envoyEnum(Enums.redirectCode, REDIRECT_CODES[rd.redirectCode ?? 301]),
    };
  } else {
    out.direct_response = {
      status: a.status,
      ...(a.body !== undefined ? { body: { inline_string: a.body } } : {}),
    };
  }
  const name = `${r.source.resource}#http[${r.source.http}]${r.source.match !== undefined ? `.match[${r.source.match}]` : ''}`;
  out.name = r.name ? `${r.name}:${name}` : name;
  applyHeaders(r.headers, out);
  // A single destination's header operations apply to the whole route.
  if (a.kind === 'forward' && a.destinations.length === 1) applyHeaders(a.destinations[0].headers, out);
  return out;
}

function domains(host: string): string[] {
  if (host === '*') return ['*'];
  if (host.startsWith('*.')) return [host];
  return [host, `${host}:*`];
}

function virtualHost(vh: IrVirtualHost, port: number): Record<string, unknown> {
  return {
    name: `${vh.host}:${port}`,
    domains: domains(vh.host),
    routes: vh.routes.map(route),
    ...(vh.requireTls ? { require_tls: envoyEnum(Enums.tlsRequirement, 'ALL') } : {}),
  };
}

/**
 * A RouteConfiguration per HTTPS server (`https.<port>.<portName>.<gateway>.<namespace>`) or per plain
 * port (`http.<port>`). Requests for no listed host get Envoy's 404, except on a listener with other
 * filter chains, where any other host answers 421 so that a client that reused an HTTP/2 connection
 * (RFC 9110 §7.4, connection coalescing) opens a new one with the right SNI.
 */
export function buildRouteConfiguration(table: IrRouteTable): Record<string, unknown> {
  const hosts: unknown[] = table.virtualHosts.map((vh) => virtualHost(vh, table.port));
  if (table.misdirected && !table.virtualHosts.some((vh) => vh.host === '*')) {
    hosts.push(misdirectedHost(table.port));
  }
  return { name: routeConfigName(table), virtual_hosts: hosts, validate_clusters: FALSE };
}

const FALSE = { value: false };
/** The same on every table of a port, and on a multi-host listener every table has it: encoded once. */
const misdirectedHost = oncePer((port: number) =>
  encodedMessage('envoy.config.route.v3.VirtualHost', {
    name: `misdirected:${port}`,
    domains: ['*'],
    routes: [
      {
        name: 'misdirected',
        match: { prefix: '/' },
        direct_response: { status: 421, body: { inline_string: 'Misdirected Request\n' } },
      },
    ],
  }),
);
