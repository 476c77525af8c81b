import { AUDIT_EXPORT_CURSORS_TABLE, type MigrationInterface, type QueryRunner } from '#keyway/persistence';

/** Where each audit device (AUDIT_SINK) has got to in this service's record (docs/audit.md, "Export"). */
export class ApiAuditExportCursor1765500000000 implements MigrationInterface {
  name = 'ApiAuditExportCursor1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_EXPORT_CURSORS_TABLE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_export_cursors`);
  }
}
