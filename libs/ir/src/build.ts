import type { EndpointSlice, Gateway, KubeService, ServiceEntry, VirtualService } from '#keyway/istio';
import { GatewayBindings } from './binding.js';
import { assignPorts } from './listeners.js';
import type {
  IrCluster,
  IrCondition,
  IrDestination,
  IrListener,
  IrPassthroughChain,
  IrRouteTable,
  IrRouteTableRef,
  IrServer,
  IrSnapshot,
  IrStatus,
  ProxyGroup,
} from './model.js';
import { passthroughChains } from './passthrough.js';
import { ServiceRegistry } from './registry.js';
import { buildRouteTable, type RouteTableResult, type VirtualHostBinding } from './route-table.js';
import { TemplateCache } from './routes.js';
import { gatewayServers, gatewaySelects, sortByAge, type GatewayServers } from './servers.js';
import { StatusBook, StatusCodes } from './status.js';

export interface IrInputs {
  gateways: readonly Gateway[];
  virtualServices: readonly VirtualService[];
  serviceEntries?: readonly ServiceEntry[];
  services?: readonly KubeService[];
  endpointSlices?: readonly EndpointSlice[];
  /** Credential (SDS) names present in the proxies' namespace; when given, servers naming others are dropped. */
  knownCredentials?: ReadonlySet<string>;
  domainSuffix?: string;
}

type TableHead = Omit<IrRouteTable, 'virtualHosts'>;

interface TableEntry {
  head: TableHead;
  hosts: VirtualHostBinding[];
  result: RouteTableResult;
  /** Position in the last build's route tables (an edit replaces the table there). */
  index: number;
}

interface ClusterEntry {
  source: object | undefined;
  slices: readonly EndpointSlice[];
  cluster: IrCluster;
}

const EMPTY: readonly never[] = [];
/** Beyond this many changed VirtualServices at once, the full build is as cheap. */
const MAX_EDIT_ONLY = 64;

