import type { DataSource } from 'typeorm';
import type {
  AccountStatus,
  AcmeIdentifier,
  AcmeProblem,
  AuthorizationStatus,
  ChallengeStatus,
  ChallengeType,
  OrderStatus,
  PublicJwk,
} from '#keyway/acme';
import type { SealedEnvelope } from '#keyway/key-material';

export interface EabKeyRow {
  kid: string;
  team: string;
  sealedKey: SealedEnvelope;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface AccountRow {
  id: string;
  issuer: string;
  thumbprint: string;
  jwk: PublicJwk;
  status: AccountStatus;
  contact: string[];
  team: string | null;
  eabKid: string | null;
  createdAt: Date;
}

export interface StoredChallenge {
  status: ChallengeStatus;
  validated?: string;
  error?: AcmeProblem;
}

export interface AuthorizationRow {
  id: string;
  accountId: string;
  identifier: string;
  wildcard: boolean;
  status: AuthorizationStatus;
  expires: Date;
  token: string;
  challenges: Partial<Record<ChallengeType, StoredChallenge>>;
}

export interface OrderRow {
  id: string;
  accountId: string;
  issuer: string;
  status: OrderStatus;
  identifiers: AcmeIdentifier[];
  authorizations: string[];
  expires: Date;
  notBefore: Date | null;
  notAfter: Date | null;
  error: AcmeProblem | null;
  serial: string | null;
  /** The authorizations' stored statuses and expiries, read with the order. */
  authzStates: Array<{ status: AuthorizationStatus; expires: Date }>;
}

export interface CertificateRow {
  serial: string;
  orderId: string;
  accountId: string;
  issuer: string;
  team: string;
  identifiers: string[];
  certificatePem: string;
  chainPem: string;
  spkiSha256: string;
  revokedAt: Date | null;
}

// pg answers untyped rows; each is mapped to its interface right below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

const account = (r: Row): AccountRow => ({
  id: r.id,
  issuer: r.issuer,
  thumbprint: r.thumbprint,
  jwk: r.jwk,
  status: r.status,
  contact: r.contact,
  team: r.team,
  eabKid: r.eab_kid,
  createdAt: r.created_at,
});

const authorization = (r: Row): AuthorizationRow => ({
  id: r.id,
  accountId: r.account_id,
  identifier: r.identifier,
  wildcard: r.wildcard,
  status: r.status,
  expires: r.expires,
  token: r.token,
  challenges: r.challenges,
});

const order = (r: Row): OrderRow => ({
  id: r.id,
  accountId: r.account_id,
  issuer: r.issuer,
  status: r.status,
  identifiers: r.identifiers,
  authorizations: r.authorizations,
  expires: r.expires,
  notBefore: r.not_before,
  notAfter: r.not_after,
  error: r.error,
  serial: r.serial,
  authzStates: ((r.authz_states ?? []) as Row[]).map((a) => ({
    status: a.status,
    expires: new Date(a.expires),
  })),
});

const certificate = (r: Row): CertificateRow => ({
  serial: r.serial,
  orderId: r.order_id,
  accountId: r.account_id,
  issuer: r.issuer,
  team: r.team,
  identifiers: r.identifiers,
  certificatePem: r.certificate_pem,
  chainPem: r.chain_pem,
  spkiSha256: r.spki_sha256,
  revokedAt: r.revoked_at,
});

const ORDER_SELECT = `SELECT o.*, (SELECT json_agg(json_build_object('status', a.status, 'expires', a.expires))
    FROM api.acme_authorizations a WHERE a.id = ANY(o.authorizations)) AS authz_states
  FROM api.acme_orders o`;

/**
 * The rows an UPDATE answered: TypeORM's postgres driver answers UPDATE and DELETE as
 * `[rows, rowCount]`, every other statement as the rows alone.
 */
function updatedRows(result: unknown): Row[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as Row[]) : (result as Row[]);
}

/** The ACME tables of schema api: one statement per protocol step where it can be. */
export class AcmeStore {
  constructor(private readonly ds: DataSource) {}

  async close(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }

  async createEabKey(row: Omit<EabKeyRow, 'createdAt' | 'revokedAt'>): Promise<void> {
    await this.ds.query(
      `INSERT INTO api.acme_eab_keys (kid, team, sealed_key, created_by) VALUES ($1, $2, $3, $4)`,
      [row.kid, row.team, JSON.stringify(row.sealedKey), row.createdBy],
    );
  }

  async eabKey(kid: string): Promise<EabKeyRow | undefined> {
    const rows: Row[] = await this.ds.query(`SELECT * FROM api.acme_eab_keys WHERE kid = $1`, [kid]);
    const r = rows[0];
    return r
      ? {
          kid: r.kid,
          team: r.team,
          sealedKey: r.sealed_key,
          createdBy: r.created_by,
          createdAt: r.created_at,
          revokedAt: r.revoked_at,
        }
      : undefined;
  }

