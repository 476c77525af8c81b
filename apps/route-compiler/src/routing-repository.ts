import type { ApplyRoutingResult } from '#keyway/contracts';
import type { DataSource } from '#keyway/persistence';

/** Postgres notification channel: replicas keep their in-memory stores in step through it. */
export const ROUTING_CHANNEL = 'keyway_routing_changed';

/** What a save did: created, updated (kubectl's "configured") or unchanged. */
export type SaveOutcome = ApplyRoutingResult['outcome'];

export interface RoutingRow {
  id: string;
  manifest: unknown;
}

/** API-applied routing manifests in Postgres: the source of truth for the `api` source. */
export class RoutingRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Inserts or replaces a manifest and says which it did. An identical manifest (jsonb equality:
   * key order and whitespace do not count) leaves the row, and who applied it, as it was.
   */
  async save(
    id: string,
    kind: string,
    namespace: string,
    name: string,
    manifest: unknown,
    actor: unknown,
  ): Promise<SaveOutcome> {
    const rows = (await this.ds.query(
      `INSERT INTO routing_resources (id, kind, namespace, name, manifest, applied_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (id) DO UPDATE SET manifest = EXCLUDED.manifest, applied_by = EXCLUDED.applied_by, updated_at = now()
         WHERE routing_resources.manifest IS DISTINCT FROM EXCLUDED.manifest
       RETURNING (xmax = 0) AS inserted`,
      [id, kind, namespace, name, JSON.stringify(manifest), JSON.stringify(actor)],
    )) as Array<{ inserted: boolean }>;
    if (rows.length === 0) return 'unchanged';
    return rows[0].inserted ? 'created' : 'updated';
  }

  async get(id: string): Promise<RoutingRow | undefined> {
    const rows = (await this.ds.query('SELECT id, manifest FROM routing_resources WHERE id = $1', [
      id,
    ])) as RoutingRow[];
    return rows[0];
  }

  /** Tells every replica (each LISTENs on ROUTING_CHANNEL) that a resource changed. */
  async notify(id: string): Promise<void> {
    await this.ds.query('SELECT pg_notify($1, $2)', [ROUTING_CHANNEL, id]);
  }

  async delete(id: string): Promise<boolean> {
    const result = (await this.ds.query('DELETE FROM routing_resources WHERE id = $1 RETURNING id', [
      id,
    ])) as unknown[];
    const rows = Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
    return rows.length > 0;
  }

  async all(): Promise<RoutingRow[]> {
    return (await this.ds.query('SELECT id, manifest FROM routing_resources ORDER BY id')) as RoutingRow[];
  }
}
