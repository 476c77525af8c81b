import { createThrowawayDatabase, type ThrowawayDatabase } from '#keyway/testing';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { openServiceDatabase, postgresHealth } from './data-source.js';

class CreateThings1700000000000 implements MigrationInterface {
  name = 'CreateThings1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE "thing" (id serial PRIMARY KEY, name text NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "thing"');
  }
}

describe('persistence over real Postgres', () => {
  let db: ThrowawayDatabase;
  beforeAll(async () => {
    db = await createThrowawayDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates the service schema and migrates once even when two replicas start together', async () => {
    const open = () =>
      openServiceDatabase({
        url: db.url,
        schema: 'example_service',
        entities: [],
        migrations: [CreateThings1700000000000],
      });
    const [a, b] = await Promise.all([open(), open()]);
    try {
      const tables = await a.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'example_service' ORDER BY table_name`,
      );
      expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual(['migrations', 'thing']);
      const ran = await a.query('SELECT name FROM "example_service"."migrations"');
      expect(ran).toHaveLength(1);
      expect(await postgresHealth(b)).toEqual({ ok: true });
    } finally {
      await a.destroy();
      await b.destroy();
    }
    expect(await postgresHealth(a)).toEqual({ ok: false, detail: 'not connected' });
  });

  it('names the server without its password when it cannot connect', async () => {
    await expect(
      openServiceDatabase({
        url: 'postgres://u:hunter2@127.0.0.1:1/x',
        schema: 's',
        entities: [],
        migrations: [],
      }),
    ).rejects.toThrow(/postgres at postgres:\/\/u:\*\*\*@127.0.0.1:1\/x: .*ECONNREFUSED/);
  });
});
