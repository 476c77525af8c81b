import type { CredentialVersion } from './api-types.js';

export interface DiffLine {
  label: string;
  left: string;
  right: string;
  changed: boolean;
}

/**
 * The facts of a version the diff compares, by an allow-list: whatever else a version carries, and
 * never key material, is not shown.
 */
const FIELDS: ReadonlyArray<[string, (v: CredentialVersion) => unknown]> = [
  ['Revision', (v) => v.revision],
  ['Action', (v) => v.action],
  ['Actor', (v) => v.actor],
  ['Source', (v) => v.source],
  ['Recorded', (v) => v.recordedAt],
  ['Subject', (v) => v.subject],
  ['SANs', (v) => v.sans],
  ['Issuer', (v) => v.issuer],
  ['Serial', (v) => v.leafSerial],
  ['Not before', (v) => v.notBefore],
  ['Not after', (v) => v.notAfter],
  ['Key type', (v) => v.keyType],
  ['Leaf fingerprint (SHA-256)', (v) => v.leafFingerprint],
  ['Public key fingerprint (SHA-256)', (v) => v.publicKeyFingerprint],
  ['CA fingerprints', (v) => v.caFingerprints],
  ['Content hash', (v) => v.contentHash],
];

const shown = (v: unknown): string => {
  if (v === undefined || v === null || v === '') return '—';
  if (Array.isArray(v)) return v.length === 0 ? '—' : v.map(String).join(', ');
  return String(v);
};

/** Two versions side by side, one line per fact, marking the ones that differ. */
export function diffVersions(left: CredentialVersion, right: CredentialVersion): DiffLine[] {
  return FIELDS.map(([label, get]) => {
    const l = shown(get(left));
    const r = shown(get(right));
    return { label, left: l, right: r, changed: l !== r };
  });
}

/** The pair the diff opens on: the two requested revisions if they exist, else the last two. */
export function defaultPair(
  revisions: readonly number[],
  asked: { left?: number; right?: number },
): { left: number; right: number } | undefined {
  if (revisions.length === 0) return undefined;
  const sorted = [...revisions].sort((a, b) => a - b);
  const has = (n: number | undefined): n is number => n !== undefined && sorted.includes(n);
  const last = sorted[sorted.length - 1];
  const before = sorted.length > 1 ? sorted[sorted.length - 2] : last;
  return { left: has(asked.left) ? asked.left : before, right: has(asked.right) ? asked.right : last };
}
