import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each audit device (AUDIT_SINK) has got to in the audit log: the last `audit_log.id` written
 * to it. Kept in the same database as the log, so a restart resumes exactly after it.
 */
export class AuditExportCursor1765400000000 implements MigrationInterface {
  name = 'AuditExportCursor1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_export_cursors (
      sink text PRIMARY KEY,
      last_id bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_export_cursors`);
  }
}
