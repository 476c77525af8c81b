import { durationMs } from '#keyway/routing';
import { parseEndpoints, type Endpoint } from './endpoints.js';
import type { FieldProblem, Parsed } from './resource-error.js';

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
}

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
    maxIdlePerEndpoint: 64,
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
