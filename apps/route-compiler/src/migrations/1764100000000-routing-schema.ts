import type { MigrationInterface, QueryRunner } from '#keyway/persistence';

/** Routing resources applied through the API, as written (the route-compiler's own schema). */
export class RoutingSchema1764100000000 implements MigrationInterface {
  name = 'RoutingSchema1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE routing_resources (
        id text PRIMARY KEY,
        kind text NOT NULL,
        namespace text NOT NULL,
        name text NOT NULL,
        manifest jsonb NOT NULL,
        applied_by jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE routing_resources');
  }
}
