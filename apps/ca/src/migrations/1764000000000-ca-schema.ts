import type { MigrationInterface, QueryRunner } from '#keyway/persistence';

/** The ca service's tables: its CA hierarchy, what it issued, every policy decision, policies, Certificates. */
export class CaSchema1764000000000 implements MigrationInterface {
  name = 'CaSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE authorities (
        name text PRIMARY KEY,
        parent text NULL REFERENCES authorities(name),
        kind text NOT NULL CHECK (kind IN ('root', 'intermediate')),
        certificate_pem text NOT NULL,
        chain_pem text NOT NULL,
        -- The CA key sealed under the master keyring (AES-256-GCM, key id inside); never returned.
        sealed_key jsonb NOT NULL,
        key_type text NOT NULL,
        subject text NOT NULL,
        serial text NOT NULL,
        fingerprint text NOT NULL,
        not_before timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        crl_number bigint NOT NULL DEFAULT 0,
        crl_pem text NULL,
        crl_this_update timestamptz NULL,
        crl_next_update timestamptz NULL,
        created_by jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE policy_decisions (
        id uuid PRIMARY KEY,
        -- Insertion order, for listing decisions as they were made.
        seq bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL,
        action text NOT NULL,
        actor jsonb NOT NULL,
        team text NULL,
        issuer text NOT NULL,
        allowed boolean NOT NULL,
        policy text NULL,
        reasons jsonb NOT NULL,
        request jsonb NOT NULL,
        serial text NULL
      )`);
    await q.query(`CREATE INDEX policy_decisions_at ON policy_decisions (at)`);
    await q.query(`
      CREATE TABLE issued_certificates (
        serial text PRIMARY KEY,
        issuer text NOT NULL REFERENCES authorities(name),
        subject text NOT NULL,
        sans jsonb NOT NULL,
        key_type text NOT NULL,
        usage text NOT NULL,
        method text NOT NULL,
        not_before timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        requested_by jsonb NOT NULL,
        decision_id uuid NOT NULL,
        policy text NOT NULL,
        revoked_at timestamptz NULL,
        revocation_reason text NULL,
        revoked_by jsonb NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX issued_certificates_revoked ON issued_certificates (issuer) WHERE revoked_at IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE policies (
        team text NOT NULL,
        name text NOT NULL,
        spec jsonb NOT NULL,
        updated_by jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (team, name)
      )`);
    await q.query(`
      CREATE TABLE certificate_resources (
        namespace text NOT NULL,
        name text NOT NULL,
        team text NULL,
        spec jsonb NOT NULL,
        applied_by jsonb NOT NULL,
        serial text NULL,
        spec_hash text NULL,
        not_before timestamptz NULL,
        not_after timestamptz NULL,
        failures integer NOT NULL DEFAULT 0,
        last_failure text NULL,
        last_failure_at timestamptz NULL,
        last_issued_at timestamptz NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (namespace, name)
      )`);
    // `<name>-cacert` Secrets holding an issuer's CA chain and CRL, re-applied on every new CRL.
    await q.query(`
      CREATE TABLE crl_targets (
        namespace text NOT NULL,
        name text NOT NULL,
        issuer text NOT NULL REFERENCES authorities(name),
        ca_pem text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (namespace, name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'crl_targets',
      'certificate_resources',
      'policies',
      'issued_certificates',
      'policy_decisions',
      'authorities',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
