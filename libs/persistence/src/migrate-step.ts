import pg from 'pg';
import {
  openServiceDatabase,
  PersistenceError,
  redactUrl,
  type ServiceDatabaseOptions,
} from './data-source.js';
import { roleOfUrl, serviceGrantStatements } from './service-roles.js';

export interface MigrationStep {
  /** The owner's connection: it creates and migrates the schema. */
  ownerUrl: string;
  /** The service's connection: its role gets the service's grants. */
  serviceUrl: string;
  schema: string;
  migrations: ServiceDatabaseOptions['migrations'];
  /** Tables the service may only add to and read. */
  appendOnly: readonly string[];
}

/**
 * The one-shot migrate step (an init container, a compose job, the local suite before each service):
 * migrates the schema as its owner, then grants the service's role what it needs and nothing more.
 * When both URLs name the same role, there is no one to grant to: the service owns its schema.
 */
export async function migrateServiceSchema(step: MigrationStep): Promise<{ role: string; granted: boolean }> {
  const ds = await openServiceDatabase({
    url: step.ownerUrl,
    schema: step.schema,
    entities: [],
    migrations: step.migrations,
    poolSize: 1,
  });
  await ds.destroy();
  const role = roleOfUrl(step.serviceUrl);
  if (role === roleOfUrl(step.ownerUrl)) return { role, granted: false };
  const client = new pg.Client({ connectionString: step.ownerUrl });
  try {
    await client.connect();
    await client.query('BEGIN');
    for (const sql of serviceGrantStatements({ schema: step.schema, role, appendOnly: step.appendOnly }))
      await client.query(sql);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new PersistenceError(
      `granting ${role} on schema ${step.schema} at ${redactUrl(step.ownerUrl)}: ${(e as Error).message}`,
      { cause: e },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  return { role, granted: true };
}
