import type { SecretObject } from './api-types.js';

/** One row of the credentials table, from a Secret's keyway annotations. */
export interface CredentialRow {
  /** `namespace/name`: the row's identity. */
  key: string;
  namespace: string;
  name: string;
  type: string;
  revision: number;
  serial: string;
  sans: string[];
  issuer: string;
  /** Milliseconds since the epoch; undefined when the Secret holds no certificate. */
  notAfter: number | undefined;
  sources: string;
  /** Milliseconds since the epoch of the last version. */
  lastChange: number | undefined;
  /** Filled from the credential log (`credential-version` events) when known. */
  actor?: string;
}

const A = 'keyway.io/';
const time = (v: string | undefined): number | undefined => {
  const t = v ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : undefined;
};

export function credentialRow(secret: SecretObject): CredentialRow {
  const a = secret.metadata.annotations ?? {};
  const list = (v: string | undefined) => (v ? v.split(',').filter(Boolean) : []);
  return {
    key: `${secret.metadata.namespace}/${secret.metadata.name}`,
    namespace: secret.metadata.namespace,
    name: secret.metadata.name,
    type: secret.type ?? 'Opaque',
    revision: Number(a[`${A}revision`] ?? 0),
    serial: a[`${A}serial`] ?? '',
    sans: list(a[`${A}hosts`]),
    issuer: a[`${A}issuer`] ?? '',
    notAfter: time(a[`${A}not-after`]),
    sources: a[`${A}sources`] ?? a[`${A}source`] ?? '',
    lastChange: time(a[`${A}updated-at`] ?? secret.metadata.creationTimestamp),
  };
}

export type SortKey =
  'namespace' | 'name' | 'type' | 'serial' | 'issuer' | 'notAfter' | 'sources' | 'lastChange' | 'actor';
export const SORT_KEYS: readonly SortKey[] = [
  'namespace',
  'name',
  'type',
  'serial',
  'issuer',
  'notAfter',
  'sources',
  'lastChange',
  'actor',
];

export interface Sort {
  key: SortKey;
  descending: boolean;
}

export interface CredentialFilter {
  /** Words that must all appear in the row's namespace, name, serial, SANs, issuer or actor. */
  text?: string;
  namespace?: string;
  /** Rows whose certificate expires before this time (ms); undefined: any. */
  expiresBefore?: number;
}

/** Rows matching every part of the filter; the order is kept. */
export function filterRows(rows: readonly CredentialRow[], filter: CredentialFilter): CredentialRow[] {
  const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (filter.namespace && r.namespace !== filter.namespace) return false;
    if (
      filter.expiresBefore !== undefined &&
      !(r.notAfter !== undefined && r.notAfter < filter.expiresBefore)
    )
      return false;
    if (words.length === 0) return true;
    const hay = [r.namespace, r.name, r.serial, r.issuer, r.actor ?? '', ...r.sans].join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** A new array sorted by one column; missing values last whichever the direction, ties by key. */
export function sortRows(rows: readonly CredentialRow[], sort: Sort): CredentialRow[] {
  const dir = sort.descending ? -1 : 1;
  const value = (r: CredentialRow): string | number | undefined => {
    const v = r[sort.key];
    return v === '' ? undefined : v;
  };
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === undefined || y === undefined) {
      if (x === y) return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      return x === undefined ? 1 : -1;
    }
    if (x < y) return -dir;
    if (x > y) return dir;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}

/** The actor of each credential's latest version, from `credential-version` events (newest first). */
export function latestActors(
  events: ReadonlyArray<{ kind: string; namespace?: string; name?: string; actor: string }>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) {
    if (e.kind !== 'credential-version' || !e.namespace || !e.name) continue;
    const key = `${e.namespace}/${e.name}`;
    if (!out.has(key)) out.set(key, e.actor);
  }
  return out;
}
