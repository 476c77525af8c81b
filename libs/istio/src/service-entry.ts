import { ErrorCodes } from './field-error.js';
import { isValidHost } from './host.js';
import { readObjectMeta, resourceId, type ObjectMeta } from './object-meta.js';
import type { FieldReader } from './reader.js';

export const RESOLUTIONS = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export interface ServicePort {
  number: number;
  name: string;
  protocol?: string;
  targetPort?: number;
}

export interface WorkloadEntry {
  address: string;
  ports: Record<string, number>;
  labels: Record<string, string>;
  weight?: number;
}

export interface ServiceEntry {
  kind: 'ServiceEntry';
  id: string;
  meta: ObjectMeta;
  hosts: string[];
  ports: ServicePort[];
  location: 'MESH_EXTERNAL' | 'MESH_INTERNAL';
  resolution: Resolution;
  endpoints: WorkloadEntry[];
}

export function readServiceEntry(r: FieldReader, obj: Record<string, unknown>): ServiceEntry {
  const meta = readObjectMeta(r, obj.metadata);
  const spec = r.object(obj.spec, 'spec', true) ?? {};
  const hosts = r.stringArray(spec.hosts, 'spec.hosts', true).map((h) => h.toLowerCase());
  hosts.forEach((h, i) => {
    if (!isValidHost(h)) r.fail(`spec.hosts[${i}]`, ErrorCodes.invalidValue, `"${h}" is not a valid host`);
  });
  const ports = r.array(spec.ports, 'spec.ports', true).map((p, i) => {
    const f = `spec.ports[${i}]`;
    const o = r.object(p, f, true) ?? {};
    const number = r.integer(o.number, `${f}.number`, 1, 65535, true) ?? 0;
    return {
      number,
      name: r.string(o.name, `${f}.name`) ?? `port-${number}`,
      protocol: r.string(o.protocol, `${f}.protocol`),
      targetPort: r.integer(o.targetPort, `${f}.targetPort`, 1, 65535),
    };
  });
  const resolution = r.oneOf(spec.resolution, 'spec.resolution', RESOLUTIONS) ?? 'NONE';
  const location =
    r.oneOf(spec.location, 'spec.location', ['MESH_EXTERNAL', 'MESH_INTERNAL'] as const) ?? 'MESH_EXTERNAL';
  const endpoints = r.array(spec.endpoints, 'spec.endpoints').map((e, i) => {
    const f = `spec.endpoints[${i}]`;
    const o = r.object(e, f, true) ?? {};
    const ports: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.object(o.ports, `${f}.ports`) ?? {})) {
      const n = r.integer(v, `${f}.ports.${k}`, 1, 65535, true);
      if (n !== undefined) ports[k] = n;
    }
    return {
      address: r.string(o.address, `${f}.address`, true) ?? '',
      ports,
      labels: r.stringMap(o.labels, `${f}.labels`),
      weight: r.integer(o.weight, `${f}.weight`, 1, 2 ** 31 - 1),
    };
  });
  if (resolution === 'STATIC' && endpoints.length === 0) {
    r.fail('spec.endpoints', ErrorCodes.required, 'is required for resolution STATIC');
  }
  return {
    kind: 'ServiceEntry',
    id: resourceId('ServiceEntry', meta),
    meta,
    hosts,
    ports,
    location,
    resolution,
    endpoints,
  };
}
