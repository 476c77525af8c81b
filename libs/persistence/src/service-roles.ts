/**
 * Least privilege in Postgres (issue #15.1): a service's schema belongs to the role that migrates it
 * (the owner); the service itself logs in as its own role with only these grants, so the database,
 * not keyway's code, refuses what the service must never do. What the owner alone can do (ALTER,
 * DROP, DISABLE TRIGGER, TRUNCATE) no service role can; on an append-only table (the audit log, the
 * CA's decisions) a service role may only INSERT and SELECT; the migrations table it may only read.
 */
export interface ServicePrivileges {
  schema: string;
  /** The service's login role. */
  role: string;
  /** Tables the service may only add to and read. */
  appendOnly: readonly string[];
}

/** A Postgres identifier, quoted. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The login role a postgres:// URL names. */
export function roleOfUrl(url: string): string {
  return decodeURIComponent(new URL(url).username || 'postgres');
}

/** The statements the owner runs after migrating, in order; idempotent (every migration run). */
export function serviceGrantStatements(p: ServicePrivileges): string[] {
  const s = ident(p.schema);
  const r = ident(p.role);
  return [
    `GRANT USAGE ON SCHEMA ${s} TO ${r}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`,
    // It checks that its migrations ran, and nothing more.
    `REVOKE INSERT, UPDATE, DELETE ON ${s}."migrations" FROM ${r}`,
    ...p.appendOnly.map((t) => `REVOKE UPDATE, DELETE ON ${s}.${ident(t)} FROM ${r}`),
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${r}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`,
  ];
}
