import { readObjectMeta, resourceId, type ObjectMeta } from './object-meta.js';
import type { FieldReader } from './reader.js';

/** The part of a Kubernetes Service a route destination needs: its name and ports. */
export interface KubeService {
  kind: 'Service';
  id: string;
  meta: ObjectMeta;
  ports: { name: string; port: number; targetPort?: number | string; protocol: string }[];
}

export interface EndpointSlice {
  kind: 'EndpointSlice';
  id: string;
  meta: ObjectMeta;
  /** From the `kubernetes.io/service-name` label. */
  serviceName: string;
  addressType: string;
  ports: { name: string; port: number }[];
  endpoints: { addresses: string[]; ready: boolean }[];
}

export function readKubeService(r: FieldReader, obj: Record<string, unknown>): KubeService {
  const meta = readObjectMeta(r, obj.metadata);
  const spec = r.object(obj.spec, 'spec', true) ?? {};
  const ports = r.array(spec.ports, 'spec.ports').map((p, i) => {
    const f = `spec.ports[${i}]`;
    const o = r.object(p, f, true) ?? {};
    const targetPort =
      typeof o.targetPort === 'string' ? o.targetPort : r.integer(o.targetPort, `${f}.targetPort`, 1, 65535);
    return {
      name: r.string(o.name, `${f}.name`) ?? '',
      port: r.integer(o.port, `${f}.port`, 1, 65535, true) ?? 0,
      targetPort,
      protocol: r.string(o.protocol, `${f}.protocol`) ?? 'TCP',
    };
  });
  return { kind: 'Service', id: resourceId('Service', meta), meta, ports };
}

export function readEndpointSlice(r: FieldReader, obj: Record<string, unknown>): EndpointSlice {
  const meta = readObjectMeta(r, obj.metadata);
  const serviceName = meta.labels['kubernetes.io/service-name'] ?? '';
  if (!serviceName) r.fail('metadata.labels', 'required', 'kubernetes.io/service-name label is required');
  const ports = r.array(obj.ports, 'ports').map((p, i) => {
    const o = r.object(p, `ports[${i}]`, true) ?? {};
    return {
      name: r.string(o.name, `ports[${i}].name`) ?? '',
      port: r.integer(o.port, `ports[${i}].port`, 1, 65535) ?? 0,
    };
  });
  const endpoints = r.array(obj.endpoints, 'endpoints').map((e, i) => {
    const o = r.object(e, `endpoints[${i}]`, true) ?? {};
    const conditions = r.object(o.conditions, `endpoints[${i}].conditions`) ?? {};
    // Kubernetes: a nil ready condition means ready.
    const ready = r.boolean(conditions.ready, `endpoints[${i}].conditions.ready`) ?? true;
    return { addresses: r.stringArray(o.addresses, `endpoints[${i}].addresses`, true), ready };
  });
  return {
    kind: 'EndpointSlice',
    id: resourceId('EndpointSlice', meta),
    meta,
    serviceName,
    addressType: r.string(obj.addressType, 'addressType') ?? 'IPv4',
    ports,
    endpoints,
  };
}
