import type { DataSource } from 'typeorm';

/**
 * Where each audit device (AUDIT_SINK, libs/audit-export) has got to in a service's record: the last
 * commit-order position handed over. In the record's own schema, so a restart resumes exactly after it.
 */
export const AUDIT_EXPORT_CURSORS_TABLE = `CREATE TABLE audit_export_cursors (
  sink text PRIMARY KEY,
  last_id bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now())`;

export function exportCursorStore(ds: DataSource): {
  loadCursor(sink: string): Promise<number>;
  saveCursor(sink: string, position: number): Promise<void>;
} {
  return {
    async loadCursor(sink) {
      const rows = (await ds.query(`SELECT last_id FROM audit_export_cursors WHERE sink = $1`, [
        sink,
      ])) as Array<{
        last_id: string;
      }>;
      return rows.length ? Number(rows[0]!.last_id) : 0;
    },
    async saveCursor(sink, position) {
      // Never backwards: a slow writer of an older batch cannot undo a newer one.
      await ds.query(
        `INSERT INTO audit_export_cursors (sink, last_id) VALUES ($1, $2)
         ON CONFLICT (sink) DO UPDATE SET last_id = GREATEST(audit_export_cursors.last_id, EXCLUDED.last_id),
           updated_at = now()`,
        [sink, position],
      );
    },
  };
}
