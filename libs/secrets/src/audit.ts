import type { ResolvedCredential } from './resolve.js';
import { canonicalJson, sha256Hex } from './version.js';

export type AuditAction = 'created' | 'updated' | 'deleted' | 'rejected';

/** One audit row before chaining: everything recorded about a version, never key material. */
export interface AuditEntry {
  namespace: string;
  /** The credential (SDS name). */
  name: string;
  /** Monotonic per credential: every row, rejected ones too, takes the next number. */
  revision: number;
  action: AuditAction;
  /** `api`, `directory`, `kubernetes`... */
  source: string;
  /** `user:alice (team payments)`, `kubernetes`, `file:/etc/keyway/secrets/x.yaml`. */
  actor: string;
  leafSerial: string | null;
  subject: string | null;
  sans: string[];
  issuer: string | null;
  notBefore: string | null;
  notAfter: string | null;
  leafFingerprint: string | null;
  caFingerprints: string[];
  publicKeyFingerprint: string | null;
  contentHash: string | null;
  reason: string | null;
  /** ISO time; part of the hashed content. */
  recordedAt: string;
}

export interface ChainedAuditRow extends AuditEntry {
  previousHash: string | null;
  rowHash: string;
}

export interface AuditEntryInput {
  namespace: string;
  name: string;
  revision: number;
  action: AuditAction;
  source: string;
  actor: string;
  recordedAt: string;
  /** The version the row is about; absent for a rejection that never resolved, or a deletion. */
  credential?: ResolvedCredential;
  /** For rows without a credential (deletion: the hash of the version deleted). */
  contentHash?: string | null;
  reason?: string | null;
}

/** Shapes a row from a credential version. Only summaries and fingerprints are read: never the key. */
export function auditEntry(input: AuditEntryInput): AuditEntry {
  const c = input.credential;
  // A validation context has no leaf: its first CA stands in for subject, issuer and validity.
  const head = c?.leaf ?? c?.cas[0];
  return {
    namespace: input.namespace,
    name: input.name,
    revision: input.revision,
    action: input.action,
    source: input.source,
    actor: input.actor,
    leafSerial: c?.leaf?.serial ?? null,
    subject: head?.subject || null,
    sans: c?.leaf?.sans ?? [],
    issuer: head?.issuer ?? null,
    notBefore: head?.notBefore ?? null,
    notAfter: head?.notAfter ?? null,
    leafFingerprint: c?.leaf?.fingerprint ?? null,
    caFingerprints: c ? c.cas.map((ca) => ca.fingerprint) : [],
    publicKeyFingerprint: c?.leaf?.publicKeyFingerprint ?? null,
    contentHash: c?.contentHash ?? input.contentHash ?? null,
    reason: input.reason ?? null,
    recordedAt: input.recordedAt,
  };
}

const HASHED_FIELDS: ReadonlyArray<keyof AuditEntry> = [
  'namespace',
  'name',
  'revision',
  'action',
  'source',
  'actor',
  'leafSerial',
  'subject',
  'sans',
  'issuer',
  'notBefore',
  'notAfter',
  'leafFingerprint',
  'caFingerprints',
  'publicKeyFingerprint',
  'contentHash',
  'reason',
  'recordedAt',
];

/**
 * SHA-256 over the canonical JSON of the row's fields and the previous row's hash. Only the listed
 * fields count, so storage columns such as a database id do not change the hash.
 */
export function rowHash(previousRowHash: string | null, row: AuditEntry): string {
  const content: Record<string, unknown> = { previousHash: previousRowHash };
  for (const f of HASHED_FIELDS) content[f] = row[f] ?? null;
  return sha256Hex(canonicalJson(content));
}

/** The next row of a credential's chain. */
export function chainRow(
  previous: Pick<ChainedAuditRow, 'rowHash'> | null | undefined,
  entry: AuditEntry,
): ChainedAuditRow {
  const previousHash = previous?.rowHash ?? null;
  return { ...entry, previousHash, rowHash: rowHash(previousHash, entry) };
}

export interface ChainBreak {
  namespace: string;
  name: string;
  revision: number;
  reason: string;
}

export interface ChainVerification {
  ok: boolean;
  checkedCredentials: number;
  checkedRows: number;
  firstBroken?: ChainBreak;
}

/**
 * Recomputes every credential's chain from rows in recorded order (oldest first per credential; the
 * rows of different credentials may interleave). Reports the first row that does not hold: a changed
 * row, a removed or inserted row, or a revision out of sequence.
 */
export function verifyChain(rows: ReadonlyArray<ChainedAuditRow>): ChainVerification {
  const verifier = new ChainVerifier();
  for (const row of rows) if (!verifier.add(row)) break;
  return verifier.result();
}

/**
 * verifyChain one row at a time, for a log read in pages: it keeps only each credential's last
 * revision and hash, so memory follows the number of credentials, not of rows.
 */
export class ChainVerifier {
  readonly #last = new Map<string, { revision: number; rowHash: string }>();
  #checkedRows = 0;
  #broken?: ChainBreak;

  /** Checks the next row in chain order; false from the first row that does not hold. */
  add(row: ChainedAuditRow): boolean {
    if (this.#broken) return false;
    const key = `${row.namespace}/${row.name}`;
    const prev = this.#last.get(key);
    const broken = (reason: string) => {
      this.#broken = { namespace: row.namespace, name: row.name, revision: row.revision, reason };
      return false;
    };
    const expectedRevision = prev ? prev.revision + 1 : 1;
    if (row.revision !== expectedRevision)
      return broken(
        `revision ${row.revision} where ${expectedRevision} was expected (a row is missing or out of order)`,
      );
    if (row.previousHash !== (prev?.rowHash ?? null))
      return broken(`previousHash does not match the hash of the row before it`);
    if (rowHash(row.previousHash, row) !== row.rowHash)
      return broken(`rowHash does not match the row's content (the row was changed)`);
    this.#last.set(key, { revision: row.revision, rowHash: row.rowHash });
    this.#checkedRows++;
    return true;
  }

  result(): ChainVerification {
    return {
      ok: !this.#broken,
      checkedCredentials: this.#last.size,
      checkedRows: this.#checkedRows,
      ...(this.#broken ? { firstBroken: this.#broken } : {}),
    };
  }
}
