import type { ExportedEvent } from '#keyway/audit-export';
import type { CheckpointSource } from '#keyway/messaging';
import {
  chainCaRecords,
  compareWithCheckpoints,
  foldCheckpoints,
  type CheckpointHead,
  withCheckpointReport,
  type CheckpointReport,
  verifyCaRecords,
  type CaChainVerification,
  type CaRecord,
  type ChainedCaRecord,
} from '#keyway/secrets';
import type { DataSource, EntityManager } from '#keyway/persistence';
import { actorText, type Actor, type AuditEvent, type AuditEventsFilter } from '#keyway/contracts';

/**
 * Appends to the CA's record inside the caller's transaction (the write it records commits with it, or
 * neither does). One writer at a time extends the chain: a transaction-scoped advisory lock orders
 * appenders, so each reads the head the previous one committed.
 */
export async function appendCaRecords(m: EntityManager, records: readonly CaRecord[]): Promise<void> {
  if (records.length === 0) return;
  // Hashed as Postgres will give them back (jsonb drops undefined members).
  const stored = records.map((r) => JSON.parse(JSON.stringify(r)) as CaRecord);
  await m.query(`SELECT pg_advisory_xact_lock(hashtext('keyway-ca-records'))`);
  const head = (await m.query(`SELECT row_hash FROM ca_records ORDER BY seq DESC LIMIT 1`)) as Array<{
    row_hash: string;
  }>;
  const links = chainCaRecords(head[0]?.row_hash ?? null, stored);
  await m.query(
    `INSERT INTO ca_records (at, kind, issuer, serial, actor, detail, previous_hash, row_hash)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[],
                          $7::text[], $8::text[])`,
    [
      stored.map((r) => r.at),
      stored.map((r) => r.kind),
      stored.map((r) => r.issuer),
      stored.map((r) => r.serial ?? null),
      stored.map((r) => (r.actor ? JSON.stringify(r.actor) : null)),
      stored.map((r) => JSON.stringify(r.detail)),
      links.map((l) => l.previousHash),
      links.map((l) => l.rowHash),
    ],
  );
}

const PAGE = 5000;

/** The record is one chain; its signed checkpoints name it so (libs/messaging signed-checkpoints.ts). */
export const CA_CHAIN = 'ca';

/** The chain's head as a checkpoint names it: the last row's seq and hash. */
export async function caRecordHead(ds: DataSource): Promise<Array<[string, CheckpointHead]>> {
  const rows = (await ds.query(`SELECT seq, row_hash FROM ca_records ORDER BY seq DESC LIMIT 1`)) as Array<{
    seq: string;
    row_hash: string;
  }>;
  return rows.map((r) => [CA_CHAIN, { revision: Number(r.seq), rowHash: r.row_hash }]);
}

/** The row hash at a checkpointed seq, if the row is still there (the signer's continuity check). */
export async function caRowHashesAt(
  ds: DataSource,
  chains: ReadonlyArray<[string, number]>,
): Promise<Map<string, string>> {
  const seq = chains.find(([chain]) => chain === CA_CHAIN)?.[1];
  if (seq === undefined) return new Map();
  const rows = (await ds.query(`SELECT row_hash FROM ca_records WHERE seq = $1`, [seq])) as Array<{
    row_hash: string;
  }>;
  return new Map(rows.map((r) => [CA_CHAIN, r.row_hash]));
}

export interface CaRecordVerification extends CaChainVerification {
  /** Present when the ca signs checkpoints: the chain against the last one. */
  checkpoint?: CheckpointReport;
}

/**
 * Reads the whole record in pages, in commit order, and verifies the chain as it goes; then, with
 * signed checkpoints, that the chain still reaches the checkpointed row unchanged (a cut tail or a
 * chain rewritten consistently, hashes and all, by someone with only the database).
 */
export async function verifyCaRecordChain(
  ds: DataSource,
  checkpoints?: CheckpointSource,
): Promise<CaRecordVerification> {
  let folded: ReturnType<typeof foldCheckpoints> | undefined;
  if (checkpoints) {
    // What committed is checkpointed first, so a record written a moment ago counts.
    await checkpoints.checkpoint();
    folded = foldCheckpoints(await checkpoints.read(), checkpoints.publicKey);
  }
  const checkpointed = folded?.heads.get(CA_CHAIN);
  let after = 0;
  let head: string | null = null;
  let checked = 0;
  let last: number | undefined;
  let hashAtCheckpoint: string | undefined;
  let broken: CaChainVerification | undefined;
  for (;;) {
    const page = (await ds.query(
      `SELECT seq, at, kind, issuer, serial, actor, detail, previous_hash, row_hash FROM ca_records
       WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`,
      [after],
    )) as Array<Record<string, unknown>>;
    const rows: ChainedCaRecord[] = page.map((r) => ({
      seq: Number(r.seq),
      at: new Date(r.at as string).toISOString(),
      kind: r.kind as CaRecord['kind'],
      issuer: String(r.issuer),
      serial: (r.serial as string | null) ?? null,
      actor: (r.actor as Record<string, unknown> | null) ?? null,
      detail: r.detail as Record<string, unknown>,
      previousHash: (r.previous_hash as string | null) ?? null,
      rowHash: String(r.row_hash),
    }));
    for (const r of rows) if (r.seq === checkpointed?.revision) hashAtCheckpoint = r.rowHash;
    if (rows.length > 0) last = rows[rows.length - 1]!.seq;
    // Past a break the rows are still read, for the head the checkpoint comparison needs.
    if (!broken) {
      const v = verifyCaRecords(rows, head);
      if (v.ok) head = v.headHash;
      else broken = { ...v, checkedRows: checked + v.checkedRows };
      checked += v.checkedRows;
    }
    if (rows.length < PAGE) break;
    after = last!;
  }
  const chain: CaChainVerification = broken ?? { ok: true, checkedRows: checked, headHash: head };
  if (!folded) return chain;
  const mismatches = compareWithCheckpoints(
    new Map(checkpointed ? [[CA_CHAIN, checkpointed]] : []),
    () => last,
    () => hashAtCheckpoint,
  );
  return withCheckpointReport(chain, folded, mismatches);
}

