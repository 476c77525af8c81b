import type { Actor, CrlResult, RevocationReasonName } from '#keyway/contracts';
import type { DataSource } from '#keyway/persistence';
import { writeCaRecord, type RecordGuard } from './record-guard.js';
import { createCrl, normalizeSerialHex, type RevocationReason } from '#keyway/pki';
import { sha256Hex } from '#keyway/secrets';
import type { AuthorityService } from './authorities.js';
import { CaError, returnedRows } from './errors.js';

export interface RevokeInput {
  serial: string;
  reason: RevocationReasonName;
  actor: Actor;
}

export interface RevokeResult {
  serial: string;
  issuer: string;
  revokedAt: string;
  reason: string;
  crlNumber: number;
}

interface CrlRow {
  crl_pem: string | null;
  crl_number: string;
  crl_this_update: Date | null;
  crl_next_update: Date | null;
}

/**
 * Revocation by serial and one CRL per issuer, regenerated on every revocation and periodically
 * (before nextUpdate), with a CRL number that only grows. The CRL lives on the issuer's row.
 */
export class RevocationService {
  readonly #listeners: Array<(crl: CrlResult) => Promise<void>> = [];

  constructor(
    private readonly ds: DataSource,
    private readonly authorities: AuthorityService,
    private readonly crlValiditySeconds: number,
    private readonly clock: () => Date = () => new Date(),
    private readonly guard?: RecordGuard,
  ) {}

  /** Called after every new CRL is committed (to refresh `-cacert` Secrets); errors are the listener's to report. */
  onRegenerated(listener: (crl: CrlResult) => Promise<void>): void {
    this.#listeners.push(listener);
  }

  async revoke(req: RevokeInput): Promise<RevokeResult> {
    const serial = normalizeSerialHex(req.serial);
    if (!serial) throw new CaError('invalid', `serial: ${JSON.stringify(req.serial)} is not hexadecimal`);
    const at = this.clock();
    // A team revokes only what was issued to it; a team-less actor (admin, the ca itself) any.
    // Another team's serial reads as unknown: its existence is not the caller's business.
    const team = req.actor.team ?? null;
    const rows = returnedRows<{ issuer: string }>(
      await writeCaRecord(this.ds, this.guard, async (m, append) => {
        const updated: unknown = await m.query(
          `UPDATE issued_certificates SET revoked_at = $2, revocation_reason = $3, revoked_by = $4
         WHERE serial = $1 AND revoked_at IS NULL AND ($5::text IS NULL OR requested_by->>'team' = $5)
         RETURNING issuer`,
          [serial, at.toISOString(), req.reason, JSON.stringify(req.actor), team],
        );
        for (const r of returnedRows<{ issuer: string }>(updated))
          await append([
            {
              kind: 'revocation',
              at: at.toISOString(),
              issuer: r.issuer,
              serial,
              actor: { ...req.actor },
              detail: { reason: req.reason },
            },
          ]);
        return updated;
      }),
    );
    if (rows.length === 0) {
      const existing: Array<{ revoked_at: Date | null }> = await this.ds.query(
        `SELECT revoked_at FROM issued_certificates WHERE serial = $1
         AND ($2::text IS NULL OR requested_by->>'team' = $2)`,
        [serial, team],
      );
      if (existing.length === 0)
        throw new CaError('not_found', `certificate ${serial}: not issued by this CA`);
      throw new CaError(
        'conflict',
        `certificate ${serial}: already revoked at ${new Date(existing[0].revoked_at!).toISOString()}`,
      );
    }
    const crl = await this.regenerate(rows[0].issuer);
    return {
      serial,
      issuer: rows[0].issuer,
      revokedAt: at.toISOString(),
      reason: req.reason,
      crlNumber: crl.crlNumber,
    };
  }

