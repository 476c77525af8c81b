/**
 * The statements that make a table append-only in Postgres: a row trigger refuses UPDATE and DELETE,
 * a statement trigger TRUNCATE. Its owner can still switch them off, which is why no service logs in
 * as the owner (service-roles.ts) and why the rows are hash-chained.
 */
export function appendOnlyTableStatements(table: string): string[] {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`table ${table}: must be a lowercase identifier`);
  return [
    `CREATE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '${table} is append-only';
      END $$`,
    `CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION ${table}_append_only()`,
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION ${table}_append_only()`,
  ];
}
