import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who created each object applied through the api (a team, or NULL for admin): in a namespace several
 * teams share, only its creator changes it (docs/tenancy.md).
 */
export class ObjectCreators1765100000000 implements MigrationInterface {
  name = 'ObjectCreators1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE api.object_creators (
      kind text NOT NULL,
      namespace text NOT NULL,
      name text NOT NULL,
      team text NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (kind, namespace, name)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api.object_creators`);
  }
}
