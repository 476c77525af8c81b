import type { IrStatus } from '#keyway/ir';
import {
  allSnapshotRecords,
  groupRecord,
  RouteCompiler,
  snapshotChanges,
  type CompileResult,
  type SnapshotChanges,
} from '#keyway/xds';
import type { KnownGroup } from './proxy-groups.js';
import type { RoutingInputs } from './resource-store.js';

export interface GroupOutput {
  group: KnownGroup;
  result: CompileResult;
  /** Writes for the snapshots bucket; empty when the output is identical to the last publish. */
  changes: SnapshotChanges;
  /**
   * A new compiler (first compile of the group, or after `forget`): `changes` puts everything, and
   * keys of the group in the bucket that it does not put are stale, to be deleted.
   */
  fresh: boolean;
}

export interface CompileRound {
  outputs: GroupOutput[];
  /** Groups with no proxy left: every key they had is to be deleted. */
  removed: { groupId: string; keys: string[] }[];
}

/** One incremental RouteCompiler per proxy group; groups come and go with their proxies. */
export class GroupCompilers {
  private readonly compilers = new Map<string, { compiler: RouteCompiler; keys: Set<string> }>();

  compile(
    inputs: RoutingInputs,
    groups: readonly KnownGroup[],
    knownCredentials?: (namespace: string) => ReadonlySet<string> | undefined,
    /** The Gateways one group may use (credential grants depend on the proxies' namespace). */
    gatewaysFor?: (group: KnownGroup) => RoutingInputs['gateways'],
  ): CompileRound {
    const outputs: GroupOutput[] = [];
    const live = new Set<string>();
    for (const group of groups) {
      live.add(group.groupId);
      let entry = this.compilers.get(group.groupId);
      const fresh = !entry;
      if (!entry) {
        entry = { compiler: new RouteCompiler(), keys: new Set() };
        this.compilers.set(group.groupId, entry);
      }
      const result = entry.compiler.compile({
        ...inputs,
        ...(gatewaysFor ? { gateways: gatewaysFor(group) } : {}),
        group: { namespace: group.namespace, labels: group.labels },
        knownCredentials: knownCredentials?.(group.namespace),
      });
      // A new compiler reports everything as added; a restarted service republishes all of it.
      const changes = fresh
        ? { puts: allSnapshotRecords(group.groupId, result), deletes: [] }
        : snapshotChanges(group.groupId, result);
      for (const p of changes.puts) entry.keys.add(p.key);
      for (const d of changes.deletes) entry.keys.delete(d);
      outputs.push({ group, result, changes, fresh });
    }
    const removed: CompileRound['removed'] = [];
    for (const [groupId, entry] of this.compilers) {
      if (live.has(groupId)) continue;
      removed.push({ groupId, keys: [...entry.keys] });
      this.compilers.delete(groupId);
    }
    return { outputs, removed };
  }

  /**
   * Forgets a group's compiler, after its changes did not all reach the bucket: the next compile
   * starts fresh and publishes the whole snapshot again (the bucket is what proxies are served).
   */
  forget(groupId: string): void {
    this.compilers.delete(groupId);
  }

  static groupRecord = groupRecord;
}

/** Statuses of several groups merged per resource: accepted only if every group accepted it. */
export function mergeStatuses(perGroup: readonly IrStatus[][]): IrStatus[] {
  const merged = new Map<string, IrStatus>();
  for (const statuses of perGroup) {
    for (const s of statuses) {
      const m = merged.get(s.resource);
      if (!m) merged.set(s.resource, { ...s, conditions: [...s.conditions] });
      else {
        m.accepted &&= s.accepted;
        for (const c of s.conditions) {
          if (!m.conditions.some((x) => x.field === c.field && x.code === c.code && x.message === c.message))
            m.conditions.push(c);
        }
      }
    }
  }
  return [...merged.values()].sort((a, b) => (a.resource < b.resource ? -1 : 1));
}

/** Host-ownership refusals (#keyway/tenancy) added to the statuses: the resource is not accepted. */
export function withOwnershipConditions(
  statuses: IrStatus[],
  conditions: ReadonlyArray<{ resource: string; condition: IrStatus['conditions'][number] }>,
): IrStatus[] {
  if (conditions.length === 0) return statuses;
  const byResource = new Map(statuses.map((s) => [s.resource, { ...s, conditions: [...s.conditions] }]));
  for (const { resource, condition } of conditions) {
    const s = byResource.get(resource) ?? { resource, accepted: false, conditions: [] };
    s.accepted = false;
    s.conditions.push(condition);
    byResource.set(resource, s);
  }
  return [...byResource.values()].sort((a, b) => (a.resource < b.resource ? -1 : 1));
}
