import type { SealedEnvelope } from '#keyway/key-material';
import {
  checkLeaderFence,
  FencedError,
  type DataSource,
  type EntityManager,
  type LeaderFence,
} from '#keyway/persistence';
import type { AuditEvent, AuditEventsFilter } from '#keyway/contracts';
import type { ChainedAuditRow } from '#keyway/secrets';
import type { ExportedEvent } from '#keyway/audit-export';
import { finalApiSecretChanges } from './api-secret-changes.js';

/** A change to the API source's stored Secrets, committed in the same transaction as its audit rows. */
export type ApiSecretChange =
  | { op: 'upsert'; namespace: string; name: string; sealedManifest: SealedEnvelope; actor: string }
  | { op: 'delete'; namespace: string; name: string };

export interface StoredApiSecret {
  namespace: string;
  name: string;
  sealedManifest: SealedEnvelope;
  actor: string;
  createdAt: string;
  updatedAt: string;
}

/** The Postgres seam of the reconciler: rows commit (with the API store change) or nothing does. */
export interface AuditStore {
  commit(rows: readonly ChainedAuditRow[], apiChanges?: readonly ApiSecretChange[]): Promise<void>;
  /** The latest row of every credential (rejected ones included): the chain heads. */
  heads(): Promise<ChainedAuditRow[]>;
  /** The latest row of every credential that is not a rejection: what was last served. */
  served(namespace?: string): Promise<ChainedAuditRow[]>;
  history(
    namespace: string,
    name: string,
    limit: number,
    beforeRevision?: number,
  ): Promise<ChainedAuditRow[]>;
  version(namespace: string, name: string, revision: number): Promise<ChainedAuditRow | undefined>;
  /** Rows in chain order (per credential by revision), optionally for one namespace or credential. */
  rows(namespace?: string, name?: string): Promise<ChainedAuditRow[]>;
  /** The same rows in pages of `size`, so verify never holds the whole log. */
  rowPages(namespace?: string, name?: string, size?: number): AsyncIterable<ChainedAuditRow[]>;
  apiSecrets(): Promise<StoredApiSecret[]>;
  /** Credential versions and rejections as audit events, newest first (GET /v1/audit/events). */
  events?(filter: AuditEventsFilter): Promise<AuditEvent[]>;
}

const COLUMNS = `namespace, name, revision, action, source, actor, leaf_serial, subject, sans, issuer, not_before,
  not_after, leaf_fingerprint, ca_fingerprints, public_key_fingerprint, content_hash, reason, recorded_at,
  previous_hash, row_hash`;

type DbRow = Record<string, unknown>;

