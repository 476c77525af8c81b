import type { VirtualService } from '#keyway/istio';
import type { IrAction, IrCondition, IrDestination, IrRoute, IrRouteTable, IrVirtualHost } from './model.js';
import type { ServiceRegistry } from './registry.js';
import type { ActionTemplate, RouteTemplate, TemplateCache } from './routes.js';
import { StatusCodes } from './status.js';

export interface VirtualHostBinding {
  host: string;
  requireTls: boolean;
  /** Bound VirtualServices in precedence order, each with the Gateway (`ns/name`) it bound through. */
  bindings: { vs: VirtualService; gateway: string }[];
}

export interface RouteTableResult {
  table: IrRouteTable;
  conditions: { resource: string; condition: IrCondition }[];
  destinations: IrDestination[];
  /** Every destination host the table looked up, with the resource that declared it then (or none). */
  dependencies: Map<string, object | undefined>;
}

/**
 * One route table: per virtual host, the routes of every bound VirtualService in creation order,
 * catch-all routes moved last (Istio's precedence). A route to an unknown service answers 503 rather
 * than falling through to a later route, and is reported.
 */
export function buildRouteTable(
  head: Omit<IrRouteTable, 'virtualHosts'>,
  hosts: readonly VirtualHostBinding[],
  registry: ServiceRegistry,
  templates: TemplateCache,
): RouteTableResult {
  const conditions: RouteTableResult['conditions'] = [];
  const destinations = new Map<string, IrDestination>();
  const actions = new Map<RouteTemplate, IrAction>();
  const dependencies = new Map<string, object | undefined>();
  const virtualHosts: IrVirtualHost[] = [];
  for (const vh of hosts) {
    const specific: IrRoute[] = [];
    const catchAll: IrRoute[] = [];
    for (const { vs, gateway } of vh.bindings) {
      for (const rt of templates.get(vs).routes) {
        for (const entry of rt.entries) {
          if (entry.gateways && !entry.gateways.includes(gateway)) continue;
          if (entry.port !== undefined && entry.port !== head.port) continue;
          let action = actions.get(rt);
          if (!action) {
            action = resolveAction(rt.action, vs, registry, conditions, destinations, rt.httpIndex);
            if (rt.action.kind === 'forward') {
              for (const d of rt.action.destinations) {
                const fqdn = registry.fqdn(d.host, vs.meta.namespace);
                dependencies.set(fqdn, registry.sourceOf(fqdn));
              }
            }
            actions.set(rt, action);
          }
          const route: IrRoute = {
            source: {
              resource: vs.id,
              http: rt.httpIndex,
              ...(entry.matchIndex !== undefined ? { match: entry.matchIndex } : {}),
            },
            ...(rt.name ? { name: rt.name } : {}),
            match: entry.match,
            action,
            ...(rt.headers ? { headers: rt.headers } : {}),
          };
          (entry.catchAll ? catchAll : specific).push(route);
        }
      }
    }
    virtualHosts.push({ host: vh.host, routes: [...specific, ...catchAll], requireTls: vh.requireTls });
  }
  virtualHosts.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  const sortedDestinations = [...destinations.values()];
  return { table: { ...head, virtualHosts }, conditions, destinations: sortedDestinations, dependencies };
}

function resolveAction(
  template: ActionTemplate,
  vs: VirtualService,
  registry: ServiceRegistry,
  conditions: RouteTableResult['conditions'],
  destinations: Map<string, IrDestination>,
  httpIndex: number,
): IrAction {
  if (template.kind !== 'forward') return template;
  const resolved: Extract<IrAction, { kind: 'forward' }>['destinations'] = [];
  let unknown = false;
  for (const d of template.destinations) {
    const r = registry.resolve(d.host, d.port, vs.meta.namespace);
    if (!r.ok) {
      unknown = true;
      conditions.push({
        resource: vs.id,
        condition: {
          field: `${d.field}.host`,
          code: StatusCodes.unknownDestination,
          message: r.reason,
          severity: 'error',
        },
      });
      continue;
    }
    destinations.set(`${r.destination.port}|${r.destination.host}`, r.destination);
    resolved.push({
      destination: r.destination,
      weight: d.weight,
      ...(d.headers ? { headers: d.headers } : {}),
    });
  }
  if (template.destinations.length === 0) {
    conditions.push({
      resource: vs.id,
      condition: {
        field: `spec.http[${httpIndex}].route`,
        code: StatusCodes.unknownDestination,
        message: 'every destination has weight 0',
        severity: 'error',
      },
    });
    unknown = true;
  }
  // Istio answers 503 for a route whose service is missing; dropping it would send the request on
  // to a later route the author never meant for it.
  if (unknown) return { kind: 'direct', status: 503 };
  return { ...template, destinations: resolved };
}