interface LastBuild {
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

function groupKey(group: ProxyGroup): string {
  return `${group.namespace}\n${JSON.stringify(Object.entries(group.labels).sort())}`;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Same identity, age, hosts and gateway bindings, and no TLS routes: only http routes differ. */
function routesOnlyChange(before: VirtualService, after: VirtualService, templates: TemplateCache): boolean {
  return (
    before.id === after.id &&
    before.meta.creationTimestamp === after.meta.creationTimestamp &&
    before.tls.length === 0 &&
    after.tls.length === 0 &&
    sameStrings(before.hosts, after.hosts) &&
    sameStrings(templates.get(before).gateways, templates.get(after).gateways)
  );
}

/**
 * Istio resources -> IR for one proxy group. Keeps memos between builds, compared by object identity,
 * so that when callers pass unchanged resources again (the same objects), unchanged route tables,
 * listeners and clusters come back as the same objects and the xDS stage reuses their encodings.
 * A resource replaced by an equal copy only costs a rebuild of what it feeds, never a wrong result.
 */
export class IrBuilder {
  private gatewayMemo = new Map<Gateway, GatewayServers>();
  private readonly templates = new TemplateCache();
  private tables = new Map<string, TableEntry>();
  private listeners = new Map<number, IrListener>();
  private clusters = new Map<string, ClusterEntry>();
  private registryMemo?: { inputs: unknown[]; registry: ServiceRegistry };
  private selectedMemo?: { gateways: readonly Gateway[]; group: string; selected: Gateway[] };
  private last?: LastBuild;

  build(inputs: IrInputs, group: ProxyGroup): IrSnapshot {
    return this.editOnly(inputs, group) ?? this.fullBuild(inputs, group);
  }

  /**
   * The common edit, in O(what it touches): only the routes of a few VirtualServices changed (same
   * name, age, hosts and gateways, no TLS routes), every other input is the same object as last time.
   * Then the same VirtualServices bind to the same virtual hosts, and only their route tables (and
   * maybe the cluster list) change. Anything else takes the full build.
   */
  private editOnly(inputs: IrInputs, group: ProxyGroup): IrSnapshot | undefined {
    const last = this.last;
    if (!last) return undefined;
    const before = last.inputs;
    if (
      inputs.gateways !== before.gateways ||
      inputs.services !== before.services ||
      inputs.endpointSlices !== before.endpointSlices ||
      inputs.serviceEntries !== before.serviceEntries ||
      inputs.knownCredentials !== before.knownCredentials ||
      inputs.domainSuffix !== before.domainSuffix ||
      groupKey(group) !== last.groupKey ||
      inputs.virtualServices.length !== before.virtualServices.length
    ) {
      return undefined;
    }
    const swaps = new Map<VirtualService, VirtualService>();
    const now = inputs.virtualServices;
    const then = before.virtualServices;
    for (let i = 0; i < now.length; i++) {
      if (now[i] === then[i]) continue;
      if (swaps.size >= MAX_EDIT_ONLY || !routesOnlyChange(then[i], now[i], this.templates)) return undefined;
      swaps.set(then[i], now[i]);
    }
    const registry = this.registry(inputs);
    const routeTables = [...last.routeTables];
    // These indexes belong to the builder alone (no snapshot holds them): update them in place.
    const { tableOfVs, destRefs } = last;
    let destinationsChanged = false;
    const touched = new Set<string>();
    for (const [oldVs, newVs] of swaps) {
      const ids = tableOfVs.get(oldVs) ?? [];
      tableOfVs.delete(oldVs);
      tableOfVs.set(newVs, ids);
      for (const id of ids) touched.add(id);
    }
    const overrides = new Map(last.overrides);
    const tableConditions = new Map<string, IrCondition[]>();
    for (const id of touched) {
      const entry = this.tables.get(id)!;
      const hosts = entry.hosts.map((h) => ({
        ...h,
        bindings: h.bindings.map((b) => (swaps.has(b.vs) ? { vs: swaps.get(b.vs)!, gateway: b.gateway } : b)),
      }));
      const result = buildRouteTable(entry.head, hosts, registry, this.templates);
      // Count the new table's destinations before releasing the old one's, so a destination both use
      // never drops to zero on the way (which would rebuild the cluster list for nothing).
      for (const d of result.destinations) {
        const n = destRefs.get(d) ?? 0;
        if (n === 0) destinationsChanged = true;
        destRefs.set(d, n + 1);
      }
      for (const d of entry.result.destinations) {
        const n = (destRefs.get(d) ?? 0) - 1;
        if (n <= 0) {
          destRefs.delete(d);
          destinationsChanged = true;
        } else destRefs.set(d, n);
      }
      this.tables.set(id, { head: entry.head, hosts, result, index: entry.index });
      routeTables[entry.index] = result.table;
      for (const { resource, condition } of result.conditions) {
        const list = tableConditions.get(resource);
        if (list) list.push(condition);
        else tableConditions.set(resource, [condition]);
      }
    }
    for (const [oldVs, newVs] of swaps) {
      // A VirtualService bound to none of this group's Gateways has no status here.
      if (!last.book.has(oldVs.id) && !last.overrides.has(oldVs.id)) continue;
      const carried = (overrides.get(oldVs.id) ?? last.book.conditionsOf(oldVs.id)).filter(
        (c) => c.code === StatusCodes.noMatchingHost,
      );
      const scratch = new StatusBook();
      scratch.addAll(newVs.id, this.templates.get(newVs).conditions);
      for (const c of tableConditions.get(newVs.id) ?? []) scratch.add(newVs.id, c);
      for (const c of carried) scratch.add(newVs.id, c);
      overrides.set(newVs.id, scratch.conditionsOf(newVs.id));
    }
    let clusters = last.clusters;
    if (destinationsChanged) clusters = this.clustersFor(destRefs.keys(), registry);
    return this.remember(inputs, group, {
      ...last,
      inputs: { ...inputs },
      routeTables,
      tableOfVs,
      destRefs,
      clusters,
      overrides,
    });
  }

  private remember(inputs: IrInputs, group: ProxyGroup, state: LastBuild): IrSnapshot {
    this.last = state;
    let statuses: IrStatus[] | undefined;
    const { book, overrides } = state;
    // Statuses are sorted on first read: a recompile whose caller only publishes resources skips it.
    return {
      group,
      listeners: state.listeners,
      routeTables: state.routeTables,
      clusters: state.clusters,
      get statuses(): IrStatus[] {
        statuses ??= (overrides.size > 0 ? book.derive(overrides) : book).statuses();
        return statuses;
      },
    };
  }

  private fullBuild(inputs: IrInputs, group: ProxyGroup): IrSnapshot {
    const book = new StatusBook();
    this.templates.rotate();
    const registry = this.registry(inputs);
    const selected = this.selected(inputs.gateways, group);
    const placed: { gatewayId: string; server: IrServer }[] = [];
    const nextGateways = new Map<Gateway, GatewayServers>();
    for (const gw of selected) {
      const servers = this.gatewayMemo.get(gw) ?? gatewayServers(gw);
      nextGateways.set(gw, servers);
      book.addAll(gw.id, servers.conditions);
      for (const server of servers.servers) placed.push({ gatewayId: gw.id, server });
    }
    this.gatewayMemo = nextGateways;
    const ports = assignPorts(placed, inputs.knownCredentials, book);

    const vsSorted = sortByAge(inputs.virtualServices);
    const bindings = new GatewayBindings(
      vsSorted,
      new Set(selected.map((g) => nextGateways.get(g)!.ref)),
      this.templates,
    );
    const bound = bindings.allBound();
    for (const vs of bound) book.addAll(vs.id, this.templates.get(vs).conditions);
    const contributed = new Set<VirtualService>();
    const destinations = new Set<IrDestination>();
    const nextTables = new Map<string, TableEntry>();
    const tableOfVs = new Map<VirtualService, string[]>();
    const destRefs = new Map<IrDestination, number>();
    const useTable = (
      id: string,
      head: TableHead,
      hosts: VirtualHostBinding[],
      index: number,
    ): IrRouteTable => {
      let entry = this.tables.get(id);
      if (!entry || !sameTableInputs(entry, head, hosts, registry)) {
        entry = { head, hosts, result: buildRouteTable(head, hosts, registry, this.templates), index };
      }
      entry.index = index;
      nextTables.set(id, entry);
      for (const { resource, condition } of entry.result.conditions) book.add(resource, condition);
      for (const d of entry.result.destinations) {
        destinations.add(d);
        destRefs.set(d, (destRefs.get(d) ?? 0) + 1);
      }
      for (const h of hosts) {
        for (const b of h.bindings) {
          contributed.add(b.vs);
          const ids = tableOfVs.get(b.vs);
          if (!ids) tableOfVs.set(b.vs, [id]);
          else if (ids[ids.length - 1] !== id) ids.push(id);
        }
      }
      return entry.result.table;
    };

    const listeners: IrListener[] = [];
    const allTables: IrRouteTable[] = [];
    let passthroughUsed = false;
    const nextListeners = new Map<number, IrListener>();
    for (const p of ports) {
      const routeTables: IrRouteTable[] = [];
      const https: IrServer[] = [];
      const passthrough: IrPassthroughChain[] = [];
      if (p.kind === 'plain') {
        routeTables.push(
          useTable(
            `http.${p.port}`,
            { kind: 'http', port: p.port, misdirected: false },
            httpHosts(p.servers, bindings),
            allTables.length + routeTables.length,
          ),
        );
      } else {
        const claimed = new Map<string, string>();
        for (const server of p.servers) {
          if (server.kind !== 'passthrough') continue;
          const gw = server.gateway.ref;
          const chains = passthroughChains(server, bindings.bound(gw), registry, claimed, book, destinations);
          for (const c of chains) {
            const vs = vsSorted.find((v) => v.id === c.source);
            if (vs) contributed.add(vs);
          }
          passthrough.push(...chains);
          passthroughUsed = true;
        }
        let chainCount = passthrough.length;
        for (const server of p.servers) if (server.kind === 'https') chainCount++;
        for (const server of p.servers) {
          if (server.kind !== 'https') continue;
          https.push(server);
          const gateway = server.gateway.ref;
          const head: TableHead = {
            kind: 'https',
            port: p.port,
            server: {
              gateway: server.gateway.name,
              namespace: server.gateway.namespace,
              portName: server.portName,
            },
            misdirected: chainCount > 1 && !server.hosts.includes('*'),
          };
          const virtualHosts = bindings.virtualHosts(server);
          // Kept by the route table memo: an exact-length array.
          const hosts = new Array<VirtualHostBinding>(virtualHosts.size);
          let h = 0;
          virtualHosts.forEach((vss, host) => {
            hosts[h++] = { host, requireTls: false, bindings: vss.map((vs) => ({ vs, gateway })) };
          });
          routeTables.push(useTable(server.id, head, hosts, allTables.length + routeTables.length));
        }
      }
      const previous = this.listeners.get(p.port);
      allTables.push(...routeTables);
      const refs: IrRouteTableRef[] = routeTables.map(({ kind, port, server }) => ({
        kind,
        port,
        ...(server ? { server } : {}),
      }));
      const candidate: IrListener = {
        port: p.port,
        kind: p.kind,
        servers: https,
        passthrough,
        routeTables: refs,
      };
      const listener = previous && sameListener(previous, candidate) ? previous : candidate;
      nextListeners.set(p.port, listener);
      listeners.push(listener);
    }
    this.tables = nextTables;
    this.listeners = nextListeners;

    for (const vs of bound) {
      if (!contributed.has(vs)) {
        book.warn(
          vs.id,
          'spec.hosts',
          StatusCodes.noMatchingHost,
          'no host matches a server of the bound Gateways',
        );
      }
    }
    for (const gw of selected) book.touch(gw.id);

    const clusters = this.clustersFor(destinations, registry);
    const state: LastBuild = {
      // A copy: callers may reuse and mutate their inputs object between builds.
      inputs: { ...inputs },
      groupKey: groupKey(group),
      listeners,
      routeTables: allTables,
      tableOfVs,
      destRefs,
      clusters,
      book,
      overrides: new Map(),
    };
    const snapshot = this.remember(inputs, group, state);
    // Passthrough chains add destinations outside route tables: keep later builds full.
    if (passthroughUsed) this.last = undefined;
    return snapshot;
  }

  private registry(inputs: IrInputs): ServiceRegistry {
    const key = [inputs.services, inputs.endpointSlices, inputs.serviceEntries, inputs.domainSuffix];
    const memo = this.registryMemo;
    if (memo && memo.inputs.every((v, i) => v === key[i])) return memo.registry;
    const registry = new ServiceRegistry(
      inputs.services ?? EMPTY,
      inputs.endpointSlices ?? EMPTY,
      sortByAge(inputs.serviceEntries ?? EMPTY),
      inputs.domainSuffix,
    );
    this.registryMemo = { inputs: key, registry };
    return registry;
  }

  private selected(gateways: readonly Gateway[], group: ProxyGroup): Gateway[] {
    const key = groupKey(group);
    const memo = this.selectedMemo;
    if (memo && memo.gateways === gateways && memo.group === key) return memo.selected;
    const selected = sortByAge(gateways.filter((g) => gatewaySelects(g, group)));
    this.selectedMemo = { gateways, group: key, selected };
    return selected;
  }

  /** Clusters sorted by `port|host`, each kept from the last build while its inputs stand. */
  private clustersFor(destinations: Iterable<IrDestination>, registry: ServiceRegistry): IrCluster[] {
    const next = new Map<string, ClusterEntry>();
    const keyed: { id: string; d: IrDestination }[] = [];
    for (const d of destinations) keyed.push({ id: `${d.port}|${d.host}`, d });
    keyed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const out = new Array<IrCluster>(keyed.length);
    for (let i = 0; i < keyed.length; i++) {
      const { id, d } = keyed[i];
      const source = registry.sourceOf(d.host);
      const slices = registry.slicesOf(d.host);
      let entry = this.clusters.get(id);
      if (!entry || entry.source !== source || !sameItems(entry.slices, slices)) {
        entry = { source, slices, cluster: registry.cluster(d) };
      }
      next.set(id, entry);
      out[i] = entry.cluster;
    }
    this.clusters = next;
    return out;
  }
}

/** One-shot build without memos (tests, tools). */
export function buildIr(inputs: IrInputs, group: ProxyGroup): IrSnapshot {
  return new IrBuilder().build(inputs, group);
}

function httpHosts(servers: readonly IrServer[], bindings: GatewayBindings): VirtualHostBinding[] {
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

/** Everything a route table depends on is unchanged (by identity), so the previous table stands. */
function sameTableInputs(
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

function sameListener(a: IrListener, b: IrListener): boolean {
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

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
