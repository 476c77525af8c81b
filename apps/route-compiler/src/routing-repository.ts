import type { DataSource } from '#keyway/persistence';

/** Postgres notification channel: replicas keep their in-memory stores in step through it. */
export const ROUTING_CHANNEL = 'keyway_routing_changed';

export interface RoutingRow {
  id: string;
  manifest: unknown;
}

/** API-applied routing manifests in Postgres: the source of truth for the `api` source. */
export class RoutingRepository {
  constructor(private readonly ds: DataSource) {}

  async save(
    id: string,
    kind: string,
    namespace: string,
    name: string,
    manifest: unknown,
    actor: unknown,
  ): Promise<void> {
    await this.ds.query(
      `INSERT INTO routing_resources (id, kind, namespace, name, manifest, applied_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (id) DO UPDATE SET manifest = EXCLUDED.manifest, applied_by = EXCLUDED.applied_by, updated_at = now()`,
      [id, kind, namespace, name, JSON.stringify(manifest), JSON.stringify(actor)],
    );
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
