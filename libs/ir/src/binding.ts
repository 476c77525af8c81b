import { hostCovers, intersectHost, isWildcardHost, type VirtualService } from '#keyway/istio';
import type { IrServer } from './model.js';
import type { VirtualHostBinding } from './route-table.js';
import type { TemplateCache } from './routes.js';
import { ShortMap } from './short-map.js';

/** Up to this many VirtualServices on a Gateway, its servers scan them instead of indexing hosts. */
const SCAN_LIMIT = 8;

interface HostIndex {
  exact: Map<string, VirtualService[]>;
  wildcard: { host: string; vs: VirtualService }[];
  all: { host: string; vs: VirtualService }[];
}

/**
 * Which VirtualServices bind to which Gateway, and which of their hosts meet which server host.
 * Indexed by host so that binding N servers to N VirtualServices costs O(N), not O(N^2).
 */
export class GatewayBindings {
  private readonly byGateway = new Map<string, VirtualService[]>();
  private readonly order = new Map<VirtualService, number>();
  private readonly indexes = new Map<string, HostIndex>();

  /** `virtualServices` in precedence order (oldest first). */
  constructor(
    virtualServices: readonly VirtualService[],
    selectedGateways: ReadonlySet<string>,
    templates: TemplateCache,
  ) {
    virtualServices.forEach((vs, i) => {
      this.order.set(vs, i);
      for (const g of templates.get(vs).gateways) {
        if (!selectedGateways.has(g)) continue;
        const list = this.byGateway.get(g);
        if (list) list.push(vs);
        else this.byGateway.set(g, [vs]);
      }
    });
  }

  bound(gateway: string): readonly VirtualService[] {
    return this.byGateway.get(gateway) ?? [];
  }

  /** Every VirtualService bound to some selected Gateway. */
  allBound(): Set<VirtualService> {
    const out = new Set<VirtualService>();
    for (const list of this.byGateway.values()) for (const vs of list) out.add(vs);
    return out;
  }

  private index(gateway: string): HostIndex {
    let idx = this.indexes.get(gateway);
    if (idx) return idx;
    idx = { exact: new Map(), wildcard: [], all: [] };
    for (const vs of this.bound(gateway)) {
      for (const host of vs.hosts) {
        idx.all.push({ host, vs });
        if (isWildcardHost(host)) idx.wildcard.push({ host, vs });
        else {
          const list = idx.exact.get(host);
          if (list) list.push(vs);
          else idx.exact.set(host, [vs]);
        }
      }
    }
    this.indexes.set(gateway, idx);
    return idx;
  }

  /**
   * Virtual hosts of a server: each intersection of a server host with a bound VirtualService host,
   * with the VirtualServices that produced it in precedence order. Server hosts with none map to [].
   */
  virtualHosts(server: IrServer): ShortMap<string, VirtualService[]> {
    const gateway = server.gateway.ref;
    const bound = this.bound(gateway);
    const out = new ShortMap<string, VirtualService[]>();
    const add = (host: string, vs: VirtualService): void => {
      const list = out.get(host);
      if (!list) out.set(host, [vs]);
      else if (!list.includes(vs)) list.push(vs);
    };
    // Few VirtualServices per Gateway is the common case: scanning them beats building an index.
    const idx = bound.length > SCAN_LIMIT ? this.index(gateway) : undefined;
    for (const rule of server.hostRules) {
      if (!out.has(rule.host)) out.set(rule.host, []);
      const ns = rule.namespace;
      if (isWildcardHost(rule.host) || !idx) {
        const exact = !isWildcardHost(rule.host);
        for (const vs of bound) {
          if (ns !== '*' && ns !== vs.meta.namespace) continue;
          for (const host of vs.hosts) {
            const meet = exact
              ? host === rule.host || (isWildcardHost(host) && hostCovers(host, rule.host))
                ? rule.host
                : undefined
              : intersectHost(rule.host, host);
            if (meet !== undefined) add(meet, vs);
          }
        }
        continue;
      }
      for (const vs of idx.exact.get(rule.host) ?? [])
        if (ns === '*' || ns === vs.meta.namespace) add(rule.host, vs);
      for (const { host, vs } of idx.wildcard) {
        if (hostCovers(host, rule.host) && (ns === '*' || ns === vs.meta.namespace)) add(rule.host, vs);
      }
    }
    out.forEach((list) => {
      if (list.length > 1) list.sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    });
    return out;
  }
}

/** The virtual hosts of a plain-HTTP port: every server's hosts merged, redirects kept per host. */
export function httpHosts(servers: readonly IrServer[], bindings: GatewayBindings): VirtualHostBinding[] {
  const hosts = new Map<string, VirtualHostBinding>();
  for (const server of servers) {
    const gateway = server.gateway.ref;
    bindings.virtualHosts(server).forEach((vss, host) => {
      let vh = hosts.get(host);
      if (!vh) {
        vh = { host, requireTls: false, bindings: [] };
        hosts.set(host, vh);
      }
      if (server.httpsRedirect) vh.requireTls = true;
      for (const vs of vss) if (!vh.bindings.some((b) => b.vs === vs)) vh.bindings.push({ vs, gateway });
    });
  }
  return [...hosts.values()];
}
