// The route-compiler's one-shot migrate step: migrates schema route_compiler as its owner (DATABASE_MIGRATION_URL) and
// grants the service's role (DATABASE_URL) only what it needs (libs/persistence service-roles.ts).
import { runMigrateStep } from '#keyway/persistence';
import { ROUTE_COMPILER_MIGRATIONS } from './migrations/index.js';

await runMigrateStep('route-compiler', {
  schema: 'route_compiler',
  migrations: ROUTE_COMPILER_MIGRATIONS,
  appendOnly: [],
});
