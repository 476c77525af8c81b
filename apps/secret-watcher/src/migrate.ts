// The secret-watcher's one-shot migrate step: migrates schema secret_watcher as its owner (DATABASE_MIGRATION_URL) and
// grants the service's role (DATABASE_URL) only what it needs (libs/persistence service-roles.ts).
import { runMigrateStep } from '#keyway/persistence';
import { SECRET_WATCHER_MIGRATIONS } from './migrations/index.js';

await runMigrateStep('secret-watcher', {
  schema: 'secret_watcher',
  migrations: SECRET_WATCHER_MIGRATIONS,
  appendOnly: ['audit_log'],
});
