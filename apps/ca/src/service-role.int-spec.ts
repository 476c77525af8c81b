/**
 * Issue #15.1: the ca logs in as its own role; its policy decisions are append-only for it, and
 * Postgres refuses schema changes, so whoever holds its credentials cannot rewrite why a certificate
 * was (or was not) issued.
 */
import { provisionDatabaseRoles, type DatabaseRoles } from '#keyway/infra';
import { migrateServiceSchema } from '#keyway/persistence';
import { attemptsAs, createThrowawayDatabase, type ThrowawayDatabase } from '#keyway/testing';
import { CA_MIGRATIONS } from './migrations/index.js';

let db: ThrowawayDatabase;
let roles: DatabaseRoles;

beforeAll(async () => {
  db = await createThrowawayDatabase('keyway_roles_ca');
  roles = await provisionDatabaseRoles(db.url, db.name);
  await migrateServiceSchema({
    ownerUrl: db.url,
    serviceUrl: roles.services.ca,
    schema: 'ca',
    migrations: CA_MIGRATIONS,
    appendOnly: ['policy_decisions', 'ca_records'],
  });
}, 60_000);

afterAll(async () => {
  await db?.drop();
  await roles?.drop();
});

it("the ca's own role may add policy decisions and read them, and nothing more on them or the schema", async () => {
  const url = new URL(roles.services.ca);
  url.searchParams.set('options', '-c search_path=ca');
  const answers = await attemptsAs(url.toString(), [
    'SELECT count(*) FROM policy_decisions',
    'UPDATE policy_decisions SET allowed = allowed',
    'DELETE FROM policy_decisions',
    'TRUNCATE policy_decisions',
    'ALTER TABLE policy_decisions ADD COLUMN forged text',
    'DROP TABLE issued_certificates',
    'SELECT count(*) FROM issued_certificates',
    'UPDATE ca_records SET detail = detail',
    'DELETE FROM ca_records',
  ]);
  expect(Object.values(answers)).toEqual([
    'ok',
    'permission denied for table policy_decisions',
    'permission denied for table policy_decisions',
    'permission denied for table policy_decisions',
    'must be owner of table policy_decisions',
    'must be owner of table issued_certificates',
    'ok',
    'permission denied for table ca_records',
    'permission denied for table ca_records',
  ]);
});