/**
 * The record as an audit device receives it (libs/audit-export): rows after `cursor` by seq, which is
 * commit order (appenders hold the record's advisory lock until they commit).
 */
export async function caRecordExport(
  ds: DataSource,
  cursor: number,
  limit: number,
): Promise<Array<{ position: number; event: ExportedEvent }>> {
  const rows = (await ds.query(
    `SELECT seq, at, kind, issuer, serial, actor, detail, previous_hash, row_hash FROM ca_records
     WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [cursor, limit],
  )) as Array<Record<string, unknown>>;
  return rows.map((r) => {
    const seq = Number(r.seq);
    return {
      position: seq,
      event: {
        id: `ca:${seq}`,
        writer: 'ca',
        at: new Date(r.at as string).toISOString(),
        kind: `ca-${String(r.kind)}`,
        seq,
        issuer: String(r.issuer),
        serial: (r.serial as string | null) ?? null,
        actor: (r.actor as Actor | null) ?? null,
        detail: r.detail,
        previousHash: (r.previous_hash as string | null) ?? null,
        rowHash: String(r.row_hash),
      },
    };
  });
}

const ACTION: Record<CaRecord['kind'], (r: Record<string, unknown>) => string> = {
  decision: (d) => (d.allowed ? 'allowed' : 'refused'),
  issuance: () => 'issued',
  revocation: () => 'revoked',
  crl: () => 'published',
};

function detailText(kind: CaRecord['kind'], d: Record<string, unknown>): string {
  if (kind === 'decision')
    return `${String(d.action)}${Array.isArray(d.reasons) && d.reasons.length ? `: ${d.reasons.join('; ')}` : ''}`;
  if (kind === 'issuance') return String(d.subject ?? '');
  if (kind === 'revocation') return String(d.reason ?? '');
  return `CRL ${String(d.crlNumber)}, ${String(d.revokedCount)} revoked`;
}

/**
 * The CA's record as audit events, newest first, with the filters `keyway audit log` has (namespaces
 * do not apply: CA records belong to issuers and teams). Ids `ca:<seq>` order rows within a timestamp.
 */
export async function caRecordEvents(ds: DataSource, f: AuditEventsFilter): Promise<AuditEvent[]> {
  const kinds = (f.kinds ?? ['ca-decision', 'ca-issuance', 'ca-revocation', 'ca-crl'])
    .filter((k) => k.startsWith('ca-'))
    .map((k) => k.slice(3));
  if (kinds.length === 0 || f.namespace || f.name) return [];
  const rows = (await ds.query(
    `SELECT 'ca:' || lpad(seq::text, 20, '0') AS event_id, at, kind, issuer, serial, actor, detail
     FROM ca_records
     WHERE kind = ANY($1)
       AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3)
       AND ($4::text IS NULL OR actor->>'name' = $4 OR (actor->>'kind') || ':' || (actor->>'name') = $4)
       AND ($5::text IS NULL OR actor->>'team' = $5)
       AND ($6::timestamptz IS NULL OR at < $6
            OR (at = $6 AND 'ca:' || lpad(seq::text, 20, '0') < $7))
     ORDER BY at DESC, seq DESC LIMIT $8`,
    [
      kinds,
      f.since ?? null,
      f.until ?? null,
      f.actor ? f.actor.replace(/ \(team [^)]*\)$/, '') : null,
      f.team ?? null,
      f.before?.at ?? null,
      f.before?.id ?? null,
      f.limit,
    ],
  )) as Array<Record<string, unknown>>;
  return rows.map((r) => {
    const kind = r.kind as CaRecord['kind'];
    const detail = r.detail as Record<string, unknown>;
    const actor = r.actor as Actor | null;
    return {
      id: String(r.event_id),
      at: new Date(r.at as string).toISOString(),
      kind: `ca-${kind}` as AuditEvent['kind'],
      actor: actor ? actorText(actor) : 'service:ca',
      ...(actor?.team ? { team: actor.team } : {}),
      action: ACTION[kind](detail),
      ...(r.serial ? { serial: String(r.serial) } : {}),
      detail: `${String(r.issuer)}: ${detailText(kind, detail)}`.slice(0, 512),
    };
  });
}
