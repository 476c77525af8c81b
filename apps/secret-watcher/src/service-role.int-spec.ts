/**
 * Issue #15.1: the secret-watcher logs in as its own role, and Postgres itself refuses what would let
 * it (or whoever holds its credentials) rewrite the audit log: disabling the append-only triggers,
 * deleting or updating a row, truncating, dropping, changing the schema. Its owner (the one-shot
 * migrate step's role) still can, which is why the service no longer connects as it.
 */
import { provisionDatabaseRoles, type DatabaseRoles } from '#keyway/infra';
import { migrateServiceSchema, openServiceDatabase } from '#keyway/persistence';
import { attemptsAs, createThrowawayDatabase, type ThrowawayDatabase } from '#keyway/testing';
import { SECRET_WATCHER_MIGRATIONS } from './migrations/index.js';

let db: ThrowawayDatabase;
let roles: DatabaseRoles;

const tampering = [
  'ALTER TABLE audit_log DISABLE TRIGGER ALL',
  'UPDATE audit_log SET reason = reason',
  'DELETE FROM audit_log',
  'TRUNCATE audit_log',
  'DROP TABLE audit_log',
  'CREATE TABLE secret_watcher.shadow (x int)',
  "INSERT INTO migrations (timestamp, name) VALUES (1, 'Forged1')",
  'ALTER ROLE CURRENT_USER SUPERUSER',
];

beforeAll(async () => {
  db = await createThrowawayDatabase('keyway_roles_sw');
  roles = await provisionDatabaseRoles(db.url, db.name);
  await migrateServiceSchema({
    ownerUrl: db.url,
    serviceUrl: roles.services['secret-watcher'],
    schema: 'secret_watcher',
    migrations: SECRET_WATCHER_MIGRATIONS,
    appendOnly: ['audit_log'],
  });
}, 60_000);

afterAll(async () => {
  await db?.drop();
  await roles?.drop();
});

const searchPath = (url: string) => {
  const u = new URL(url);
  u.searchParams.set('options', '-c search_path=secret_watcher');
  return u.toString();
};

describe("the secret-watcher's own Postgres role", () => {
  it('is refused by Postgres every way of changing the record or the schema', async () => {
    const answers = await attemptsAs(searchPath(roles.services['secret-watcher']), tampering);
    expect(answers).toEqual({
      'ALTER TABLE audit_log DISABLE TRIGGER ALL': 'must be owner of table audit_log',
      'UPDATE audit_log SET reason = reason': 'permission denied for table audit_log',
      'DELETE FROM audit_log': 'permission denied for table audit_log',
      'TRUNCATE audit_log': 'permission denied for table audit_log',
      'DROP TABLE audit_log': 'must be owner of table audit_log',
      'CREATE TABLE secret_watcher.shadow (x int)': 'permission denied for schema secret_watcher',
      "INSERT INTO migrations (timestamp, name) VALUES (1, 'Forged1')":
        'permission denied for table migrations',
      'ALTER ROLE CURRENT_USER SUPERUSER': expect.stringMatching(/superuser|permission denied/),
    });
  });

  it('may read the record and add to it, and work with its other tables', async () => {
    const answers = await attemptsAs(searchPath(roles.services['secret-watcher']), [
      'SELECT count(*) FROM audit_log',
      'SELECT count(*) FROM api_secrets',
      'DELETE FROM api_secrets',
    ]);
    expect(Object.values(answers)).toEqual(['ok', 'ok', 'ok']);
  });

  it('opens its schema without migrating it, and refuses to start on one whose migrations did not run', async () => {
    const ds = await openServiceDatabase({
      url: roles.services['secret-watcher'],
      schema: 'secret_watcher',
      entities: [],
      migrations: SECRET_WATCHER_MIGRATIONS,
      migrate: false,
    });
    await ds.destroy();
    class Later1999999999999 {
      name = 'Later1999999999999';
      async up(): Promise<void> {}
      async down(): Promise<void> {}
    }
    await expect(
      openServiceDatabase({
        url: roles.services['secret-watcher'],
        schema: 'secret_watcher',
        entities: [],
        migrations: [...SECRET_WATCHER_MIGRATIONS, Later1999999999999],
        migrate: false,
      }),
    ).rejects.toThrow(/migrations not run yet: Later1999999999999; run the service's migrate step/);
  });

  it('is what the owner is not: the owner can still do each of these (so services never log in as it)', async () => {
    // The owner may switch the append-only triggers off, after which nothing stops a rewrite.
    const answers = await attemptsAs(searchPath(db.url), [
      'ALTER TABLE audit_log DISABLE TRIGGER ALL',
      'DROP TABLE audit_log',
    ]);
    expect(Object.values(answers)).toEqual(['ok', 'ok']);
  });
});
