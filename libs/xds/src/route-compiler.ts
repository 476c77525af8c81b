import {
  IrBuilder,
  type IrCluster,
  type IrInputs,
  type IrSnapshot,
  type IrStatus,
  type ProxyGroup,
} from '#keyway/ir';
import { TypeVersion, type CompiledResource } from './encode.js';
import {
  compareResourceNames,
  edsClusters,
  irSources,
  SNAPSHOT_TYPE_URLS,
  translateResource,
  type IrSourceOf,
  type SnapshotTypeUrl,
} from './translate-ir.js';

export { SNAPSHOT_TYPE_URLS, type SnapshotTypeUrl } from './translate-ir.js';

export interface CompileInputs extends IrInputs {
  group: ProxyGroup;
}

export interface ResourceRef {
  typeUrl: string;
  name: string;
}

export interface ResourceDiff {
  added: ResourceRef[];
  changed: ResourceRef[];
  removed: ResourceRef[];
}

export interface CompileResult {
  /** Per type, sorted by name. Treat as read-only: unchanged arrays are shared between compiles. */
  resources: Record<SnapshotTypeUrl, readonly CompiledResource[]>;
  versions: Record<SnapshotTypeUrl, string>;
  /** Per input resource: accepted, or why not (sorted by resource). */
  readonly statuses: IrStatus[];
  /** Against the previous `compile` of this instance (everything is `added` the first time). */
  diff: ResourceDiff;
  ir: IrSnapshot;
}

interface TypeState {
  byName: Map<string, CompiledResource>;
  /** Resources in production order and the sorted view of them, reused while the names stay put. */
  order: CompiledResource[];
  sorted: CompiledResource[];
  sortedIndex: Map<string, number>;
  sum: TypeVersion;
  version: string;
  /** The IR objects `order` was made from, to find what an edit touched without re-walking all. */
  sources: readonly object[];
}

/** Beyond this many changed positions, re-encoding them costs more than indexing the previous objects. */
const MAX_POSITIONAL_CHANGES = 64;

/** Same length and at most a few positions holding other objects. */
function alignedMostly(before: readonly object[], now: readonly object[]): boolean {
  if (before.length !== now.length) return false;
  let changed = 0;
  for (let i = 0; i < now.length; i++) {
    if (before[i] !== now[i] && ++changed > MAX_POSITIONAL_CHANGES) return false;
  }
  return true;
}

/**
 * Istio resources -> Envoy resources for one proxy group, incrementally: IR parts that did not change
 * come back from the IR builder as the same objects, their encodings are reused, and the diff compares
 * encodings by identity first, so one edit among thousands of hosts re-encodes only what it touched.
 */
export class RouteCompiler {
  private readonly builder = new IrBuilder();
  private readonly state = new Map<SnapshotTypeUrl, TypeState>();
  private lastClusters?: { clusters: readonly IrCluster[]; eds: IrCluster[] };

  compile(inputs: CompileInputs): CompileResult {
    const ir = this.builder.build(inputs, inputs.group);
    let eds: IrCluster[];
    if (this.lastClusters?.clusters === ir.clusters) eds = this.lastClusters.eds;
    else {
      eds = edsClusters(ir.clusters);
      this.lastClusters = { clusters: ir.clusters, eds };
    }
    // The same sources and per-resource translation as translateIr, with earlier encodings reused.
    const plan = irSources(ir, eds);
    const diff: ResourceDiff = { added: [], changed: [], removed: [] };
    const resources = {} as Record<SnapshotTypeUrl, readonly CompiledResource[]>;
    const versions = {} as Record<SnapshotTypeUrl, string>;
    for (const typeUrl of SNAPSHOT_TYPE_URLS) {
      const sources = plan[typeUrl];
      const s = this.update(typeUrl, this.encodeAll(typeUrl, sources), sources, diff);
      resources[typeUrl] = s.sorted;
      versions[typeUrl] = s.version;
    }
    return {
      resources,
      versions,
      get statuses(): IrStatus[] {
        return ir.statuses;
      },
      diff,
      ir,
    };
  }

