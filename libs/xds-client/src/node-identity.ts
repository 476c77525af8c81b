import type { StructMessage, StructValue, XdsNode } from './wire.js';

export interface NodeIdentityOptions {
  /** Istio style: `router~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local`. */
  id: string;
  cluster?: string;
  namespace: string;
  labels: Record<string, string>;
  /** Extra string metadata fields, sent beside NAMESPACE and LABELS. */
  metadata?: Record<string, string>;
  userAgentVersion?: string;
}

/** The `node` of every request: id plus NAMESPACE and LABELS metadata, as istio-agent sends them. */
export function buildNode(options: NodeIdentityOptions): XdsNode {
  const labelFields: Record<string, StructValue> = {};
  for (const key of Object.keys(options.labels).sort())
    labelFields[key] = { stringValue: options.labels[key] };
  const fields: Record<string, StructValue> = {};
  for (const [key, value] of Object.entries(options.metadata ?? {})) fields[key] = { stringValue: value };
  fields.NAMESPACE = { stringValue: options.namespace };
  fields.LABELS = { structValue: { fields: labelFields } };
  const metadata: StructMessage = { fields };
  return {
    id: options.id,
    cluster: options.cluster ?? '',
    metadata,
    user_agent_name: 'keyway-gateway',
    user_agent_version: options.userAgentVersion,
  };
}

/** An Istio-shaped router node id for a gateway replica. */
export function istioRouterNodeId(ip: string, pod: string, namespace: string): string {
  return `router~${ip}~${pod}.${namespace}~${namespace}.svc.cluster.local`;
}
