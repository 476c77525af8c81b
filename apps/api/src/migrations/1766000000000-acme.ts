import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ACME (RFC 8555) state: EAB keys (HMAC keys sealed under KEYWAY_DATA_KEYS, never in clear),
 * accounts, orders, authorizations (their challenges share the authorization's token) and the
 * certificates issued through ACME. The ca keeps the issuance record; these tables are the protocol's.
 */
export class Acme1766000000000 implements MigrationInterface {
  name = 'Acme1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE api.acme_eab_keys (
      kid text PRIMARY KEY,
      team text NOT NULL,
      sealed_key jsonb NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz)`);
    await q.query(`CREATE TABLE api.acme_accounts (
      id text PRIMARY KEY,
      issuer text NOT NULL,
      thumbprint text NOT NULL,
      jwk jsonb NOT NULL,
      status text NOT NULL,
      contact jsonb NOT NULL DEFAULT '[]',
      team text,
      eab_kid text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (issuer, thumbprint))`);
    await q.query(`CREATE TABLE api.acme_orders (
      id text PRIMARY KEY,
      account_id text NOT NULL REFERENCES api.acme_accounts(id),
      issuer text NOT NULL,
      status text NOT NULL,
      identifiers jsonb NOT NULL,
      authorizations text[] NOT NULL,
      expires timestamptz NOT NULL,
      not_before timestamptz,
      not_after timestamptz,
      error jsonb,
      serial text,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX acme_orders_account ON api.acme_orders (account_id, created_at)`);
    await q.query(`CREATE TABLE api.acme_authorizations (
      id text PRIMARY KEY,
      account_id text NOT NULL,
      identifier text NOT NULL,
      wildcard boolean NOT NULL,
      status text NOT NULL,
      expires timestamptz NOT NULL,
      token text NOT NULL,
      challenges jsonb NOT NULL)`);
    await q.query(
      `CREATE INDEX acme_authorizations_account ON api.acme_authorizations (account_id, identifier)`,
    );
    await q.query(`CREATE TABLE api.acme_certificates (
      serial text PRIMARY KEY,
      order_id text NOT NULL,
      account_id text NOT NULL,
      issuer text NOT NULL,
      team text NOT NULL,
      identifiers jsonb NOT NULL,
      certificate_pem text NOT NULL,
      chain_pem text NOT NULL,
      spki_sha256 text NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'acme_certificates',
      'acme_authorizations',
      'acme_orders',
      'acme_accounts',
      'acme_eab_keys',
    ])
      await q.query(`DROP TABLE api.${t}`);
  }
}
