import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { effectiveNamespaces, generateToken, hashToken, type Principal, type Verb } from './principal.js';

export interface Team {
  name: string;
  namespaces: string[];
  /** DNS names (`a.example.com`) or wildcards (`*.a.example.com`) whose hosts the team owns. */
  domains?: string[];
}

/** A row of api.tokens as pg returns it (timestamps as Date, arrays as arrays). */
interface TokenRow {
  id: string;
  name: string;
  team: string;
  namespaces: string[] | null;
  verbs: Verb[];
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface TokenInfo {
  id: string;
  name: string;
  team: string;
  namespaces: string[] | null;
  verbs: Verb[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export type TokenLookup =
  { ok: true; principal: Principal } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

const iso = (v: Date | null): string | null => (v ? v.toISOString() : null);

/** Teams, tokens (SHA-256 only) and the request log in the `api` schema. */
export class TokenStore {
  constructor(private readonly ds: DataSource) {}

  async upsertTeam(team: Team): Promise<Team> {
    const namespaces = [...new Set(team.namespaces)].sort();
    const domains = [...new Set(team.domains ?? [])].sort();
    await this.ds.query(
      `INSERT INTO api.teams (name, namespaces, domains) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET namespaces = EXCLUDED.namespaces, domains = EXCLUDED.domains,
         updated_at = now()`,
      [team.name, namespaces, domains],
    );
    return { name: team.name, namespaces, domains };
  }

  async teams(): Promise<Team[]> {
    const rows: Array<{ name: string; namespaces: string[]; domains: string[] }> = await this.ds.query(
      `SELECT name, namespaces, domains FROM api.teams ORDER BY name`,
    );
    return rows.map((r) => ({ name: r.name, namespaces: r.namespaces, domains: r.domains }));
  }

  async teamExists(name: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM api.teams WHERE name = $1`, [name]);
    return rows.length > 0;
  }

  /** Creates a token and returns it once; only its hash is stored. */
  async createToken(input: {
    name: string;
    team: string;
    namespaces: string[] | null;
    verbs: Verb[];
    expiresAt: Date | null;
  }): Promise<{ token: string; info: TokenInfo }> {
    const token = generateToken();
    const id = randomUUID();
    await this.ds.query(
      `INSERT INTO api.tokens (id, name, team, token_hash, namespaces, verbs, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, input.name, input.team, hashToken(token), input.namespaces, input.verbs, input.expiresAt],
    );
    const info = (await this.tokens()).find((t) => t.id === id)!;
    return { token, info };
  }

  async tokens(): Promise<TokenInfo[]> {
    const rows: TokenRow[] = await this.ds.query(
      `SELECT id, name, team, namespaces, verbs, created_at, expires_at, revoked_at, last_used_at
       FROM api.tokens ORDER BY created_at, id`,
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      team: r.team,
      namespaces: r.namespaces,
      verbs: r.verbs,
      createdAt: iso(r.created_at)!,
      expiresAt: iso(r.expires_at),
      revokedAt: iso(r.revoked_at),
      lastUsedAt: iso(r.last_used_at),
    }));
  }

  /** Revokes; false when there is no such token. Revoking twice keeps the first time. */
  async revokeToken(id: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return false;
    const res: unknown[] = await this.ds.query(
      `UPDATE api.tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING id`,
      [id],
    );
    // TypeORM answers an UPDATE with [rows, count].
    const rows = Array.isArray(res[0]) ? (res[0] as unknown[]) : res;
    return rows.length > 0;
  }

  async lookup(token: string, now: Date): Promise<TokenLookup> {
    const rows: Array<TokenRow & { team_namespaces: string[] }> = await this.ds.query(
      `SELECT t.id, t.name, t.team, t.namespaces, t.verbs, t.expires_at, t.revoked_at, m.namespaces AS team_namespaces
       FROM api.tokens t JOIN api.teams m ON m.name = t.team WHERE t.token_hash = $1`,
      [hashToken(token)],
    );
    const r = rows[0];
    if (!r) return { ok: false, reason: 'unknown' };
    if (r.revoked_at) return { ok: false, reason: 'revoked' };
    if (r.expires_at && new Date(r.expires_at).getTime() <= now.getTime())
      return { ok: false, reason: 'expired' };
    void this.ds
      .query(`UPDATE api.tokens SET last_used_at = now() WHERE id = $1`, [r.id])
      .catch(() => undefined);
    return {
      ok: true,
      principal: {
        kind: 'token',
        tokenId: r.id,
        name: r.name,
        team: r.team,
        namespaces: effectiveNamespaces(r.team_namespaces, r.namespaces),
        verbs: r.verbs,
      },
    };
  }
}