function fromDb(r: DbRow): ChainedAuditRow {
  return {
    namespace: String(r.namespace),
    name: String(r.name),
    revision: Number(r.revision),
    action: r.action as ChainedAuditRow['action'],
    source: String(r.source),
    actor: String(r.actor),
    leafSerial: (r.leaf_serial as string | null) ?? null,
    subject: (r.subject as string | null) ?? null,
    sans: (r.sans as string[]) ?? [],
    issuer: (r.issuer as string | null) ?? null,
    notBefore: (r.not_before as string | null) ?? null,
    notAfter: (r.not_after as string | null) ?? null,
    leafFingerprint: (r.leaf_fingerprint as string | null) ?? null,
    caFingerprints: (r.ca_fingerprints as string[]) ?? [],
    publicKeyFingerprint: (r.public_key_fingerprint as string | null) ?? null,
    contentHash: (r.content_hash as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    recordedAt: String(r.recorded_at),
    previousHash: (r.previous_hash as string | null) ?? null,
    rowHash: String(r.row_hash),
  };
}

function toParams(r: ChainedAuditRow): unknown[] {
  return [
    r.namespace,
    r.name,
    r.revision,
    r.action,
    r.source,
    r.actor,
    r.leafSerial,
    r.subject,
    JSON.stringify(r.sans),
    r.issuer,
    r.notBefore,
    r.notAfter,
    r.leafFingerprint,
    JSON.stringify(r.caFingerprints),
    r.publicKeyFingerprint,
    r.contentHash,
    r.reason,
    r.recordedAt,
    r.previousHash,
    r.rowHash,
  ];
}

/** Each column's parameter type in COLUMNS' order; the jsonb ones travel as text and are cast. */
const COLUMN_NAMES = COLUMNS.split(',').map((c) => c.trim());
const COLUMN_TYPES = COLUMN_NAMES.map((c) => (c === 'revision' ? 'int' : 'text'));
const JSONB_COLUMNS = new Set(['sans', 'ca_fingerprints']);
const INSERT_SELECT = COLUMN_NAMES.map((c) => (JSONB_COLUMNS.has(c) ? `${c}::jsonb` : c)).join(', ');

/** Rows as one array per column (toParams' order). */
function toColumnArrays(rows: readonly ChainedAuditRow[]): unknown[][] {
  const columns: unknown[][] = COLUMN_TYPES.map(() => new Array<unknown>(rows.length));
  rows.forEach((row, r) => toParams(row).forEach((v, c) => (columns[c][r] = v)));
  return columns;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/** This replica's fencing token and what to do when a newer leader has written (#keyway/persistence). */
export type AuditFence = LeaderFence;
export { FencedError };

export class PostgresAuditStore implements AuditStore {
  constructor(
    private readonly ds: DataSource,
    private readonly fence?: AuditFence,
  ) {}

  async commit(rows: readonly ChainedAuditRow[], apiChanges: readonly ApiSecretChange[] = []): Promise<void> {
    await this.ds.transaction(async (m: EntityManager) => {
      if (this.fence) await checkLeaderFence(m, this.fence);
      // The whole group in one statement: a column per array parameter, rows in the group's order
      // (ids are the export's commit order).
      if (rows.length) {
        const params = toColumnArrays(rows);
        await m.query(
          `INSERT INTO audit_log (${COLUMNS})
             SELECT ${INSERT_SELECT} FROM unnest(${COLUMN_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
               WITH ORDINALITY AS u(${COLUMNS}, ord)
             ORDER BY ord`,
          params,
        );
      }
      const { upserts, deletes } = finalApiSecretChanges(apiChanges);
      // One statement each, whatever the group's size: arrays, not a parameter per value.
      if (deletes.length)
        await m.query(
          `DELETE FROM api_secrets WHERE (namespace, name) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
          [deletes.map((c) => c.namespace), deletes.map((c) => c.name)],
        );
      if (upserts.length)
        await m.query(
          `INSERT INTO api_secrets (namespace, name, sealed_manifest, actor)
             SELECT namespace, name, sealed_manifest::jsonb, actor
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(namespace, name, sealed_manifest, actor)
           ON CONFLICT (namespace, name) DO UPDATE SET sealed_manifest = EXCLUDED.sealed_manifest,
             actor = EXCLUDED.actor, updated_at = now()`,
          [
            upserts.map((c) => c.namespace),
            upserts.map((c) => c.name),
            upserts.map((c) => JSON.stringify(c.sealedManifest)),
            upserts.map((c) => c.actor),
          ],
        );
    });
  }

  async heads(): Promise<ChainedAuditRow[]> {
    const rows: DbRow[] = await this.ds.query(
      `SELECT DISTINCT ON (namespace, name) ${COLUMNS} FROM audit_log ORDER BY namespace, name, revision DESC`,
    );
    return rows.map(fromDb);
  }

  /**
   * The log as an audit device receives it (libs/audit-export): rows after `cursor` by `id`, which is
   * commit order because one writer commits one group at a time.
   */
  async exportAfter(
    cursor: number,
    limit: number,
  ): Promise<Array<{ position: number; event: ExportedEvent }>> {
    const rows: DbRow[] = await this.ds.query(
      `SELECT id, ${COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2`,
      [cursor, limit],
    );
    return rows.map((r) => {
      const row = fromDb(r);
      const position = Number(r.id);
      return {
        position,
        event: {
          id: `secret-watcher:${position}`,
          writer: 'secret-watcher',
          at: row.recordedAt,
          kind: row.action === 'rejected' ? 'rejected-version' : 'credential-version',
          ...row,
        },
      };
    });
  }

  /** The row hash at each `namespace/name` chain's revision (the checkpoint signer's continuity check). */
  async rowHashesAt(chains: ReadonlyArray<[string, number]>): Promise<Map<string, string>> {
    const split = chains.map(([chain, revision]) => {
      const slash = chain.indexOf('/');
      return { namespace: chain.slice(0, slash), name: chain.slice(slash + 1), revision };
    });
    const rows = (await this.ds.query(
      `SELECT a.namespace, a.name, a.row_hash FROM audit_log a
       JOIN unnest($1::text[], $2::text[], $3::int[]) AS w(namespace, name, revision)
         ON a.namespace = w.namespace AND a.name = w.name AND a.revision = w.revision`,
      [split.map((c) => c.namespace), split.map((c) => c.name), split.map((c) => c.revision)],
    )) as Array<{ namespace: string; name: string; row_hash: string }>;
    return new Map(rows.map((r) => [`${r.namespace}/${r.name}`, r.row_hash]));
  }

  async served(namespace?: string): Promise<ChainedAuditRow[]> {
    const rows: DbRow[] = await this.ds.query(
      `SELECT DISTINCT ON (namespace, name) ${COLUMNS} FROM audit_log
       WHERE action <> 'rejected' AND ($1::text IS NULL OR namespace = $1)
       ORDER BY namespace, name, revision DESC`,
      [namespace ?? null],
    );
    return rows.map(fromDb);
  }

  async history(
    namespace: string,
    name: string,
    limit: number,
    beforeRevision?: number,
  ): Promise<ChainedAuditRow[]> {
    const rows: DbRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM audit_log WHERE namespace = $1 AND name = $2 AND ($3::int IS NULL OR revision < $3)
       ORDER BY revision DESC LIMIT $4`,
      [namespace, name, beforeRevision ?? null, limit],
    );
    return rows.map(fromDb);
  }

  async version(namespace: string, name: string, revision: number): Promise<ChainedAuditRow | undefined> {
    const rows: DbRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM audit_log WHERE namespace = $1 AND name = $2 AND revision = $3`,
      [namespace, name, revision],
    );
    return rows[0] ? fromDb(rows[0]) : undefined;
  }

  async rows(namespace?: string, name?: string): Promise<ChainedAuditRow[]> {
    const rows: DbRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM audit_log WHERE ($1::text IS NULL OR namespace = $1) AND ($2::text IS NULL OR name = $2)
       ORDER BY namespace, name, revision`,
      [namespace ?? null, name ?? null],
    );
    return rows.map(fromDb);
  }

  async *rowPages(namespace?: string, name?: string, size = 2000): AsyncIterable<ChainedAuditRow[]> {
    // One server-side cursor over one snapshot, fetched `size` rows at a time: the query is planned
    // and its index walked once (keyset pages re-seek every page, and were slower than one whole
    // read), and only a page is ever in memory.
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction('REPEATABLE READ');
      await qr.query(
        `DECLARE audit_rows NO SCROLL CURSOR FOR SELECT ${COLUMNS} FROM audit_log
         WHERE ($1::text IS NULL OR namespace = $1) AND ($2::text IS NULL OR name = $2)
         ORDER BY namespace, name, revision`,
        [namespace ?? null, name ?? null],
      );
      for (;;) {
        const rows: DbRow[] = await qr.query(`FETCH ${Number(size)} FROM audit_rows`);
        if (rows.length === 0) break;
        yield rows.map(fromDb);
        if (rows.length < size) break;
      }
      await qr.commitTransaction();
    } finally {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      await qr.release();
    }
  }

  async events(f: AuditEventsFilter): Promise<AuditEvent[]> {
    const kinds = f.kinds ?? ['credential-version', 'rejected-version'];
    const actions = [
      ...(kinds.includes('credential-version') ? ['created', 'updated', 'deleted'] : []),
      ...(kinds.includes('rejected-version') ? ['rejected'] : []),
    ];
    if (actions.length === 0) return [];
    // Event ids are zero-padded so that, within one timestamp, text order is row order.
    const rows: Array<DbRow & { event_id: string }> = await this.ds.query(
      `SELECT 'sw:' || lpad(id::text, 20, '0') AS event_id, namespace, name, revision, action, actor, leaf_serial,
         reason, recorded_at
       FROM audit_log
       WHERE action = ANY($1)
         AND ($2::text IS NULL OR recorded_at >= $2) AND ($3::text IS NULL OR recorded_at < $3)
         AND ($4::text IS NULL OR actor = $4 OR left(actor, length($4) + 7) = $4 || ' (team ')
         AND ($5::text IS NULL OR right(actor, length($5) + 7) = '(team ' || $5 || ')')
         AND ($6::text IS NULL OR namespace = $6) AND ($7::text IS NULL OR name = $7)
         AND ($8::text[] IS NULL OR namespace = ANY($8))
         AND ($9::text IS NULL OR recorded_at < $9
              OR (recorded_at = $9 AND 'sw:' || lpad(id::text, 20, '0') < $10))
       ORDER BY recorded_at DESC, id DESC LIMIT $11`,
      [
        actions,
        f.since ?? null,
        f.until ?? null,
        f.actor ?? null,
        f.team ?? null,
        f.namespace ?? null,
        f.name ?? null,
        f.namespaces ?? null,
        f.before?.at ?? null,
        f.before?.id ?? null,
        f.limit,
      ],
    );
    return rows.map((r) => {
      const actor = String(r.actor);
      const team = /\(team ([^)]+)\)$/.exec(actor)?.[1];
      return {
        id: r.event_id,
        at: String(r.recorded_at),
        kind: r.action === 'rejected' ? 'rejected-version' : 'credential-version',
        actor,
        ...(team ? { team } : {}),
        namespace: String(r.namespace),
        name: String(r.name),
        action: String(r.action),
        revision: Number(r.revision),
        ...(r.leaf_serial ? { serial: String(r.leaf_serial) } : {}),
        ...(r.reason ? { detail: String(r.reason) } : {}),
      };
    });
  }

  async apiSecrets(): Promise<StoredApiSecret[]> {
    const rows: DbRow[] = await this.ds.query(
      `SELECT namespace, name, sealed_manifest, actor, created_at, updated_at FROM api_secrets ORDER BY namespace, name`,
    );
    return rows.map((r) => ({
      namespace: String(r.namespace),
      name: String(r.name),
      sealedManifest: r.sealed_manifest as SealedEnvelope,
      actor: String(r.actor),
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
    }));
  }
}

/** Errors that mean "Postgres is not reachable right now": retry, never give up on the version. */
export function isTransientDatabaseError(e: unknown): boolean {
  const err = e as { code?: string; message?: string; driverError?: { code?: string } };
  const code = err?.code ?? err?.driverError?.code ?? '';
  if (/^(08|57P|53)/.test(code)) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) return true;
  return /connection terminated|terminating connection|connection refused|Connection terminated|the database system is (starting|shutting) up|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    err?.message ?? '',
  );
}
