import { durationMs } from '#keyway/routing';
import { parseEndpoints, type Endpoint } from './endpoints.js';
import type { FieldProblem, Parsed } from './resource-error.js';

/**
 * The protocol requests go upstream in: HTTP/1.1, HTTP/2 (prior knowledge, h2c: upstream TLS is not
 * supported), or the one the downstream request came in on.
 */
export type UpstreamProtocol = 'http1' | 'http2' | 'downstream';

export interface ClusterPlan {
  name: string;
  /** EDS: endpoints come from the ClusterLoadAssignment of this name. */
  edsServiceName?: string;
  /** STATIC / STRICT_DNS / LOGICAL_DNS: endpoints inline (host names resolve per connection). */
  endpoints?: Endpoint[];
  connectTimeoutMs: number;
  lbPolicy: 'ROUND_ROBIN' | 'RANDOM';
  /** Idle keep-alive connections kept per endpoint. */
  maxIdlePerEndpoint: number;
  protocol: UpstreamProtocol;
}

interface ClusterMessage {
  name?: string;
  type?: string;
  eds_cluster_config?: { service_name?: string };
  load_assignment?: Record<string, unknown>;
  connect_timeout?: { seconds?: string; nanos?: number };
  lb_policy?: string;
  transport_socket?: unknown;
  transport_socket_matches?: unknown[];
  cluster_type?: unknown;
  /** Deprecated in v3 but still honoured by Envoy: HTTP/2 to every endpoint. */
  http2_protocol_options?: unknown;
  protocol_selection?: string;
  typed_extension_protocol_options?: Record<string, HttpProtocolOptionsMessage | undefined>;
}

interface ProtocolChoice {
  http_protocol_options?: unknown;
  http2_protocol_options?: unknown;
  http3_protocol_options?: unknown;
}

interface HttpProtocolOptionsMessage {
  '@type'?: string;
  explicit_http_config?: ProtocolChoice;
  use_downstream_protocol_config?: ProtocolChoice;
  auto_config?: ProtocolChoice;
}

const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** Envoy's default connect timeout. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export function parseCluster(message: Record<string, unknown>): Parsed<ClusterPlan> {
  const c = message as ClusterMessage;
  const problems: FieldProblem[] = [];
  const type = c.type ?? 'STATIC';
  if (c.transport_socket !== undefined || c.transport_socket_matches?.length)
    problems.push({ field: 'transport_socket', message: 'upstream TLS is not supported by keyway gateway' });
  if (c.cluster_type !== undefined)
    problems.push({ field: 'cluster_type', message: 'custom cluster types are not supported' });
  const lb = c.lb_policy ?? 'ROUND_ROBIN';
  // Least-request picks like round robin when every endpoint is equally busy; say so instead of refusing.
  const lbPolicy = lb === 'RANDOM' ? 'RANDOM' : 'ROUND_ROBIN';
  if (!['ROUND_ROBIN', 'RANDOM', 'LEAST_REQUEST'].includes(lb))
    problems.push({ field: 'lb_policy', message: `${lb} is not supported` });
  const plan: ClusterPlan = {
    name: c.name ?? '',
    connectTimeoutMs: durationMs(c.connect_timeout) || DEFAULT_CONNECT_TIMEOUT_MS,
    lbPolicy,
    // Envoy keeps every upstream connection its circuit breaker allows (max_connections 1024) until idle.
    maxIdlePerEndpoint: 1024,
    protocol: upstreamProtocol(c, problems),
  };
  if (type === 'EDS') {
    plan.edsServiceName = c.eds_cluster_config?.service_name || plan.name;
  } else if (type === 'STATIC' || type === 'STRICT_DNS' || type === 'LOGICAL_DNS') {
    const parsed = parseEndpoints(c.load_assignment ?? {}, 'load_assignment');
    if (parsed.ok) plan.endpoints = parsed.value;
    else problems.push(...parsed.problems);
  } else {
    problems.push({ field: 'type', message: `${type} clusters are not supported` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: plan };
}

/** Which HTTP version the cluster asks for, as Envoy reads it (the typed options win over the legacy fields). */
function upstreamProtocol(c: ClusterMessage, problems: FieldProblem[]): UpstreamProtocol {
  const typed = c.typed_extension_protocol_options?.[HTTP_PROTOCOL_OPTIONS];
  const field = `typed_extension_protocol_options["${HTTP_PROTOCOL_OPTIONS}"]`;
  if (typed) {
    if (typed.explicit_http_config) {
      const e = typed.explicit_http_config;
      if (e.http3_protocol_options !== undefined)
        problems.push({
          field: `${field}.explicit_http_config`,
          message: 'HTTP/3 upstreams are not supported',
        });
      return e.http2_protocol_options !== undefined ? 'http2' : 'http1';
    }
    if (typed.use_downstream_protocol_config)
      return typed.use_downstream_protocol_config.http2_protocol_options !== undefined
        ? 'downstream'
        : 'http1';
    // auto_config picks by ALPN with the upstream; without upstream TLS that is HTTP/1.1.
    return 'http1';
  }
  if (c.http2_protocol_options === undefined) return 'http1';
  return c.protocol_selection === 'USE_DOWNSTREAM_PROTOCOL' ? 'downstream' : 'http2';
}
