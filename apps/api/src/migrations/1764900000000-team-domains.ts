import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The domains whose hosts a team owns (docs/tenancy.md): its Gateways and VirtualServices claim only these. */
export class TeamDomains1764900000000 implements MigrationInterface {
  name = 'TeamDomains1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api.teams ADD COLUMN domains text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api.teams DROP COLUMN domains`);
  }
}
