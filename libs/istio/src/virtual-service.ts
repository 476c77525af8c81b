import { ErrorCodes } from './field-error.js';
import { isValidHost } from './host.js';
import { readObjectMeta, resourceId, type ObjectMeta } from './object-meta.js';
import type { FieldReader } from './reader.js';
import { readHttpRoute, type HttpRoute } from './http-route.js';
import { readDestination, type RouteDestination } from './destination.js';

export interface TlsRoute {
  index: number;
  match: { sniHosts: string[]; port?: number; gateways: string[] }[];
  route: RouteDestination[];
}

export interface VirtualService {
  kind: 'VirtualService';
  id: string;
  meta: ObjectMeta;
  hosts: string[];
  /** As written: `name`, `namespace/name` or `mesh`. */
  gateways: string[];
  http: HttpRoute[];
  tls: TlsRoute[];
}

export function readVirtualService(r: FieldReader, obj: Record<string, unknown>): VirtualService {
  const meta = readObjectMeta(r, obj.metadata);
  const spec = r.object(obj.spec, 'spec', true) ?? {};
  const hosts = r.stringArray(spec.hosts, 'spec.hosts', true).map((h) => h.toLowerCase());
  hosts.forEach((h, i) => {
    if (!isValidHost(h)) r.fail(`spec.hosts[${i}]`, ErrorCodes.invalidValue, `"${h}" is not a valid host`);
  });
  const gateways = r.stringArray(spec.gateways, 'spec.gateways');
  const http = r
    .array(spec.http, 'spec.http')
    .map((h, i) => readHttpRoute(r, h, `spec.http[${i}]`, i))
    .filter((h): h is HttpRoute => h !== undefined);
  const tls = r
    .array(spec.tls, 'spec.tls')
    .map((t, i) => readTlsRoute(r, t, `spec.tls[${i}]`, i))
    .filter((t): t is TlsRoute => t !== undefined);
  if (spec.tcp !== undefined)
    r.fail('spec.tcp', ErrorCodes.unsupported, 'tcp routes are not supported by keyway gateways');
  return { kind: 'VirtualService', id: resourceId('VirtualService', meta), meta, hosts, gateways, http, tls };
}

function readTlsRoute(r: FieldReader, value: unknown, f: string, index: number): TlsRoute | undefined {
  const t = r.object(value, f, true);
  if (!t) return undefined;
  const match = r.array(t.match, `${f}.match`, true).map((m, i) => {
    const mf = `${f}.match[${i}]`;
    const o = r.object(m, mf, true) ?? {};
    return {
      sniHosts: r.stringArray(o.sniHosts, `${mf}.sniHosts`, true).map((h) => h.toLowerCase()),
      port: r.integer(o.port, `${mf}.port`, 1, 65535),
      gateways: r.stringArray(o.gateways, `${mf}.gateways`),
    };
  });
  const route = r
    .array(t.route, `${f}.route`, true)
    .map((d, i) => readDestination(r, d, `${f}.route[${i}]`))
    .filter((d): d is RouteDestination => d !== undefined);
  return { index, match, route };
}
