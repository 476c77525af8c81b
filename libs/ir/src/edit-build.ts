import type { VirtualService } from '#keyway/istio';
import type { IrInputs } from './build.js';
import { groupKey, routesOnlyChange, type LastBuild, type TableEntry } from './build-memo.js';
import type { IrCluster, IrCondition, IrDestination, ProxyGroup } from './model.js';
import type { ServiceRegistry } from './registry.js';
import { buildRouteTable } from './route-table.js';
import type { TemplateCache } from './routes.js';
import { StatusBook, StatusCodes } from './status.js';

/** Beyond this many changed VirtualServices at once, the full build is as cheap. */
const MAX_EDIT_ONLY = 64;

/** What an edit needs of the IR builder's memos. */
export interface EditContext {
  tables: Map<string, TableEntry>;
  templates: TemplateCache;
  registry(inputs: IrInputs): ServiceRegistry;
  clustersFor(destinations: Iterable<IrDestination>, registry: ServiceRegistry): IrCluster[];
}

/**
 * The common edit, in O(what it touches): only the routes of a few VirtualServices changed (same
 * name, age, hosts and gateways, no TLS routes), every other input is the same object as last time.
 * Then the same VirtualServices bind to the same virtual hosts, and only their route tables (and
 * maybe the cluster list) change. Anything else takes the full build.
 */
export function editBuild(
  last: LastBuild,
  inputs: IrInputs,
  group: ProxyGroup,
  builder: EditContext,
): LastBuild | undefined {
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
    if (swaps.size >= MAX_EDIT_ONLY || !routesOnlyChange(then[i], now[i], builder.templates))
      return undefined;
    swaps.set(then[i], now[i]);
  }
  const registry = builder.registry(inputs);
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
    const entry = builder.tables.get(id)!;
    const hosts = entry.hosts.map((h) => ({
      ...h,
      bindings: h.bindings.map((b) => (swaps.has(b.vs) ? { vs: swaps.get(b.vs)!, gateway: b.gateway } : b)),
    }));
    const result = buildRouteTable(entry.head, hosts, registry, builder.templates);
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
    builder.tables.set(id, { head: entry.head, hosts, result, index: entry.index });
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
    scratch.addAll(newVs.id, builder.templates.get(newVs).conditions);
    for (const c of tableConditions.get(newVs.id) ?? []) scratch.add(newVs.id, c);
    for (const c of carried) scratch.add(newVs.id, c);
    overrides.set(newVs.id, scratch.conditionsOf(newVs.id));
  }
  let clusters = last.clusters;
  if (destinationsChanged) clusters = builder.clustersFor(destRefs.keys(), registry);
  return {
    ...last,
    inputs: { ...inputs },
    routeTables,
    tableOfVs,
    destRefs,
    clusters,
    overrides,
  };
}
