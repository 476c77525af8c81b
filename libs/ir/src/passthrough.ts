import { hostCovers, intersectHost, type VirtualService } from '#keyway/istio';
import type { IrDestination, IrPassthroughChain, IrServer, IrWeightedDestination } from './model.js';
import type { ServiceRegistry } from './registry.js';
import { gatewayKey } from './routes.js';
import { StatusCodes, type StatusBook } from './status.js';

/**
 * Filter chains of a PASSTHROUGH server: one per VirtualService `tls` route match, chosen by SNI among
 * the server's hosts. An SNI set another route already claimed is dropped and reported.
 */
export function passthroughChains(
  server: IrServer,
  bound: readonly VirtualService[],
  registry: ServiceRegistry,
  claimed: Map<string, string>,
  book: StatusBook,
  destinations: Set<IrDestination>,
): IrPassthroughChain[] {
  const gateway = `${server.gateway.namespace}/${server.gateway.name}`;
  const chains: IrPassthroughChain[] = [];
  for (const vs of bound) {
    vs.tls.forEach((route) => {
      route.match.forEach((m, mi) => {
        const field = `spec.tls[${route.index}].match[${mi}]`;
        if (m.port !== undefined && m.port !== server.port) return;
        if (m.gateways.length > 0 && !m.gateways.some((g) => gatewayKey(g, vs.meta.namespace) === gateway))
          return;
        const sni = new Set<string>();
        for (const s of m.sniHosts) {
          if (!vs.hosts.some((h) => hostCovers(h, s))) continue;
          for (const rule of server.hostRules) {
            if (rule.namespace !== '*' && rule.namespace !== vs.meta.namespace) continue;
            const meet = intersectHost(rule.host, s);
            if (meet !== undefined) sni.add(meet);
          }
        }
        if (sni.size === 0) return;
        const sniHosts = [...sni].sort();
        const taken = sniHosts.find((h) => claimed.has(h));
        if (taken !== undefined) {
          book.error(
            vs.id,
            `${field}.sniHosts`,
            StatusCodes.hostConflict,
            `SNI "${taken}" is already routed by ${claimed.get(taken)}`,
          );
          return;
        }
        const resolved: IrWeightedDestination[] = [];
        for (const [di, d] of route.route.entries()) {
          const r = registry.resolve(d.destination.host, d.destination.port, vs.meta.namespace);
          if (!r.ok) {
            book.error(
              vs.id,
              `spec.tls[${route.index}].route[${di}].destination.host`,
              StatusCodes.unknownDestination,
              r.reason,
            );
            return;
          }
          resolved.push({
            destination: r.destination,
            weight: d.weight ?? (route.route.length === 1 ? 100 : 1),
          });
        }
        for (const h of sniHosts) claimed.set(h, `${vs.id}#${field}`);
        for (const d of resolved) destinations.add(d.destination);
        chains.push({ sniHosts, destinations: resolved, source: vs.id });
      });
    });
  }
  return chains;
}
