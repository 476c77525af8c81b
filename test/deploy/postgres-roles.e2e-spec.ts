// deploy/postgres/10-keyway-roles.sh (compose's docker-entrypoint-initdb.d; the local k8s overlay's
// copy) run as the postgres image runs it, with psql against a real Postgres: each service's role
// exists afterwards, logs in with its password, and is no superuser and owns nothing.
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { ensureCommand } from '#keyway/infra';
import { createThrowawayDatabase, postgresUrlForTests, type ThrowawayDatabase } from '#keyway/testing';
import { readText } from './lib/repo.js';

const ROLES = ['keyway_secret_watcher', 'keyway_ca', 'keyway_route_compiler', 'keyway_api'];
let db: ThrowawayDatabase;

const admin = async <T>(f: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client({ connectionString: postgresUrlForTests() });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
};

beforeAll(async () => {
  // The postgres image runs the script with psql; so does this test (installed if missing).
  expect(ensureCommand('psql', 'postgresql-client', () => undefined)).toBe(true);
  db = await createThrowawayDatabase('keyway_roles_script');
  // Roles are cluster-wide: none of these may exist before the script runs.
  await admin(async (c) => {
    for (const r of ROLES) await c.query(`DROP ROLE IF EXISTS ${r}`);
  });
});

afterAll(async () => {
  await db?.drop();
  await admin(async (c) => {
    for (const r of ROLES) await c.query(`DROP ROLE IF EXISTS ${r}`);
  });
});

it('the local k8s overlay runs the same script as compose', () => {
  expect(readText('k8s/overlays/local/postgres-roles.sh')).toBe(
    readText('deploy/postgres/10-keyway-roles.sh'),
  );
});

it('creates each service role with its password, no superuser, owning nothing', async () => {
  const u = new URL(postgresUrlForTests());
  const passwords = Object.fromEntries(
    ['SECRET_WATCHER', 'CA', 'ROUTE_COMPILER', 'API'].map((s) => [
      `KEYWAY_DB_${s}_PASSWORD`,
      `pw-${s.toLowerCase()}`,
    ]),
  );
  execFileSync('sh', ['deploy/postgres/10-keyway-roles.sh'], {
    env: {
      PATH: process.env.PATH,
      POSTGRES_USER: decodeURIComponent(u.username || 'postgres'),
      POSTGRES_DB: db.name,
      PGHOST: u.hostname,
      PGPORT: u.port || '5432',
      ...passwords,
    },
    stdio: 'pipe',
  });
  for (const role of ROLES) {
    const url = new URL(db.url);
    url.username = role;
    url.password = `pw-${role.slice('keyway_'.length).replace(/_/g, '_')}`;
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    const me = await c.query(
      'SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user',
    );
    expect({ role, ...me.rows[0] }).toEqual({
      role,
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
    });
    await c.end();
  }
});

it('refuses to run without a password for every role', () => {
  expect(() =>
    execFileSync('sh', ['deploy/postgres/10-keyway-roles.sh'], {
      env: { PATH: process.env.PATH, POSTGRES_USER: 'postgres', POSTGRES_DB: 'postgres' },
      stdio: 'pipe',
    }),
  ).toThrow(/KEYWAY_DB_SECRET_WATCHER_PASSWORD is required/);
});