  async listEabKeys(team?: string): Promise<Array<Omit<EabKeyRow, 'sealedKey'> & { accounts: number }>> {
    const rows: Row[] = await this.ds.query(
      `SELECT k.kid, k.team, k.created_by, k.created_at, k.revoked_at,
              (SELECT count(*) FROM api.acme_accounts a WHERE a.eab_kid = k.kid)::int AS accounts
         FROM api.acme_eab_keys k WHERE $1::text IS NULL OR k.team = $1 ORDER BY k.created_at LIMIT 1000`,
      [team ?? null],
    );
    return rows.map((r) => ({
      kid: r.kid,
      team: r.team,
      createdBy: r.created_by,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
      accounts: r.accounts,
    }));
  }

  async revokeEabKey(kid: string): Promise<boolean> {
    const rows = updatedRows(
      await this.ds.query(
        `UPDATE api.acme_eab_keys SET revoked_at = now() WHERE kid = $1 AND revoked_at IS NULL RETURNING kid`,
        [kid],
      ),
    );
    return rows.length > 0;
  }

  async accountByKey(issuer: string, thumbprint: string): Promise<AccountRow | undefined> {
    const rows: Row[] = await this.ds.query(
      `SELECT * FROM api.acme_accounts WHERE issuer = $1 AND thumbprint = $2`,
      [issuer, thumbprint],
    );
    return rows[0] ? account(rows[0]) : undefined;
  }

  async account(id: string): Promise<AccountRow | undefined> {
    const rows: Row[] = await this.ds.query(`SELECT * FROM api.acme_accounts WHERE id = $1`, [id]);
    return rows[0] ? account(rows[0]) : undefined;
  }

  /** Creates the account, or answers the one already registered with the same key (a race). */
  async createAccount(
    row: Omit<AccountRow, 'createdAt'>,
  ): Promise<{ account: AccountRow; created: boolean }> {
    const rows: Row[] = await this.ds.query(
      `INSERT INTO api.acme_accounts (id, issuer, thumbprint, jwk, status, contact, team, eab_kid)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (issuer, thumbprint) DO NOTHING RETURNING *`,
      [
        row.id,
        row.issuer,
        row.thumbprint,
        JSON.stringify(row.jwk),
        row.status,
        JSON.stringify(row.contact),
        row.team,
        row.eabKid,
      ],
    );
    if (rows[0]) return { account: account(rows[0]), created: true };
    return { account: (await this.accountByKey(row.issuer, row.thumbprint))!, created: false };
  }

  async updateAccount(
    id: string,
    change: { status?: AccountStatus; contact?: string[] },
  ): Promise<AccountRow> {
    const rows = updatedRows(
      await this.ds.query(
        `UPDATE api.acme_accounts SET status = coalesce($2::text, status), contact = coalesce($3::jsonb, contact)
        WHERE id = $1 RETURNING *`,
        [id, change.status ?? null, change.contact ? JSON.stringify(change.contact) : null],
      ),
    );
    return account(rows[0]);
  }

  /** Key rollover; false when another account of the issuer already has the new key. */
  async changeAccountKey(id: string, thumbprint: string, jwk: PublicJwk): Promise<boolean> {
    const rows = updatedRows(
      await this.ds.query(
        `UPDATE api.acme_accounts SET thumbprint = $2, jwk = $3
        WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM api.acme_accounts b
                                       WHERE b.issuer = acme_accounts.issuer AND b.thumbprint = $2)
        RETURNING id`,
        [id, thumbprint, JSON.stringify(jwk)],
      ),
    );
    return rows.length > 0;
  }

  /** The order and its authorizations, in one statement. */
  async createOrder(
    o: Omit<OrderRow, 'authzStates' | 'error' | 'serial'>,
    authzs: AuthorizationRow[],
  ): Promise<void> {
    await this.ds.query(
      `WITH o AS (
         INSERT INTO api.acme_orders (id, account_id, issuer, status, identifiers, authorizations, expires, not_before, not_after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9))
       INSERT INTO api.acme_authorizations (id, account_id, identifier, wildcard, status, expires, token, challenges)
       SELECT * FROM unnest($10::text[], $11::text[], $12::text[], $13::boolean[], $14::text[], $15::timestamptz[],
                            $16::text[], $17::jsonb[])`,
      [
        o.id,
        o.accountId,
        o.issuer,
        o.status,
        JSON.stringify(o.identifiers),
        o.authorizations,
        o.expires,
        o.notBefore,
        o.notAfter,
        authzs.map((a) => a.id),
        authzs.map((a) => a.accountId),
        authzs.map((a) => a.identifier),
        authzs.map((a) => a.wildcard),
        authzs.map((a) => a.status),
        authzs.map((a) => a.expires),
        authzs.map((a) => a.token),
        authzs.map((a) => JSON.stringify(a.challenges)),
      ],
    );
  }

