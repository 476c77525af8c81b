import {
  chainCaRecords,
  verifyCaRecords,
  type CaChainVerification,
  type CaRecord,
  type ChainedCaRecord,
} from '#keyway/secrets';
import type { DataSource, EntityManager } from '#keyway/persistence';

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

/** Reads the whole record in pages, in commit order, and verifies the chain as it goes. */
export async function verifyCaRecordChain(ds: DataSource): Promise<CaChainVerification> {
  let after = 0;
  let head: string | null = null;
  let checked = 0;
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
    const v = verifyCaRecords(rows, head);
    if (!v.ok) return { ...v, checkedRows: checked + v.checkedRows };
    checked += v.checkedRows;
    head = v.headHash;
    if (rows.length < PAGE) return { ok: true, checkedRows: checked, headHash: head };
    after = rows[rows.length - 1]!.seq;
  }
}
