import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import pg from 'pg';

export interface ServiceDatabaseOptions {
  /** postgres://... */
  url: string;
  /** The service's own schema: one Postgres database, one schema per service. */
  schema: string;
  entities: MixedList<string | (new (...args: never[]) => unknown) | EntitySchema>;
  migrations: MixedList<string | (new (...args: never[]) => unknown)>;
  /** Only throwaway test databases may synchronize; services always migrate. */
  synchronizeForTests?: boolean;
  /**
   * false: a one-shot step migrated the schema as its owner (migrateServiceSchema); this connection
   * (the service's own role, which may not change the schema) only checks that every migration ran.
   */
  migrate?: boolean;
  poolSize?: number;
}

export class PersistenceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PersistenceError';
  }
}

/**
 * Opens the service's data source: creates its schema if missing, then runs its migrations under
 * an advisory lock so replicas starting together migrate once.
 */
export async function openServiceDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema))
    throw new PersistenceError(`schema ${options.schema}: must be a lowercase identifier`);
  if (options.migrate === false) return openMigrated(options);
  // One session holds an advisory lock while the schema is created and migrated, so replicas
  // starting together neither race on CREATE SCHEMA nor run a migration twice.
  const lock = new pg.Client({ connectionString: options.url });
  const lockKey = `keyway-migrations:${options.schema}`;
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  } catch (e) {
    await lock.end().catch(() => undefined);
    throw new PersistenceError(`postgres at ${redactUrl(options.url)}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  try {
    const ds = new DataSource({
      type: 'postgres',
      url: options.url,
      schema: options.schema,
      entities: options.entities,
      migrations: options.migrations,
      migrationsTableName: 'migrations',
      migrationsTransactionMode: 'all',
      synchronize: options.synchronizeForTests === true,
      // Raw SQL in migrations and repositories lands in the service schema too.
      extra: { max: options.poolSize ?? 10, options: `-c search_path=${options.schema}` },
      logging: false,
    });
    await ds.initialize();
    if (!options.synchronizeForTests) await ds.runMigrations({ transaction: 'all' });
    return ds;
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    await lock.end().catch(() => undefined);
  }
}

/** The names TypeORM records for these migrations. */
function migrationNames(migrations: ServiceDatabaseOptions['migrations']): string[] {
  const list = Array.isArray(migrations) ? migrations : Object.values(migrations);
  return list.map((m) => {
    if (typeof m === 'string') return m;
    const instance = new (m as new () => { name?: string })();
    return instance.name ?? (m as { name: string }).name;
  });
}

/** The service's own connection to a schema migrated by its owner: refuses to start on a stale one. */
async function openMigrated(options: ServiceDatabaseOptions): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    synchronize: false,
    extra: { max: options.poolSize ?? 10, options: `-c search_path=${options.schema}` },
    logging: false,
  });
  try {
    await ds.initialize();
    const rows = (await ds.query(`SELECT name FROM "${options.schema}".migrations`)) as Array<{
      name: string;
    }>;
    const ran = new Set(rows.map((r) => r.name));
    const missing = migrationNames(options.migrations).filter((n) => !ran.has(n));
    if (missing.length > 0) throw new Error(`migrations not run yet: ${missing.join(', ')}`);
    return ds;
  } catch (e) {
    await ds.destroy().catch(() => undefined);
    throw new PersistenceError(
      `schema ${options.schema} at ${redactUrl(options.url)}: ${(e as Error).message}; run the service's migrate step as the schema's owner first (DATABASE_MIGRATIONS=verify)`,
      { cause: e },
    );
  }
}

export async function postgresHealth(ds: DataSource | undefined): Promise<{ ok: boolean; detail?: string }> {
  if (!ds?.isInitialized) return { ok: false, detail: 'not connected' };
  try {
    await ds.query('SELECT 1');
    return { ok: true };
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}