  async order(id: string): Promise<OrderRow | undefined> {
    const rows: Row[] = await this.ds.query(`${ORDER_SELECT} WHERE o.id = $1`, [id]);
    return rows[0] ? order(rows[0]) : undefined;
  }

  async orderUrlsOf(accountId: string, limit: number): Promise<string[]> {
    const rows: Row[] = await this.ds.query(
      `SELECT id FROM api.acme_orders WHERE account_id = $1 ORDER BY created_at DESC LIMIT $2`,
      [accountId, limit],
    );
    return rows.map((r) => r.id);
  }

  async authorization(id: string): Promise<AuthorizationRow | undefined> {
    const rows: Row[] = await this.ds.query(`SELECT * FROM api.acme_authorizations WHERE id = $1`, [id]);
    return rows[0] ? authorization(rows[0]) : undefined;
  }

  /** pending -> processing for one challenge of a pending authorization; false when it was not. */
  async startChallenge(authzId: string, type: ChallengeType): Promise<boolean> {
    const rows = updatedRows(
      await this.ds.query(
        `UPDATE api.acme_authorizations
          SET challenges = jsonb_set(challenges, ARRAY[$2::text, 'status'], '"processing"')
        WHERE id = $1 AND status = 'pending' AND challenges -> $2 ->> 'status' = 'pending'
        RETURNING id`,
        [authzId, type],
      ),
    );
    return rows.length > 0;
  }

  /** A validation's outcome: the challenge and its authorization become valid or invalid together. */
  async finishChallenge(authzId: string, type: ChallengeType, outcome: StoredChallenge): Promise<void> {
    await this.ds.query(
      `UPDATE api.acme_authorizations SET challenges = jsonb_set(challenges, ARRAY[$2::text], $3::jsonb), status = $4
        WHERE id = $1 AND status = 'pending'`,
      [authzId, type, JSON.stringify(outcome), outcome.status === 'valid' ? 'valid' : 'invalid'],
    );
  }

  async setAuthorizationStatus(id: string, status: AuthorizationStatus): Promise<void> {
    await this.ds.query(`UPDATE api.acme_authorizations SET status = $2 WHERE id = $1`, [id, status]);
  }

  /** ready -> processing (stored as pending until then); false when another finalize got there first. */
  async startFinalize(id: string): Promise<boolean> {
    const rows = updatedRows(
      await this.ds.query(
        `UPDATE api.acme_orders SET status = 'processing' WHERE id = $1 AND status = 'pending' RETURNING id`,
        [id],
      ),
    );
    return rows.length > 0;
  }

  async failOrder(id: string, error: AcmeProblem): Promise<void> {
    await this.ds.query(`UPDATE api.acme_orders SET status = 'invalid', error = $2 WHERE id = $1`, [
      id,
      JSON.stringify(error),
    ]);
  }

  /** The certificate and the order's new state, in one statement. */
  async completeOrder(c: Omit<CertificateRow, 'revokedAt'>): Promise<void> {
    await this.ds.query(
      `WITH c AS (
         INSERT INTO api.acme_certificates (serial, order_id, account_id, issuer, team, identifiers, certificate_pem,
                                            chain_pem, spki_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9))
       UPDATE api.acme_orders SET status = 'valid', serial = $1 WHERE id = $2`,
      [
        c.serial,
        c.orderId,
        c.accountId,
        c.issuer,
        c.team,
        JSON.stringify(c.identifiers),
        c.certificatePem,
        c.chainPem,
        c.spkiSha256,
      ],
    );
  }

  async certificate(serial: string): Promise<CertificateRow | undefined> {
    const rows: Row[] = await this.ds.query(`SELECT * FROM api.acme_certificates WHERE serial = $1`, [
      serial,
    ]);
    return rows[0] ? certificate(rows[0]) : undefined;
  }

  async markRevoked(serial: string): Promise<void> {
    await this.ds.query(`UPDATE api.acme_certificates SET revoked_at = now() WHERE serial = $1`, [serial]);
  }

  /** The names among `identifiers` the account holds a valid, unexpired authorization for. */
  async authorizedNames(accountId: string, identifiers: string[]): Promise<Set<string>> {
    const rows: Row[] = await this.ds.query(
      `SELECT DISTINCT CASE WHEN wildcard THEN '*.' || identifier ELSE identifier END AS name
         FROM api.acme_authorizations
        WHERE account_id = $1 AND status = 'valid' AND expires > now()
          AND (identifier = ANY($2) OR '*.' || identifier = ANY($2))`,
      [accountId, identifiers],
    );
    return new Set(rows.map((r) => r.name as string));
  }
}
