// Test-only: a throwaway Postgres database with the secret-watcher's schema, for the audit store's specs.
import { openServiceDatabase, type DataSource } from '#keyway/persistence';
import { createThrowawayDatabase } from '#keyway/testing';
import { SECRET_WATCHER_MIGRATIONS } from '../migrations/index.js';

export interface AuditTestDatabase {
  ds: DataSource;
  /** Closes the connection and drops the database. */
  drop(): Promise<void>;
}

export async function auditTestDatabase(name: string): Promise<AuditTestDatabase> {
  const db = await createThrowawayDatabase(name);
  const ds = await openServiceDatabase({
    url: db.url,
    schema: 'secret_watcher',
    entities: [],
    migrations: SECRET_WATCHER_MIGRATIONS,
  });
  return {
    ds,
    drop: async () => {
      await ds.destroy();
      await db.drop();
    },
  };
}
