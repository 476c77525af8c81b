import type { VirtualService } from '#keyway/istio';
import type {
  IrAction,
  IrCondition,
  IrDestination,
  IrRoute,
  IrRouteTable,
  IrVirtualHost,
  IrWeightedDestination,
} from './model.js';
import type { ServiceRegistry } from './registry.js';
import { destinationField, type ActionTemplate, type RouteTemplate, type TemplateCache } from './routes.js';
import { ShortMap } from './short-map.js';
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
  dependencies: { fqdn: string; source: object | undefined }[];
}

/**
 * One route table: per virtual host, the routes of every bound VirtualService in creation order,
 * catch-all routes moved last (Istio's precedence). A route to an unknown service answers 503 rather
 * than falling through to a later route, and is reported.
 */
/** Scratch lists reused by every table (a build is synchronous), so no table allocates its own. */
const SPECIFIC: IrRoute[] = [];
const CATCH_ALL: IrRoute[] = [];

export function buildRouteTable(
  head: Omit<IrRouteTable, 'virtualHosts'>,
  hosts: readonly VirtualHostBinding[],
  registry: ServiceRegistry,
  templates: TemplateCache,
): RouteTableResult {
  const conditions: RouteTableResult['conditions'] = [];
  // Keyed `port|host` only when the table is large; see ShortMap.
  const destinations = new ShortMap<IrDestination, true>();
  const actions = new ShortMap<RouteTemplate, IrAction>();
  const dependencies = new ShortMap<string, object | undefined>();
  const virtualHosts = hosts.map((vh): IrVirtualHost => {
    let specific = 0;
    let catchAll = 0;
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
                if (!dependencies.has(fqdn)) dependencies.set(fqdn, registry.sourceOf(fqdn));
              }
            }
            actions.set(rt, action);
          }
          const route: IrRoute = { source: entry.source, match: entry.match, action };
          if (rt.name) route.name = rt.name;
          if (rt.headers) route.headers = rt.headers;
          if (entry.catchAll) CATCH_ALL[catchAll++] = route;
          else SPECIFIC[specific++] = route;
        }
      }
    }
    // Kept: an array of exactly the routes, catch-all routes last.
    const routes = new Array<IrRoute>(specific + catchAll);
    // Slots are emptied as they are copied: the scratch lists keep no route alive.
    for (let i = 0; i < specific; i++) {
      routes[i] = SPECIFIC[i];
      SPECIFIC[i] = undefined!;
    }
    for (let i = 0; i < catchAll; i++) {
      routes[specific + i] = CATCH_ALL[i];
      CATCH_ALL[i] = undefined!;
    }
    return { host: vh.host, routes, requireTls: vh.requireTls };
  });
  virtualHosts.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return {
    table: { ...head, virtualHosts },
    conditions,
    destinations: destinations.keyList(),
    dependencies: dependencyList(dependencies),
  };
}

function dependencyList(map: ShortMap<string, object | undefined>): RouteTableResult['dependencies'] {
  const out = new Array<RouteTableResult['dependencies'][number]>(map.size);
  let i = 0;
  map.forEach((source, fqdn) => (out[i++] = { fqdn, source }));
  return out;
}

function resolveAction(
  template: ActionTemplate,
  vs: VirtualService,
  registry: ServiceRegistry,
  conditions: RouteTableResult['conditions'],
  destinations: ShortMap<IrDestination, true>,
  httpIndex: number,
): IrAction {
  if (template.kind !== 'forward') return template;
  let unknown = false;
  const resolved = template.destinations.map((d): IrWeightedDestination | undefined => {
    const r = registry.resolve(d.host, d.port, vs.meta.namespace);
    if (!r.ok) {
      unknown = true;
      conditions.push({
        resource: vs.id,
        condition: {
          field: `${destinationField(httpIndex, d.routeIndex)}.host`,
          code: StatusCodes.unknownDestination,
          message: r.reason,
          severity: 'error',
        },
      });
      return undefined;
    }
    destinations.set(r.destination, true);
    const out: IrWeightedDestination = { destination: r.destination, weight: d.weight };
    if (d.headers) out.headers = d.headers;
    return out;
  });
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
  return { ...template, destinations: resolved as IrWeightedDestination[] };
}
