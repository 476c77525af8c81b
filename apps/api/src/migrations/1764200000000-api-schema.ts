import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Teams, hashed API tokens, and the request log (who did what, never a token). */
export class ApiSchema1764200000000 implements MigrationInterface {
  name = 'ApiSchema1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE api.teams (
      name text PRIMARY KEY,
      namespaces text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE api.tokens (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      team text NOT NULL REFERENCES api.teams(name) ON DELETE CASCADE,
      token_hash char(64) NOT NULL UNIQUE,
      namespaces text[],
      verbs text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz)`);
    await q.query(`CREATE TABLE api.request_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      team text,
      method text NOT NULL,
      path text NOT NULL,
      status integer NOT NULL,
      duration_ms integer NOT NULL)`);
    await q.query(`CREATE INDEX request_log_actor_at ON api.request_log (actor, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api.request_log`);
    await q.query(`DROP TABLE api.tokens`);
    await q.query(`DROP TABLE api.teams`);
  }
}
