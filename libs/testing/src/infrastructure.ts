import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { envValue } from '#keyway/config';

/** NATS the tests talk to: the one `npm test` brought up or found. */
export function natsUrlForTests(): string {
  return envValue('NATS_URL', 'nats://127.0.0.1:4222')!;
}

/** The Postgres server `npm test` brought up or found (its maintenance database). */
export function postgresUrlForTests(): string {
  return envValue('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres')!;
}

export interface ThrowawayDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database per test file, dropped afterwards: tests never see each other's rows. */
export async function createThrowawayDatabase(prefix = 'keyway_test'): Promise<ThrowawayDatabase> {
  const admin = postgresUrlForTests();
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A random 32-byte data keyring spec for KEYWAY_DATA_KEYS in tests. */
export function testDataKeys(id = 'test'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
