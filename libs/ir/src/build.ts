import type { EndpointSlice, Gateway, KubeService, ServiceEntry, VirtualService } from '#keyway/istio';
import { GatewayBindings, httpHosts } from './binding.js';
import { assignPorts } from './listeners.js';
import type {
  IrCluster,
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
import { buildRouteTable, type VirtualHostBinding } from './route-table.js';
import { TemplateCache } from './routes.js';
import { gatewayServers, gatewaySelects, sortByAge, type GatewayServers } from './servers.js';
import { StatusBook, StatusCodes } from './status.js';
import { editBuild, type EditContext } from './edit-build.js';
import {
  groupKey,
  sameItems,
  sameListener,
  sameTableInputs,
  type ClusterEntry,
  type LastBuild,
  type TableEntry,
  type TableHead,
} from './build-memo.js';

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

const EMPTY: readonly never[] = [];

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
    const edited = this.last && editBuild(this.last, inputs, group, this.editContext());
    return edited ? this.remember(inputs, group, edited) : this.fullBuild(inputs, group);
  }

  private editContext(): EditContext {
    return {
      tables: this.tables,
      templates: this.templates,
      registry: (inputs) => this.registry(inputs),
      clustersFor: (destinations, registry) => this.clustersFor(destinations, registry),
    };
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
