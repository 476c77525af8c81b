import { AUDIT_EXPORT_CURSORS_TABLE, type MigrationInterface, type QueryRunner } from '#keyway/persistence';

/**
 * Where each audit device (AUDIT_SINK) has got to in the audit log: the last `audit_log.id` written
 * to it. Kept in the same database as the log, so a restart resumes exactly after it.
 */
export class AuditExportCursor1765400000000 implements MigrationInterface {
  name = 'AuditExportCursor1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_EXPORT_CURSORS_TABLE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_export_cursors`);
  }
}
