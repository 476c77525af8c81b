import { defineConfig, Variables } from '#keyway/config';
import { migrateServiceSchema, type MigrationStep } from './migrate-step.js';

/** What the migrate step reads: the owner's connection and the service's (whose role it grants). */
export const migrateStepConfig = defineConfig('migrate', {
  DATABASE_URL: Variables.DATABASE_URL,
  DATABASE_MIGRATION_URL: Variables.DATABASE_MIGRATION_URL,
});

/**
 * `node dist/apps/<service>/src/migrate.js`: the service's one-shot migrate step. Prints one line and
 * exits 0, or the reason and exits 1 (an init container, a compose job, the local suite).
 */
export async function runMigrateStep(
  service: string,
  step: Omit<MigrationStep, 'ownerUrl' | 'serviceUrl'>,
): Promise<void> {
  try {
    const config = migrateStepConfig.load();
    const r = await migrateServiceSchema({
      ...step,
      ownerUrl: config.DATABASE_MIGRATION_URL,
      serviceUrl: config.DATABASE_URL,
    });
    console.log(
      r.granted
        ? `${service}: schema ${step.schema} migrated; role ${r.role} may read and write it, and only add to ${step.appendOnly.join(', ') || '(no append-only table)'}`
        : `${service}: schema ${step.schema} migrated (the service's role owns it)`,
    );
  } catch (e) {
    console.error(`${service}: migrate step failed: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
