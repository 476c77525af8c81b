import { TypeUrl } from '#keyway/envoy-api';
import type { IrCluster, IrListener, IrRouteTable, IrSnapshot } from '#keyway/ir';
import { buildCluster, buildClusterLoadAssignment } from './cluster.js';
import { compileResource, typeVersion, type CompiledResource } from './encode.js';
import { buildListener } from './listener.js';
import { buildRouteConfiguration } from './route-configuration.js';

/** The four types a gateway snapshot holds (Secrets come from the credentials bucket). */
export const SNAPSHOT_TYPE_URLS = [
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
  TypeUrl.Listener,
  TypeUrl.RouteConfiguration,
] as const;
export type SnapshotTypeUrl = (typeof SNAPSHOT_TYPE_URLS)[number];

/** The IR object each xDS resource of a type is made from. */
export interface IrSourceOf {
  [TypeUrl.Cluster]: IrCluster;
  [TypeUrl.ClusterLoadAssignment]: IrCluster;
  [TypeUrl.Listener]: IrListener;
  [TypeUrl.RouteConfiguration]: IrRouteTable;
}

export type IrSources = { [T in SnapshotTypeUrl]: readonly IrSourceOf[T][] };

const BUILDERS: { [T in SnapshotTypeUrl]: (source: IrSourceOf[T]) => Record<string, unknown> } = {
  [TypeUrl.Cluster]: buildCluster,
  [TypeUrl.ClusterLoadAssignment]: buildClusterLoadAssignment,
  [TypeUrl.Listener]: buildListener,
  [TypeUrl.RouteConfiguration]: buildRouteConfiguration,
};

/** Only EDS clusters get a ClusterLoadAssignment; DNS clusters carry their endpoints inline. */
export function edsClusters(clusters: readonly IrCluster[]): IrCluster[] {
  return clusters.filter((c) => c.discovery === 'eds');
}

/** Per xDS type, the IR objects its resources come from, in IR order. */
export function irSources(ir: IrSnapshot, eds: readonly IrCluster[] = edsClusters(ir.clusters)): IrSources {
  return {
    [TypeUrl.Cluster]: ir.clusters,
    [TypeUrl.ClusterLoadAssignment]: eds,
    [TypeUrl.Listener]: ir.listeners,
    [TypeUrl.RouteConfiguration]: ir.routeTables,
  };
}

/** One IR object -> one encoded xDS resource. Pure: the same IR content gives the same bytes. */
export function translateResource<T extends SnapshotTypeUrl>(
  typeUrl: T,
  source: IrSourceOf[T],
): CompiledResource {
  return compileResource(typeUrl, BUILDERS[typeUrl](source));
}

export const compareResourceNames = (a: CompiledResource, b: CompiledResource): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

export interface XdsSnapshot {
  /** Per type, sorted by name. */
  resources: Record<SnapshotTypeUrl, readonly CompiledResource[]>;
  versions: Record<SnapshotTypeUrl, string>;
}

/**
 * IR -> xDS in one pass, without RouteCompiler's reuse of earlier encodings: the IR -> xDS golden
 * stage runs it on a deserialized IR. RouteCompiler makes each resource with the same
 * `irSources` and `translateResource`, so both give the same bytes and versions.
 */
export function translateIr(ir: IrSnapshot): XdsSnapshot {
  const sources = irSources(ir);
  const resources = {} as XdsSnapshot['resources'];
  const versions = {} as XdsSnapshot['versions'];
  for (const typeUrl of SNAPSHOT_TYPE_URLS) {
    const list = sources[typeUrl].map((s) => translateResource(typeUrl, s)).sort(compareResourceNames);
    resources[typeUrl] = list;
    versions[typeUrl] = typeVersion(list);
  }
  return { resources, versions };
}
