import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refused requests are folded into one row per actor, status and window (audit/refusal-tally.ts):
 * `count` says how many a row stands for; `at` is indexed for the retention prune.
 */
export class RequestLogCount1765400000000 implements MigrationInterface {
  name = 'RequestLogCount1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api.request_log ADD COLUMN count integer NOT NULL DEFAULT 1`);
    await q.query(`CREATE INDEX request_log_at ON api.request_log (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX api.request_log_at`);
    await q.query(`ALTER TABLE api.request_log DROP COLUMN count`);
  }
}
