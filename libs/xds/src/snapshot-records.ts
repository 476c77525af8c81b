import { createHash } from 'node:crypto';
import { proxyGroupId, snapshotKey, type ProxyGroupRecord, type XdsResourceRecord } from '#keyway/contracts';
import type { CompiledResource } from './encode.js';
import { SNAPSHOT_TYPE_URLS, type CompileResult, type SnapshotTypeUrl } from './route-compiler.js';

export interface SnapshotWrite {
  key: string;
  value: XdsResourceRecord;
}

/** What to write to the xds snapshots bucket for one compile: puts for added and changed, deletes for removed. */
export interface SnapshotChanges {
  puts: SnapshotWrite[];
  deletes: string[];
}

export function resourceRecord(
  groupId: string,
  typeUrl: SnapshotTypeUrl,
  r: CompiledResource,
): SnapshotWrite {
  return {
    key: snapshotKey(groupId, typeUrl, r.name),
    value: {
      schemaVersion: 1,
      groupId,
      typeUrl,
      name: r.name,
      version: r.version,
      resource: r.bytes.toString('base64'),
    },
  };
}

/** Every resource of a compile as bucket writes (a fresh publish, or a resync after restart). */
export function allSnapshotRecords(groupId: string, result: CompileResult): SnapshotWrite[] {
  return SNAPSHOT_TYPE_URLS.flatMap((t) => result.resources[t].map((r) => resourceRecord(groupId, t, r)));
}

/** Only what the compile's diff says changed: identical output publishes nothing. */
export function snapshotChanges(groupId: string, result: CompileResult): SnapshotChanges {
  const indexes = new Map<string, Map<string, CompiledResource>>();
  const find = (typeUrl: string, name: string): CompiledResource | undefined => {
    let index = indexes.get(typeUrl);
    if (!index) {
      index = new Map(result.resources[typeUrl as SnapshotTypeUrl].map((r) => [r.name, r]));
      indexes.set(typeUrl, index);
    }
    return index.get(name);
  };
  const puts = [...result.diff.added, ...result.diff.changed].map(({ typeUrl, name }) =>
    resourceRecord(groupId, typeUrl as SnapshotTypeUrl, find(typeUrl, name)!),
  );
  const deletes = result.diff.removed.map(({ typeUrl, name }) =>
    snapshotKey(groupId, typeUrl as SnapshotTypeUrl, name),
  );
  return { puts, deletes };
}

/** The group record: its identity, a version over every type's version, and the resource count. */
export function groupRecord(result: CompileResult): ProxyGroupRecord {
  const { namespace, labels } = result.ir.group;
  const h = createHash('sha256');
  for (const t of SNAPSHOT_TYPE_URLS) h.update(`${t} ${result.versions[t]}\n`);
  return {
    schemaVersion: 1,
    groupId: proxyGroupId(namespace, labels),
    namespace,
    labels: { ...labels },
    version: h.digest('hex').slice(0, 16),
    resourceCount: SNAPSHOT_TYPE_URLS.reduce((n, t) => n + result.resources[t].length, 0),
  };
}
