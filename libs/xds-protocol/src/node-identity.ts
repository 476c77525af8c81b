import type { StructFieldValue, StructMessage, XdsNode } from './wire.js';

/** What the server reads from `node`: Istio's `NAMESPACE` and `LABELS` metadata, as istiod does. */
export interface NodeIdentity {
  id: string;
  cluster: string;
  /** From `metadata.NAMESPACE`, else the fourth part of an Istio node id `type~ip~pod.ns~ns.svc.cluster.local`. */
  namespace?: string;
  labels: Record<string, string>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function structValueToJson(value: StructFieldValue | null | undefined): Json {
  if (!value) return null;
  const kind = value.kind?.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  const string = value.stringValue ?? value.string_value;
  const number = value.numberValue ?? value.number_value;
  const bool = value.boolValue ?? value.bool_value;
  const struct = value.structValue ?? value.struct_value;
  const list = value.listValue ?? value.list_value;
  if (kind === 'stringValue' || (!kind && typeof string === 'string')) return string ?? '';
  if (kind === 'numberValue' || (!kind && typeof number === 'number')) return number ?? 0;
  if (kind === 'boolValue' || (!kind && typeof bool === 'boolean')) return bool ?? false;
  if (kind === 'structValue' || (!kind && struct)) return structToJson(struct);
  if (kind === 'listValue' || (!kind && list)) return (list?.values ?? []).map(structValueToJson);
  return null;
}

export function structToJson(struct: StructMessage | null | undefined): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) out[key] = structValueToJson(value);
  return out;
}

export function readNodeIdentity(node: XdsNode): NodeIdentity {
  const metadata = structToJson(node.metadata);
  const id = typeof node.id === 'string' ? node.id : '';
  const fromMetadata =
    typeof metadata.NAMESPACE === 'string' && metadata.NAMESPACE ? metadata.NAMESPACE : undefined;
  const labels: Record<string, string> = {};
  const rawLabels = metadata.LABELS;
  if (rawLabels && typeof rawLabels === 'object' && !Array.isArray(rawLabels)) {
    for (const [key, value] of Object.entries(rawLabels)) if (typeof value === 'string') labels[key] = value;
  }
  return {
    id,
    cluster: typeof node.cluster === 'string' ? node.cluster : '',
    namespace: fromMetadata ?? namespaceFromIstioNodeId(id),
    labels,
  };
}

/** `router~10.0.0.1~gw-abc.istio-system~istio-system.svc.cluster.local` -> `istio-system`. */
export function namespaceFromIstioNodeId(id: string): string | undefined {
  const parts = id.split('~');
  if (parts.length !== 4) return undefined;
  const ns = parts[3].split('.')[0];
  return ns || undefined;
}
