// The ca's one-shot migrate step: migrates schema ca as its owner (DATABASE_MIGRATION_URL) and
// grants the service's role (DATABASE_URL) only what it needs (libs/persistence service-roles.ts).
import { runMigrateStep } from '#keyway/persistence';
import { CA_MIGRATIONS } from './migrations/index.js';

await runMigrateStep('ca', {
  schema: 'ca',
  migrations: CA_MIGRATIONS,
  appendOnly: ['policy_decisions', 'ca_records'],
});