  /**
   * Encodings in source order. An IR object the previous compile also had (the IR builder hands back
   * unchanged parts as the same objects) keeps its encoding; only new objects are translated.
   */
  private encodeAll(
    typeUrl: SnapshotTypeUrl,
    sources: readonly IrSourceOf[SnapshotTypeUrl][],
  ): CompiledResource[] {
    const before = this.state.get(typeUrl);
    if (before && before.sources === sources) return before.order;
    const out = new Array<CompiledResource>(sources.length);
    // An edit replaces a few objects in place: look up moved objects only when many positions differ
    // (an index of every previous object costs more than the edit itself at 10,000 resources).
    let bySource: Map<object, CompiledResource> | undefined;
    if (before && !alignedMostly(before.sources, sources)) {
      bySource = new Map();
      before.sources.forEach((s, j) => bySource!.set(s, before.order[j]));
    }
    for (let i = 0; i < sources.length; i++) {
      const src = sources[i];
      if (before && before.sources[i] === src) {
        out[i] = before.order[i];
        continue;
      }
      out[i] = bySource?.get(src) ?? translateResource(typeUrl, src);
    }
    return out;
  }

  private update(
    typeUrl: SnapshotTypeUrl,
    order: CompiledResource[],
    sources: readonly object[],
    diff: ResourceDiff,
  ): TypeState {
    const before = this.state.get(typeUrl);
    if (before && before.sources === sources) return before;
    if (before && before.order.length === order.length && before.sources.length === sources.length) {
      const patched = this.patch(typeUrl, before, order, sources, diff);
      if (patched) return patched;
    }
    const previous = before?.byName ?? new Map<string, CompiledResource>();
    let identical = before !== undefined && before.order.length === order.length;
    let sameNames = identical;
    const byName = new Map<string, CompiledResource>();
    for (let i = 0; i < order.length; i++) {
      const r = order[i];
      byName.set(r.name, r);
      if (identical && before!.order[i] !== r) identical = false;
      if (sameNames && before!.order[i].name !== r.name) sameNames = false;
      const old = previous.get(r.name);
      if (old === r) continue;
      if (old === undefined) diff.added.push({ typeUrl, name: r.name });
      else if (old.version !== r.version) diff.changed.push({ typeUrl, name: r.name });
    }
    if (byName.size !== previous.size || !sameNames) {
      for (const name of previous.keys()) if (!byName.has(name)) diff.removed.push({ typeUrl, name });
    }
    if (identical) {
      const same = { ...before!, sources };
      this.state.set(typeUrl, same);
      return same;
    }
    let sorted: CompiledResource[];
    if (sameNames) {
      // Same names in the same production order: the sorted view keeps its order, with new entries.
      sorted = before!.sorted.map((r) => byName.get(r.name)!);
    } else sorted = [...order].sort(compareResourceNames);
    const sum = new TypeVersion();
    const sortedIndex = new Map<string, number>();
    sorted.forEach((r, i) => {
      sum.add(r.version);
      sortedIndex.set(r.name, i);
    });
    const state: TypeState = { byName, order, sorted, sortedIndex, sum, version: sum.toString(), sources };
    this.state.set(typeUrl, state);
    return state;
  }

  /**
   * When only some IR objects were replaced (same count, same names at the same places), patch the
   * previous state in O(replaced) instead of rebuilding it. Returns undefined if names moved.
   */
  private patch(
    typeUrl: SnapshotTypeUrl,
    before: TypeState,
    order: CompiledResource[],
    sources: readonly object[],
    diff: ResourceDiff,
  ): TypeState | undefined {
    const replaced: number[] = [];
    for (let i = 0; i < sources.length; i++) if (sources[i] !== before.sources[i]) replaced.push(i);
    if (replaced.length > 64) return undefined;
    for (const i of replaced) if (order[i].name !== before.order[i].name) return undefined;
    const sorted = before.sorted.slice();
    const sum = before.sum.clone();
    for (const i of replaced) {
      const next = order[i];
      const old = before.order[i];
      before.byName.set(next.name, next);
      sorted[before.sortedIndex.get(next.name)!] = next;
      if (old.version !== next.version) {
        diff.changed.push({ typeUrl, name: next.name });
        sum.remove(old.version);
        sum.add(next.version);
      }
    }
    const state: TypeState = { ...before, order, sorted, sum, version: sum.toString(), sources };
    this.state.set(typeUrl, state);
    return state;
  }
}

/** One-shot compile (golden tests, tools). */
export function compileRoutes(inputs: CompileInputs): CompileResult {
  return new RouteCompiler().compile(inputs);
}
