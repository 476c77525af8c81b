import { ExtensionTypeUrl } from '#keyway/envoy-api';
import {
  compileRouteConfiguration,
  criteriaKey,
  formatRoutingErrors,
  type ClusterWeight,
  type FilterChainCriteria,
  type RouteConfiguration,
  type RouteTable,
} from '#keyway/routing';
import type { FieldProblem, Parsed } from './resource-error.js';
import { parseDownstreamTls, type ChainTls } from './tls-context.js';

export type ChainApplication =
  | {
      kind: 'http';
      /** RDS name, or undefined with an inline table. */
      routeConfigName?: string;
      inlineRoutes?: RouteTable;
      stripAnyHostPort: boolean;
    }
  | { kind: 'tcp'; clusters: ClusterWeight[] };

export interface ChainPlan {
  /** Unique within the listener: the chain's name, else its index. */
  name: string;
  criteria: FilterChainCriteria;
  tls?: ChainTls;
  app: ChainApplication;
  /** Stable text of the chain's configuration: equal keys mean an unchanged chain. */
  signature: string;
}

export interface ListenerPlan {
  name: string;
  address: string;
  port: number;
  chains: ChainPlan[];
  defaultChain?: ChainPlan;
}

interface FilterChainMessage {
  name?: string;
  filter_chain_match?: {
    destination_port?: { value?: number };
    server_names?: string[];
    transport_protocol?: string;
    application_protocols?: string[];
    prefix_ranges?: unknown[];
    source_prefix_ranges?: unknown[];
    direct_source_prefix_ranges?: unknown[];
    source_ports?: unknown[];
    source_type?: string;
  };
  filters?: Array<{ name?: string; typed_config?: Record<string, unknown> & { '@type'?: string } }>;
  transport_socket?: { name?: string; typed_config?: Record<string, unknown> & { '@type'?: string } };
}

interface ListenerMessage {
  name?: string;
  address?: { socket_address?: { address?: string; port_value?: number; protocol?: string } };
  filter_chains?: FilterChainMessage[];
  default_filter_chain?: FilterChainMessage;
  listener_filters?: Array<{ name?: string; typed_config?: { '@type'?: string } }>;
}

const ROUTER = ExtensionTypeUrl.Router;

/** Turns a decoded Listener into what the data plane runs; every problem carries its field path. */
export function parseListener(message: Record<string, unknown>): Parsed<ListenerPlan> {
  const l = message as ListenerMessage;
  const problems: FieldProblem[] = [];
  const sa = l.address?.socket_address;
  if (!sa || sa.port_value === undefined)
    problems.push({
      field: 'address.socket_address',
      message: 'a socket address with port_value is required',
    });
  if (sa?.protocol === 'UDP')
    problems.push({ field: 'address.socket_address.protocol', message: 'UDP listeners are not supported' });
  const chains = (l.filter_chains ?? []).map((c, i) =>
    parseChain(c, `filter_chains[${i}]`, String(i), problems),
  );
  const defaultChain = l.default_filter_chain
    ? parseChain(l.default_filter_chain, 'default_filter_chain', 'default_filter_chain', problems)
    : undefined;
  if (chains.length === 0 && !defaultChain)
    problems.push({ field: 'filter_chains', message: 'at least one filter chain is required' });
  const names = new Set<string>();
  [...chains, ...(defaultChain ? [defaultChain] : [])].forEach((c, i) => {
    if (names.has(c.name))
      problems.push({ field: `filter_chains[${i}].name`, message: `duplicate filter chain name ${c.name}` });
    names.add(c.name);
  });
  const seen = new Map<string, number>();
  chains.forEach((c, i) => {
    const key = criteriaKey(c.criteria);
    const other = seen.get(key);
    if (other !== undefined)
      problems.push({
        field: `filter_chains[${i}].filter_chain_match`,
        message: `same match as filter_chains[${other}]`,
      });
    else seen.set(key, i);
  });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      name: l.name ?? '',
      address: sa!.address || '0.0.0.0',
      port: sa!.port_value!,
      chains,
      defaultChain,
    },
  };
}

