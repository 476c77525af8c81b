import { appendOnlyTableStatements, type MigrationInterface, type QueryRunner } from '#keyway/persistence';

/** The audit log (append-only, hash-chained per credential) and the Secrets applied through the API. */
export class SecretWatcherSchema1764300000000 implements MigrationInterface {
  name = 'SecretWatcherSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        namespace text NOT NULL,
        name text NOT NULL,
        revision integer NOT NULL CHECK (revision >= 1),
        action text NOT NULL CHECK (action IN ('created', 'updated', 'deleted', 'rejected')),
        source text NOT NULL,
        actor text NOT NULL,
        leaf_serial text NULL,
        subject text NULL,
        sans jsonb NOT NULL,
        issuer text NULL,
        not_before text NULL,
        not_after text NULL,
        leaf_fingerprint text NULL,
        ca_fingerprints jsonb NOT NULL,
        public_key_fingerprint text NULL,
        content_hash text NULL,
        reason text NULL,
        -- Kept as the exact ISO text that was hashed, so verification recomputes the same bytes.
        recorded_at text NOT NULL,
        previous_hash text NULL,
        row_hash text NOT NULL,
        UNIQUE (namespace, name, revision)
      )`);
    await q.query(`CREATE INDEX audit_log_namespace ON audit_log (namespace, name, revision DESC)`);
    // Append-only: the table refuses updates and deletes (the hash chain detects what bypasses this).
    for (const sql of appendOnlyTableStatements('audit_log')) await q.query(sql);
    await q.query(`
      CREATE TABLE api_secrets (
        namespace text NOT NULL,
        name text NOT NULL,
        -- The manifest sealed with the data key: Secret data never rests in clear.
        sealed_manifest jsonb NOT NULL,
        actor text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (namespace, name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_secrets`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only`);
  }
}
