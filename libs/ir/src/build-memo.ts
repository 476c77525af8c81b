import type { EndpointSlice, VirtualService } from '#keyway/istio';
import type { IrInputs } from './build.js';
import type { StatusBook } from './status.js';
import type {
  IrCluster,
  IrCondition,
  IrDestination,
  IrListener,
  IrRouteTable,
  IrRouteTableRef,
  ProxyGroup,
} from './model.js';
import type { ServiceRegistry } from './registry.js';
import type { RouteTableResult, VirtualHostBinding } from './route-table.js';
import type { TemplateCache } from './routes.js';

/*
 * What the IR builder remembers between builds, and when a remembered part still stands. Every test
 * here compares by identity or by value the inputs a part was made from: a false "changed" costs a
 * rebuild of that part, a false "unchanged" would serve stale config, so each lists every input.
 */

/** The state of the last build an edit starts from. */
export interface LastBuild {
  inputs: IrInputs;
  groupKey: string;
  listeners: IrListener[];
  routeTables: IrRouteTable[];
  /** Route tables each bound VirtualService appears in. */
  tableOfVs: Map<VirtualService, string[]>;
  /** How many route tables send to each destination (the registry's one object per host and port). */
  destRefs: Map<IrDestination, number>;
  clusters: IrCluster[];
  book: StatusBook;
  /** Statuses replaced by edit-only builds since the full build that made `book`. */
  overrides: Map<string, readonly IrCondition[]>;
}

export type TableHead = Omit<IrRouteTable, 'virtualHosts'>;

export interface TableEntry {
  head: TableHead;
  hosts: VirtualHostBinding[];
  result: RouteTableResult;
  /** Position in the last build's route tables (an edit replaces the table there). */
  index: number;
}

export interface ClusterEntry {
  source: object | undefined;
  slices: readonly EndpointSlice[];
  cluster: IrCluster;
}

export function groupKey(group: ProxyGroup): string {
  return `${group.namespace}\n${JSON.stringify(Object.entries(group.labels).sort())}`;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Same identity, age, hosts and gateway bindings, and no TLS routes: only http routes differ. */
export function routesOnlyChange(
  before: VirtualService,
  after: VirtualService,
  templates: TemplateCache,
): boolean {
  return (
    before.id === after.id &&
    before.meta.creationTimestamp === after.meta.creationTimestamp &&
    before.tls.length === 0 &&
    after.tls.length === 0 &&
    sameStrings(before.hosts, after.hosts) &&
    sameStrings(templates.get(before).gateways, templates.get(after).gateways)
  );
}

/** Everything a route table depends on is unchanged (by identity), so the previous table stands. */
export function sameTableInputs(
  entry: TableEntry,
  head: TableHead,
  hosts: readonly VirtualHostBinding[],
  registry: ServiceRegistry,
): boolean {
  const h = entry.head;
  if (h.kind !== head.kind || h.port !== head.port || h.misdirected !== head.misdirected) return false;
  if (h.server?.gateway !== head.server?.gateway || h.server?.namespace !== head.server?.namespace)
    return false;
  if (h.server?.portName !== head.server?.portName) return false;
  if (entry.hosts.length !== hosts.length) return false;
  for (let i = 0; i < hosts.length; i++) {
    const a = entry.hosts[i];
    const b = hosts[i];
    if (a.host !== b.host || a.requireTls !== b.requireTls || a.bindings.length !== b.bindings.length)
      return false;
    for (let j = 0; j < b.bindings.length; j++) {
      if (a.bindings[j].vs !== b.bindings[j].vs || a.bindings[j].gateway !== b.bindings[j].gateway)
        return false;
    }
  }
  for (const { fqdn, source } of entry.result.dependencies)
    if (registry.sourceOf(fqdn) !== source) return false;
  return true;
}

export function sameListener(a: IrListener, b: IrListener): boolean {
  return (
    a.kind === b.kind &&
    sameItems(a.servers, b.servers) &&
    a.routeTables.length === b.routeTables.length &&
    a.routeTables.every((t, i) => sameRef(t, b.routeTables[i])) &&
    JSON.stringify(a.passthrough) === JSON.stringify(b.passthrough)
  );
}

function sameRef(a: IrRouteTableRef, b: IrRouteTableRef): boolean {
  return (
    a.kind === b.kind &&
    a.port === b.port &&
    a.server?.gateway === b.server?.gateway &&
    a.server?.namespace === b.server?.namespace &&
    a.server?.portName === b.server?.portName
  );
}

export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
