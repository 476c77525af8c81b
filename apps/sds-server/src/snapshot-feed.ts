import { performance } from 'node:perf_hooks';
import { fromBase64url, XdsTypeShort, type XdsResourceRecord } from '#keyway/contracts';
import type { ResourceStore } from './resource-store.js';

export type SnapshotEvent =
  { kind: 'put'; key: string; value: XdsResourceRecord } | { kind: 'delete'; key: string };

const TYPE_BY_SHORT = new Map(
  Object.entries(XdsTypeShort).map(([typeUrl, short]) => [short as string, typeUrl]),
);

/** `<groupId>.<lds|rds|cds|eds>.<base64url(name)>` -> its parts, or undefined for a foreign key. */
export function parseSnapshotKey(
  key: string,
): { groupId: string; typeUrl: string; name: string } | undefined {
  const [groupId, short, encoded, ...rest] = key.split('.');
  const typeUrl = TYPE_BY_SHORT.get(short ?? '');
  if (!groupId || !typeUrl || !encoded || rest.length > 0) return undefined;
  return { groupId, typeUrl, name: fromBase64url(encoded) };
}

/** Snapshots bucket -> served LDS/RDS/CDS/EDS per proxy group; a KV delete removes the resource. */
export class SnapshotFeed {
  constructor(private readonly store: ResourceStore) {}

  apply(event: SnapshotEvent, at = performance.now()): void {
    if (event.kind === 'put') {
      const r = event.value;
      this.store.putResource(
        r.groupId,
        r.typeUrl,
        r.name,
        { version: r.version, bytes: Buffer.from(r.resource, 'base64') },
        at,
      );
      return;
    }
    const parsed = parseSnapshotKey(event.key);
    if (parsed) this.store.deleteResource(parsed.groupId, parsed.typeUrl, parsed.name, at);
  }
}
