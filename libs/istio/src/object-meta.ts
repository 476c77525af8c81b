import { ErrorCodes } from './field-error.js';
import type { FieldReader } from './reader.js';

export interface ObjectMeta {
  name: string;
  namespace: string;
  /** ISO timestamp; absent sorts first (as the oldest) only after present ones, see `compareAge`. */
  creationTimestamp?: string;
  labels: Record<string, string>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function readObjectMeta(r: FieldReader, value: unknown): ObjectMeta {
  const meta = r.object(value, 'metadata', true) ?? {};
  const name = r.string(meta.name, 'metadata.name', true) ?? '';
  if (name && (name.length > 253 || !DNS_SUBDOMAIN.test(name))) {
    r.fail('metadata.name', ErrorCodes.invalidValue, 'must be a lowercase DNS-1123 subdomain');
  }
  const namespace = r.string(meta.namespace, 'metadata.namespace') ?? 'default';
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    r.fail('metadata.namespace', ErrorCodes.invalidValue, 'must be a lowercase DNS-1123 label');
  }
  const created = meta.creationTimestamp;
  let creationTimestamp: string | undefined;
  // YAML parsers may hand back a Date for an unquoted timestamp.
  if (created instanceof Date) creationTimestamp = created.toISOString();
  else creationTimestamp = r.string(created, 'metadata.creationTimestamp');
  if (creationTimestamp !== undefined && Number.isNaN(Date.parse(creationTimestamp))) {
    r.fail('metadata.creationTimestamp', ErrorCodes.invalidValue, 'must be an RFC 3339 timestamp');
  }
  return { name, namespace, creationTimestamp, labels: r.stringMap(meta.labels, 'metadata.labels') };
}

/** `Kind/namespace/name`, the identity used in statuses and errors. */
export function resourceId(kind: string, meta: { namespace: string; name: string }): string {
  return `${kind}/${meta.namespace}/${meta.name}`;
}

/** Istio's tie-break: the oldest by creationTimestamp wins, then namespace/name in lexical order. */
export function compareAge(a: ObjectMeta, b: ObjectMeta): number {
  const ta = a.creationTimestamp ? Date.parse(a.creationTimestamp) : Number.POSITIVE_INFINITY;
  const tb = b.creationTimestamp ? Date.parse(b.creationTimestamp) : Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}
