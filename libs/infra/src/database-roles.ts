import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { InfraError } from './endpoint.js';

/** The services that keep state in Postgres, each as its own login role (libs/persistence service-roles.ts). */
export const DATABASE_SERVICES = ['secret-watcher', 'ca', 'route-compiler', 'api'] as const;
export type DatabaseService = (typeof DATABASE_SERVICES)[number];

export interface DatabaseRoles {
  /** The owner's URL (the one given): it migrates every schema. */
  owner: string;
  /** Each service's URL: its own role, with only its grants. */
  services: Record<DatabaseService, string>;
  /** Drops the roles (after their database is gone; a local suite keeps them). */
  drop(): Promise<void>;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Creates (or re-passwords) a login role per service, named `<prefix>_<service>`, allowed to connect to
 * the database `ownerUrl` names; the owner keeps the schemas. Needs CREATEROLE (a local superuser has it).
 */
export async function provisionDatabaseRoles(ownerUrl: string, prefix: string): Promise<DatabaseRoles> {
  const owner = new URL(ownerUrl);
  const database = decodeURIComponent(owner.pathname.slice(1)) || 'postgres';
  const client = new pg.Client({ connectionString: ownerUrl });
  const roles = DATABASE_SERVICES.map((s) => `${prefix}_${s.replace(/-/g, '_')}`.toLowerCase());
  const services = {} as Record<DatabaseService, string>;
  try {
    await client.connect();
    for (const [i, service] of DATABASE_SERVICES.entries()) {
      const role = roles[i]!;
      const password = randomBytes(18).toString('hex');
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      await client.query(
        `${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}'`,
      );
      await client.query(`GRANT CONNECT ON DATABASE ${quote(database)} TO ${quote(role)}`);
      const url = new URL(ownerUrl);
      url.username = role;
      url.password = password;
      services[service] = url.toString();
    }
  } catch (e) {
    throw new InfraError(
      `cannot create the services' database roles as ${owner.username || 'postgres'} (it needs CREATEROLE): ${(e as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    owner: ownerUrl,
    services,
    async drop() {
      const c = new pg.Client({ connectionString: ownerUrl.replace(/\/[^/?]*(\?|$)/, '/postgres$1') });
      await c.connect();
      try {
        for (const role of roles) await c.query(`DROP ROLE IF EXISTS ${quote(role)}`);
      } finally {
        await c.end();
      }
    },
  };
}
