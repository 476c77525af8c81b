import { canonicalJson, sha256Hex } from './version.js';

/**
 * The CA's record (issue #15.2): every policy decision, issuance, revocation and CRL publication is
 * one row of a single hash chain, in the order committed, on the same footing as credential versions:
 * each row's hash covers its content and the previous row's hash, so a changed, removed or inserted
 * row breaks the chain at that point. Never key material: names, serials, reasons, digests.
 */
export type CaRecordKind = 'decision' | 'issuance' | 'revocation' | 'crl';

export interface CaRecord {
  kind: CaRecordKind;
  /** ISO 8601. */
  at: string;
  issuer: string;
  serial: string | null;
  /** Who asked (the api's authenticated actor, or the ca itself). */
  actor: Record<string, unknown> | null;
  detail: Record<string, unknown>;
}

export interface ChainedCaRecord extends CaRecord {
  seq: number;
  previousHash: string | null;
  rowHash: string;
}

export function caRecordHash(previousHash: string | null, r: CaRecord): string {
  return sha256Hex(
    canonicalJson({
      previousHash,
      kind: r.kind,
      at: r.at,
      issuer: r.issuer,
      serial: r.serial,
      actor: r.actor,
      detail: r.detail,
    }),
  );
}

/** The hashes of records appended, in order, after the chain's head. */
export function chainCaRecords(
  headHash: string | null,
  records: readonly CaRecord[],
): Array<{ previousHash: string | null; rowHash: string }> {
  let previous = headHash;
  return records.map((r) => {
    const rowHash = caRecordHash(previous, r);
    const link = { previousHash: previous, rowHash };
    previous = rowHash;
    return link;
  });
}

export interface CaChainVerification {
  ok: boolean;
  checkedRows: number;
  /** The row where the chain stops holding. */
  firstBroken?: { seq: number; reason: string };
  /** The last row's hash: what a signed checkpoint would cover. */
  headHash: string | null;
}

/** Verifies rows in commit order (seq ascending; sequence gaps from rolled-back commits are normal). */
export function verifyCaRecords(
  rows: Iterable<ChainedCaRecord>,
  startHash: string | null = null,
): CaChainVerification {
  let previous = startHash;
  let checkedRows = 0;
  for (const row of rows) {
    if (row.previousHash !== previous)
      return {
        ok: false,
        checkedRows,
        headHash: previous,
        firstBroken: {
          seq: row.seq,
          reason: 'previousHash does not match the hash of the row before it (a row was removed or inserted)',
        },
      };
    if (caRecordHash(previous, row) !== row.rowHash)
      return {
        ok: false,
        checkedRows,
        headHash: previous,
        firstBroken: { seq: row.seq, reason: 'the row does not hash to its rowHash (it was changed)' },
      };
    previous = row.rowHash;
    checkedRows++;
  }
  return { ok: true, checkedRows, headHash: previous };
}