  /** The issuer's current CRL, regenerated first when missing or past half its validity. */
  async crl(issuer: string): Promise<CrlResult> {
    await this.authorities.get(issuer);
    const rows: CrlRow[] = await this.ds.query(
      'SELECT crl_pem, crl_number, crl_this_update, crl_next_update FROM authorities WHERE name = $1',
      [issuer],
    );
    const row = rows[0];
    if (
      !row.crl_pem ||
      !row.crl_next_update ||
      this.#stale(new Date(row.crl_this_update!), new Date(row.crl_next_update))
    ) {
      return this.regenerate(issuer);
    }
    const revokedCount = await this.#revokedCount(issuer);
    return {
      issuer,
      crlPem: row.crl_pem,
      crlNumber: Number(row.crl_number),
      thisUpdate: new Date(row.crl_this_update!).toISOString(),
      nextUpdate: new Date(row.crl_next_update).toISOString(),
      revokedCount,
    };
  }

  /** Signs a new CRL for the issuer under a row lock, so concurrent revocations never reuse a CRL number. */
  async regenerate(issuer: string): Promise<CrlResult> {
    const authority = await this.authorities.get(issuer);
    const result = await writeCaRecord(this.ds, this.guard, async (m, append): Promise<CrlResult> => {
      const locked: Array<{ crl_number: string }> = await m.query(
        'SELECT crl_number FROM authorities WHERE name = $1 FOR UPDATE',
        [issuer],
      );
      const thisUpdate = this.clock();
      const nextUpdate = new Date(thisUpdate.getTime() + this.crlValiditySeconds * 1000);
      const revoked: Array<{ serial: string; revoked_at: Date; revocation_reason: string }> = await m.query(
        `SELECT serial, revoked_at, revocation_reason FROM issued_certificates
         WHERE issuer = $1 AND revoked_at IS NOT NULL AND not_after > $2 ORDER BY serial`,
        [issuer, thisUpdate.toISOString()],
      );
      const crlNumber = Number(locked[0].crl_number) + 1;
      const crlPem = createCrl({
        issuer: authority.issuer,
        revoked: revoked.map((r) => ({
          serialHex: r.serial,
          revokedAt: new Date(r.revoked_at),
          reason: r.revocation_reason as RevocationReason,
        })),
        thisUpdate,
        nextUpdate,
        crlNumber,
      });
      await m.query(
        `UPDATE authorities SET crl_number = $2, crl_pem = $3, crl_this_update = $4, crl_next_update = $5 WHERE name = $1`,
        [issuer, crlNumber, crlPem, thisUpdate.toISOString(), nextUpdate.toISOString()],
      );
      await append([
        {
          kind: 'crl',
          at: thisUpdate.toISOString(),
          issuer,
          serial: null,
          actor: null,
          detail: {
            crlNumber,
            thisUpdate: thisUpdate.toISOString(),
            nextUpdate: nextUpdate.toISOString(),
            revokedCount: revoked.length,
            sha256: sha256Hex(crlPem),
          },
        },
      ]);
      return {
        issuer,
        crlPem,
        crlNumber,
        thisUpdate: thisUpdate.toISOString(),
        nextUpdate: nextUpdate.toISOString(),
        revokedCount: revoked.length,
      };
    });
    for (const listener of this.#listeners) await listener(result);
    return result;
  }

  /** The periodic pass: every issuer whose CRL is missing or past half its validity gets a new one. */
  async refreshAll(): Promise<string[]> {
    const rows: Array<{ name: string; crl_this_update: Date | null; crl_next_update: Date | null }> =
      await this.ds.query('SELECT name, crl_this_update, crl_next_update FROM authorities ORDER BY name');
    const refreshed: string[] = [];
    for (const row of rows) {
      if (row.crl_next_update && !this.#stale(new Date(row.crl_this_update!), new Date(row.crl_next_update)))
        continue;
      await this.regenerate(row.name);
      refreshed.push(row.name);
    }
    return refreshed;
  }

  #stale(thisUpdate: Date, nextUpdate: Date): boolean {
    const half = thisUpdate.getTime() + (nextUpdate.getTime() - thisUpdate.getTime()) / 2;
    return this.clock().getTime() >= half;
  }

  async #revokedCount(issuer: string): Promise<number> {
    const rows: Array<{ n: string }> = await this.ds.query(
      'SELECT count(*) AS n FROM issued_certificates WHERE issuer = $1 AND revoked_at IS NOT NULL AND not_after > $2',
      [issuer, this.clock().toISOString()],
    );
    return Number(rows[0].n);
  }
}
