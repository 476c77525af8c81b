import type { DataSource } from 'typeorm';
import type { AuditExporter, ExportedEvent } from '#keyway/audit-export';
import type { AuditEvent } from '#keyway/contracts';
import type { Logger } from '#keyway/observability';
import { FOLDED_STATUSES, MAX_LOGGED_PATH, RefusalTally, type RequestLogEntry } from './refusal-tally.js';

export interface RequestLogOptions {
  /** Rows older than this many days are deleted (API_REQUEST_LOG_RETENTION_DAYS); 0 keeps them all. */
  retentionDays: number;
  /** How long refusals are folded before their rows are written. */
  foldWindowMs: number;
  /** How often old rows are pruned. */
  pruneIntervalMs: number;
  logger: Logger;
}

/** Rows deleted per statement, so a prune never holds a long lock on the table. */
const PRUNE_BATCH = 10_000;

/**
 * The api's request log (`api.request_log`): who asked what, and the answer. Unlike the credential
 * versions and the CA's record, it is kept for `retentionDays` only, and refusals are folded
 * (refusal-tally.ts), so no client can grow it without bound.
 */
export class RequestLog {
  readonly #tally = new RefusalTally();
  #timers: NodeJS.Timeout[] = [];
  #pending: Array<{ row: RequestLogEntry & { count: number }; done: (err?: Error) => void }> = [];
  #draining: Promise<void> | null = null;
  /** The audit device (AUDIT_SINK) the log is exported to, if any. */
  device?: AuditExporter;

  constructor(
    private readonly ds: DataSource,
    private readonly o: RequestLogOptions,
  ) {}

  async start(): Promise<void> {
    await this.device?.start();
    void this.prune();
    const flush = setInterval(() => void this.flush(), this.o.foldWindowMs);
    const prune = setInterval(() => void this.prune(), this.o.pruneIntervalMs);
    flush.unref();
    prune.unref();
    this.#timers = [flush, prune];
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    while (this.#draining) await this.#draining;
    await this.flush();
    await this.device?.stop();
  }

  /** Fail closed (AUDIT_SINK_REQUIRED): while the device cannot be written, requests are refused. */
  refusing(): string | undefined {
    const d = this.device;
    return d && !d.writable() ? d.health().detail : undefined;
  }

  /** One answered request: a row now, or a count in this window's fold for a refusal. */
  async record(entry: RequestLogEntry): Promise<void> {
    const e = { ...entry, path: entry.path.slice(0, MAX_LOGGED_PATH) };
    if (FOLDED_STATUSES.has(e.status)) this.#tally.add(e);
    else await this.#queue({ ...e, count: 1 });
  }

  /** Writes the folded refusals of the window that ends now. */
  async flush(): Promise<void> {
    const rows = this.#tally.drain();
    if (rows.length === 0) return;
    await this.#insert(rows).catch((e: Error) =>
      this.o.logger.warn({ err: e.message, rows: rows.length }, 'request log: folded refusals not written'),
    );
  }

  /** Deletes rows past the retention, in batches; returns how many. */
  async prune(): Promise<number> {
    if (this.o.retentionDays === 0) return 0;
    let deleted = 0;
    try {
      for (;;) {
        const r = (await this.ds.query(
          `DELETE FROM api.request_log WHERE id IN (
             SELECT id FROM api.request_log WHERE at < now() - make_interval(days => $1) LIMIT ${PRUNE_BATCH})`,
          [this.o.retentionDays],
        )) as [unknown, number];
        deleted += r[1];
        if (r[1] < PRUNE_BATCH) break;
      }
      if (deleted > 0)
        this.o.logger.info({ deleted, retentionDays: this.o.retentionDays }, 'request log pruned');
    } catch (e) {
      this.o.logger.warn({ err: (e as Error).message }, 'request log prune failed');
    }
    return deleted;
  }

