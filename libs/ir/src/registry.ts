import type { EndpointSlice, KubeService, ServiceEntry } from '#keyway/istio';
import type { IrCluster, IrDestination, IrEndpoint } from './model.js';

export const DEFAULT_DOMAIN_SUFFIX = 'cluster.local';

interface ServiceRecord {
  host: string;
  ports: { number: number; name: string; targetPort?: number }[];
  source: { kind: 'Service'; service: KubeService } | { kind: 'ServiceEntry'; entry: ServiceEntry };
  /** One destination object per port, so that builds can compare and dedupe destinations by identity. */
  destinations?: Map<number, IrDestination>;
}

export type Resolution = { ok: true; destination: IrDestination } | { ok: false; reason: string };

/**
 * Hosts a route may send to: Kubernetes Services (as `<name>.<ns>.svc.<suffix>`) and ServiceEntry hosts
 * as given. The oldest declaration of a host wins, as in Istio.
 */
export class ServiceRegistry {
  private readonly byHost = new Map<string, ServiceRecord>();
  private readonly slicesByService = new Map<string, EndpointSlice[]>();
  /** Short names expanded per namespace: every route asks, and the concatenation is not free. */
  private readonly fqdns = new Map<string, Map<string, string>>();

  constructor(
    services: readonly KubeService[],
    endpointSlices: readonly EndpointSlice[],
    serviceEntries: readonly ServiceEntry[],
    readonly domainSuffix = DEFAULT_DOMAIN_SUFFIX,
  ) {
    for (const s of services) {
      const host = `${s.meta.name}.${s.meta.namespace}.svc.${domainSuffix}`;
      this.add({
        host,
        ports: s.ports.map((p) => ({
          number: p.port,
          name: p.name,
          targetPort: typeof p.targetPort === 'number' ? p.targetPort : undefined,
        })),
        source: { kind: 'Service', service: s },
      });
    }
    for (const e of serviceEntries) {
      for (const host of e.hosts) {
        this.add({ host, ports: e.ports, source: { kind: 'ServiceEntry', entry: e } });
      }
    }
    for (const slice of endpointSlices) {
      const key = `${slice.meta.namespace}/${slice.serviceName}`;
      const list = this.slicesByService.get(key);
      if (list) list.push(slice);
      else this.slicesByService.set(key, [slice]);
    }
  }

  private add(record: ServiceRecord): void {
    if (!this.byHost.has(record.host)) this.byHost.set(record.host, record);
  }

  /** Istio's rule: a name without dots is a Service in the VirtualService's namespace. */
  fqdn(host: string, namespace: string): string {
    if (host.includes('.')) return host;
    let inNamespace = this.fqdns.get(namespace);
    if (!inNamespace) this.fqdns.set(namespace, (inNamespace = new Map()));
    let fqdn = inNamespace.get(host);
    if (fqdn === undefined) inNamespace.set(host, (fqdn = `${host}.${namespace}.svc.${this.domainSuffix}`));
    return fqdn;
  }

  private destination(record: ServiceRecord, port: number): IrDestination {
    record.destinations ??= new Map();
    let d = record.destinations.get(port);
    if (!d) record.destinations.set(port, (d = { host: record.host, port }));
    return d;
  }

  resolve(host: string, port: number | undefined, namespace: string): Resolution {
    const fqdn = this.fqdn(host, namespace);
    const record = this.byHost.get(fqdn);
    if (!record) return { ok: false, reason: `no Service or ServiceEntry for host "${fqdn}"` };
    if (port === undefined) {
      if (record.ports.length === 1)
        return { ok: true, destination: this.destination(record, record.ports[0].number) };
      return {
        ok: false,
        reason: `"${fqdn}" has ${record.ports.length} ports: destination.port is required`,
      };
    }
    if (!record.ports.some((p) => p.number === port)) {
      return { ok: false, reason: `"${fqdn}" has no port ${port}` };
    }
    return { ok: true, destination: this.destination(record, port) };
  }

  /** The resource declaring a host (Service or ServiceEntry), by identity: memos compare it. */
  sourceOf(fqdn: string): object | undefined {
    const record = this.byHost.get(fqdn);
    if (!record) return undefined;
    return record.source.kind === 'ServiceEntry' ? record.source.entry : record.source.service;
  }

  /** The EndpointSlices behind a host (empty for ServiceEntries). */
  slicesOf(fqdn: string): readonly EndpointSlice[] {
    const record = this.byHost.get(fqdn);
    if (!record || record.source.kind !== 'Service') return [];
    const svc = record.source.service;
    return this.slicesByService.get(`${svc.meta.namespace}/${svc.meta.name}`) ?? [];
  }

  /** The cluster for a resolved destination, with its current endpoints (sorted). */
  cluster(destination: IrDestination): IrCluster {
    const record = this.byHost.get(destination.host);
    const port = record?.ports.find((p) => p.number === destination.port);
    if (!record || !port) return { destination, discovery: 'eds', endpoints: [] };
    if (record.source.kind === 'ServiceEntry') {
      const entry = record.source.entry;
      const dns = entry.resolution === 'DNS' || entry.resolution === 'DNS_ROUND_ROBIN';
      const target = port.targetPort ?? port.number;
      let endpoints: IrEndpoint[] = entry.endpoints.map((e) => ({
        address: e.address,
        port: e.ports[port.name] ?? target,
        ...(e.weight !== undefined ? { weight: e.weight } : {}),
      }));
      if (dns && endpoints.length === 0) endpoints = [{ address: destination.host, port: target }];
      return { destination, discovery: dns ? 'dns' : 'eds', endpoints: sortEndpoints(endpoints) };
    }
    const svc = record.source.service;
    const slices = this.slicesByService.get(`${svc.meta.namespace}/${svc.meta.name}`) ?? [];
    const endpoints: IrEndpoint[] = [];
    for (const slice of slices) {
      const slicePort =
        slice.ports.find((p) => p.name === port.name) ??
        (slice.ports.length === 1 ? slice.ports[0] : undefined);
      if (!slicePort) continue;
      for (const e of slice.endpoints) {
        if (!e.ready) continue;
        for (const address of e.addresses) endpoints.push({ address, port: slicePort.port });
      }
    }
    return { destination, discovery: 'eds', endpoints: sortEndpoints(endpoints) };
  }
}

function sortEndpoints(endpoints: IrEndpoint[]): IrEndpoint[] {
  const seen = new Set<string>();
  return endpoints
    .filter((e) => {
      const k = `${e.address}:${e.port}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port));
}
