// The api's one-shot migrate step: migrates schema api as its owner (DATABASE_MIGRATION_URL) and
// grants the service's role (DATABASE_URL) only what it needs (libs/persistence service-roles.ts).
import { runMigrateStep } from '#keyway/persistence';
import { API_MIGRATIONS } from './migrations/index.js';

await runMigrateStep('api', { schema: 'api', migrations: API_MIGRATIONS, appendOnly: [] });
