import { ErrorCodes } from './field-error.js';
import { readObjectMeta, resourceId, type ObjectMeta } from './object-meta.js';
import type { FieldReader } from './reader.js';

/**
 * Gateway API's ReferenceGrant (gateway.networking.k8s.io), as keyway reads it: in the namespace of
 * the Secrets, it lets Gateways of the `from` namespaces use the `to` Secrets (all of them when no
 * name is given). keyway honours the Gateway -> Secret reference only; other pairs are refused.
 */
export interface ReferenceGrant {
  kind: 'ReferenceGrant';
  id: string;
  meta: ObjectMeta;
  /** Namespaces whose Istio Gateways may refer. */
  fromNamespaces: string[];
  /** Secret names that may be used; undefined: every Secret of the grant's namespace. */
  toNames?: string[];
}

export const REFERENCE_GRANT_API_VERSIONS = [
  'gateway.networking.k8s.io/v1beta1',
  'gateway.networking.k8s.io/v1',
];

export function readReferenceGrant(r: FieldReader, obj: Record<string, unknown>): ReferenceGrant {
  const meta = readObjectMeta(r, obj.metadata);
  const spec = r.object(obj.spec, 'spec', true) ?? {};
  const fromNamespaces: string[] = [];
  r.array(spec.from, 'spec.from', true).forEach((v, i) => {
    const f = r.object(v, `spec.from[${i}]`, true) ?? {};
    const group = r.string(f.group, `spec.from[${i}].group`, true);
    const kind = r.string(f.kind, `spec.from[${i}].kind`, true);
    const ns = r.string(f.namespace, `spec.from[${i}].namespace`, true);
    if (group !== undefined && kind !== undefined && (group !== 'networking.istio.io' || kind !== 'Gateway'))
      r.fail(
        `spec.from[${i}]`,
        ErrorCodes.unsupported,
        'keyway grants only Istio Gateways (group networking.istio.io, kind Gateway)',
      );
    if (ns) fromNamespaces.push(ns);
  });
  let toNames: string[] | undefined = [];
  r.array(spec.to, 'spec.to', true).forEach((v, i) => {
    const t = r.object(v, `spec.to[${i}]`, true) ?? {};
    const group = r.string(t.group, `spec.to[${i}].group`) ?? '';
    const kind = r.string(t.kind, `spec.to[${i}].kind`, true);
    if (group !== '' || (kind !== undefined && kind !== 'Secret'))
      r.fail(`spec.to[${i}]`, ErrorCodes.unsupported, 'keyway grants only Secrets (group "", kind Secret)');
    const name = r.string(t.name, `spec.to[${i}].name`);
    if (name === undefined) toNames = undefined;
    else toNames?.push(name);
  });
  return {
    kind: 'ReferenceGrant',
    id: resourceId('ReferenceGrant', meta),
    meta,
    fromNamespaces,
    ...(toNames ? { toNames } : {}),
  };
}
