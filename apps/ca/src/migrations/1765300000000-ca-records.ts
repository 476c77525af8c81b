import { appendOnlyTableStatements, type MigrationInterface, type QueryRunner } from '#keyway/persistence';

/**
 * The CA's record (libs/secrets ca-record-chain.ts): decisions, issuances, revocations and CRL
 * publications as one hash chain, append-only like the secret-watcher's audit log.
 */
export class CaRecords1765300000000 implements MigrationInterface {
  name = 'CaRecords1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ca_records (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        kind text NOT NULL CHECK (kind IN ('decision', 'issuance', 'revocation', 'crl')),
        issuer text NOT NULL,
        serial text NULL,
        actor jsonb NULL,
        detail jsonb NOT NULL,
        previous_hash text NULL,
        row_hash text NOT NULL UNIQUE
      )`);
    await q.query(`CREATE INDEX ca_records_serial ON ca_records (serial) WHERE serial IS NOT NULL`);
    for (const sql of appendOnlyTableStatements('ca_records')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ca_records`);
    await q.query(`DROP FUNCTION ca_records_append_only`);
  }
}