  /**
   * Group commit: rows answered while a transaction is under way wait for it and then go together in
   * the next one, so a busy api pays one locked transaction per batch rather than per request (the
   * lock serializes every replica's writes). Each caller resolves once its own row is committed.
   */
  #queue(row: RequestLogEntry & { count: number }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ row, done: (err) => (err ? reject(err) : resolve()) });
      this.#draining ??= this.#drain().finally(() => (this.#draining = null));
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, 1000);
      try {
        await this.#insert(batch.map((b) => b.row));
        for (const b of batch) b.done();
      } catch (e) {
        for (const b of batch) b.done(e as Error);
      }
    }
  }

  async #insert(rows: Array<RequestLogEntry & { count: number }>): Promise<void> {
    // Every api replica writes here: the lock, held to commit and taken before the ids are, makes ids
    // commit in increasing order, which is what lets an audit device follow the log by id.
    await this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('keyway-api-request-log'))`);
      await m.query(
        `INSERT INTO api.request_log (actor, team, method, path, status, duration_ms, count)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[])`,
        [
          rows.map((r) => r.actor),
          rows.map((r) => r.team ?? null),
          rows.map((r) => r.method),
          rows.map((r) => r.path),
          rows.map((r) => r.status),
          rows.map((r) => Math.round(r.durationMs)),
          rows.map((r) => r.count),
        ],
      );
    });
    this.device?.nudge();
  }

  /** The log as an audit device receives it (libs/audit-export): rows after `cursor` by id. */
  async exportAfter(
    cursor: number,
    limit: number,
  ): Promise<Array<{ position: number; event: ExportedEvent }>> {
    const rows = (await this.ds.query(
      `SELECT id, at, actor, team, method, path, status, duration_ms, count FROM api.request_log
       WHERE id > $1 ORDER BY id LIMIT $2`,
      [cursor, limit],
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => {
      const id = Number(r.id);
      return {
        position: id,
        event: {
          id: `api:${id}`,
          writer: 'api',
          at: new Date(r.at as string).toISOString(),
          kind: 'api-request',
          actor: String(r.actor),
          team: (r.team as string | null) ?? null,
          method: String(r.method),
          path: String(r.path),
          status: Number(r.status),
          durationMs: Number(r.duration_ms),
          count: Number(r.count),
        },
      };
    });
  }

  /** The request log as audit events, newest first (GET /v1/audit/events). */
  async events(f: {
    since?: string;
    until?: string;
    actor?: string;
    team?: string;
    namespace?: string;
    before?: { at: string; id: string };
    limit: number;
  }): Promise<AuditEvent[]> {
    const atText = `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    const eventId = `'api:' || lpad(id::text, 20, '0')`;
    const rows: Array<{
      event_id: string;
      at_iso: string;
      actor: string;
      team: string | null;
      method: string;
      path: string;
      status: number;
      count: number;
    }> = await this.ds.query(
      `SELECT ${eventId} AS event_id, ${atText} AS at_iso, actor, team, method, path, status, count
         FROM api.request_log
         WHERE ($1::text IS NULL OR ${atText} >= $1) AND ($2::text IS NULL OR ${atText} < $2)
           AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR team = $4)
           AND ($5::text IS NULL OR left(path, length($5) + 16) = '/v1/namespaces/' || $5 || '/')
           AND ($6::text IS NULL OR ${atText} < $6 OR (${atText} = $6 AND ${eventId} < $7))
         ORDER BY at DESC, id DESC LIMIT $8`,
      [
        f.since ?? null,
        f.until ?? null,
        f.actor ?? null,
        f.team ?? null,
        f.namespace ?? null,
        f.before?.at ?? null,
        f.before?.id ?? null,
        f.limit,
      ],
    );
    return rows.map((r) => {
      const ns = /^\/v1\/namespaces\/([^/]+)\//.exec(r.path)?.[1];
      return {
        id: r.event_id,
        at: r.at_iso,
        kind: 'api-request' as const,
        actor: r.actor,
        ...(r.team ? { team: r.team } : {}),
        ...(ns ? { namespace: ns } : {}),
        action: `${r.method} ${r.path}`,
        detail: r.count > 1 ? `${r.status} x${r.count}` : String(r.status),
      };
    });
  }
}
