import type { DataSource } from 'typeorm';
import type { Creator } from '#keyway/tenancy';

/** `api.object_creators`: who created each object applied through the api. */
export class ObjectCreators {
  constructor(private readonly ds: DataSource) {}

  /** The creator, or undefined when there is no record. */
  async creatorOf(kind: string, namespace: string, name: string): Promise<Creator | undefined> {
    const rows: Array<{ team: string | null }> = await this.ds.query(
      `SELECT team FROM api.object_creators WHERE kind = $1 AND namespace = $2 AND name = $3`,
      [kind, namespace, name],
    );
    return rows.length ? rows[0].team : undefined;
  }

  /** Records the creator of a new object; an existing record stays (the creator does not change). */
  async created(kind: string, namespace: string, name: string, team: Creator): Promise<void> {
    await this.ds.query(
      `INSERT INTO api.object_creators (kind, namespace, name, team) VALUES ($1, $2, $3, $4)
       ON CONFLICT (kind, namespace, name) DO NOTHING`,
      [kind, namespace, name, team],
    );
  }

  async deleted(kind: string, namespace: string, name: string): Promise<void> {
    await this.ds.query(`DELETE FROM api.object_creators WHERE kind = $1 AND namespace = $2 AND name = $3`, [
      kind,
      namespace,
      name,
    ]);
  }
}