function parseChain(
  c: FilterChainMessage,
  field: string,
  fallbackName: string,
  problems: FieldProblem[],
): ChainPlan {
  const m = c.filter_chain_match ?? {};
  for (const unsupported of [
    'prefix_ranges',
    'source_prefix_ranges',
    'direct_source_prefix_ranges',
    'source_ports',
  ] as const) {
    if (m[unsupported]?.length)
      problems.push({
        field: `${field}.filter_chain_match.${unsupported}`,
        message: 'not supported by keyway gateway',
      });
  }
  if (m.source_type && m.source_type !== 'ANY')
    problems.push({
      field: `${field}.filter_chain_match.source_type`,
      message: 'not supported by keyway gateway',
    });
  const criteria: FilterChainCriteria = {
    destinationPort: m.destination_port?.value,
    serverNames: [...(m.server_names ?? [])].map((s) => s.toLowerCase()),
    transportProtocol: m.transport_protocol || undefined,
    applicationProtocols: [...(m.application_protocols ?? [])],
  };
  criteria.serverNames.forEach((s, i) => {
    if (s.includes('*') && !(s.startsWith('*.') && s.indexOf('*', 1) < 0))
      problems.push({
        field: `${field}.filter_chain_match.server_names[${i}]`,
        message: `"${s}": only a leading "*." wildcard is allowed`,
      });
  });
  let tls: ChainTls | undefined;
  const ts = c.transport_socket;
  if (ts) {
    const type = ts.typed_config?.['@type'];
    if (type === ExtensionTypeUrl.DownstreamTlsContext)
      tls = parseDownstreamTls(ts.typed_config!, `${field}.transport_socket.typed_config`, problems);
    else if (ts.name !== 'envoy.transport_sockets.raw_buffer')
      problems.push({
        field: `${field}.transport_socket`,
        message: `unsupported transport socket ${type ?? ts.name}`,
      });
  }
  const app = parseApplication(c.filters ?? [], `${field}.filters`, problems);
  if (app.kind === 'tcp' && tls)
    problems.push({
      field: `${field}.transport_socket`,
      message: 'TLS termination in front of tcp_proxy is not supported',
    });
  const name = c.name || fallbackName;
  const signature = JSON.stringify({ criteria, c: { ...c, name } });
  return { name, criteria, tls, app, signature };
}

function parseApplication(
  filters: NonNullable<FilterChainMessage['filters']>,
  field: string,
  problems: FieldProblem[],
): ChainApplication {
  // The last filter terminates the chain; earlier ones (stats, metadata exchange) have no effect here.
  const last = filters[filters.length - 1];
  const type = last?.typed_config?.['@type'];
  const at = `${field}[${filters.length - 1}]`;
  if (type === ExtensionTypeUrl.HttpConnectionManager)
    return parseHcm(last!.typed_config as HcmMessage, `${at}.typed_config`, problems);
  if (type === ExtensionTypeUrl.TcpProxy)
    return parseTcpProxy(last!.typed_config as TcpProxyMessage, `${at}.typed_config`, problems);
  problems.push({
    field: filters.length ? at : field,
    message: 'the last filter must be http_connection_manager or tcp_proxy',
  });
  return { kind: 'tcp', clusters: [] };
}

interface HcmMessage {
  rds?: { route_config_name?: string };
  route_config?: RouteConfiguration;
  scoped_routes?: unknown;
  http_filters?: Array<{ name?: string; typed_config?: { '@type'?: string } }>;
  strip_any_host_port?: boolean;
}

function parseHcm(hcm: HcmMessage, field: string, problems: FieldProblem[]): ChainApplication {
  const filters = hcm.http_filters ?? [];
  const last = filters[filters.length - 1];
  if (last?.typed_config?.['@type'] !== ROUTER && last?.name !== 'envoy.filters.http.router') {
    problems.push({ field: `${field}.http_filters`, message: 'the last HTTP filter must be the router' });
  }
  if (hcm.scoped_routes !== undefined)
    problems.push({ field: `${field}.scoped_routes`, message: 'not supported by keyway gateway' });
  const stripAnyHostPort = hcm.strip_any_host_port === true;
  if (hcm.rds?.route_config_name)
    return { kind: 'http', routeConfigName: hcm.rds.route_config_name, stripAnyHostPort };
  if (hcm.route_config) {
    // strip_any_host_port is applied per request by the chain (as for RDS), not by the table.
    const compiled = compileRouteConfiguration(hcm.route_config);
    if (!compiled.ok) {
      problems.push({
        field: `${field}.route_config`,
        message: formatRoutingErrors('route_config', compiled.errors),
      });
      return { kind: 'http', stripAnyHostPort };
    }
    return { kind: 'http', inlineRoutes: compiled.table, stripAnyHostPort };
  }
  problems.push({ field, message: 'rds.route_config_name or route_config is required' });
  return { kind: 'http', stripAnyHostPort };
}

interface TcpProxyMessage {
  cluster?: string;
  weighted_clusters?: { clusters?: Array<{ name?: string; weight?: number }> };
}

function parseTcpProxy(tcp: TcpProxyMessage, field: string, problems: FieldProblem[]): ChainApplication {
  if (tcp.cluster) return { kind: 'tcp', clusters: [{ name: tcp.cluster, weight: 1 }] };
  const clusters = (tcp.weighted_clusters?.clusters ?? []).map((c) => ({
    name: c.name ?? '',
    weight: c.weight ?? 0,
  }));
  if (clusters.length === 0 || clusters.some((c) => !c.name) || clusters.every((c) => c.weight <= 0)) {
    problems.push({
      field,
      message: 'cluster or weighted_clusters with named, weighted clusters is required',
    });
  }
  return { kind: 'tcp', clusters };
}
