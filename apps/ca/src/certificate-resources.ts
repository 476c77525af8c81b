import type { CaTelemetry } from './ca-telemetry.js';
import {
  DEFAULT_BACKOFF,
  compileSchedule,
  issuanceSpecHash,
  planRenewal,
  type BackoffOptions,
  type RenewalPlan,
} from '#keyway/ca-policy';
import type { Actor, CertificateResource, CertificateStatus, CertificateView } from '#keyway/contracts';
import type { DataSource } from '#keyway/persistence';
import type { CredentialWriter } from './credential-writer.js';
import { CaError, returnedRows } from './errors.js';
import type { IssuanceService } from './issuance.js';

interface ResourceRow {
  namespace: string;
  name: string;
  team: string | null;
  spec: CertificateResource;
  serial: string | null;
  spec_hash: string | null;
  not_before: Date | null;
  not_after: Date | null;
  failures: number;
  last_failure: string | null;
  last_failure_at: Date | null;
  last_issued_at: Date | null;
  revoked: boolean | null;
}

const SELECT = `
  SELECT r.*, (c.revoked_at IS NOT NULL) AS revoked
  FROM certificate_resources r LEFT JOIN issued_certificates c ON c.serial = r.serial`;

const RENEWAL_LOCK = 'keyway-ca-renewal';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined);

/**
 * Certificate resources in the manner of cert-manager: each is kept issued into its Secret, with a
 * new key on every renewal, renewed at renewBefore or 2/3 of the lifetime, retried with backoff.
 * The plan for each resource comes from the pure `planRenewal`; this class only runs it.
 */
export class CertificateResources {
  #running: Promise<Date | null> | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly issuance: IssuanceService,
    private readonly writer: CredentialWriter,
    private readonly clock: () => Date = () => new Date(),
    private readonly telemetry?: Pick<CaTelemetry, 'renewed' | 'renewalFailed'>,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  /** Stores the resource, then reconciles it once so the reply already says whether it is ready. */
  async apply(
    spec: CertificateResource,
    actor: Actor,
  ): Promise<CertificateView & { outcome: 'created' | 'updated' }> {
    const resource = `Certificate/${spec.namespace}/${spec.name}`;
    const schedule = compileSchedule(spec, resource);
    if (!schedule.ok) {
      throw new CaError(
        'invalid',
        `${resource}: invalid`,
        schedule.errors.map((e) => ({ ...e, field: e.field.replace(/^spec\./, 'certificate.') })),
      );
    }
    const upserted: Array<{ inserted: boolean }> = await this.ds.query(
      `INSERT INTO certificate_resources (namespace, name, team, spec, applied_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (namespace, name) DO UPDATE
         SET team = EXCLUDED.team, spec = EXCLUDED.spec, applied_by = EXCLUDED.applied_by, updated_at = now(),
             failures = 0, last_failure = NULL, last_failure_at = NULL
       RETURNING (xmax = 0) AS inserted`,
      [spec.namespace, spec.name, actor.team ?? null, JSON.stringify(spec), JSON.stringify(actor)],
    );
    await this.#reconcile(await this.#row(spec.namespace, spec.name));
    return {
      outcome: upserted[0].inserted ? 'created' : 'updated',
      ...(await this.get(spec.namespace, spec.name)),
    };
  }

  async get(namespace: string, name: string): Promise<CertificateView> {
    return this.#view(await this.#row(namespace, name));
  }

  async list(namespace?: string): Promise<CertificateView[]> {
    const rows: ResourceRow[] = namespace
      ? await this.ds.query(`${SELECT} WHERE r.namespace = $1 ORDER BY r.namespace, r.name`, [namespace])
      : await this.ds.query(`${SELECT} ORDER BY r.namespace, r.name`);
    return rows.map((r) => this.#view(r));
  }

  /** Deletes the resource; its Secret stays, as cert-manager leaves Secrets behind by default. */
  async delete(namespace: string, name: string): Promise<{ namespace: string; name: string; deleted: true }> {
    const rows = returnedRows<{ name: string }>(
      await this.ds.query(
        'DELETE FROM certificate_resources WHERE namespace = $1 AND name = $2 RETURNING name',
        [namespace, name],
      ),
    );
    if (rows.length === 0) throw new CaError('not_found', `Certificate/${namespace}/${name}: not found`);
    return { namespace, name, deleted: true };
  }

  /**
   * One pass over every resource: issues what is due and returns when the next one will be due
   * (null when there are none). Passes never overlap.
   */
  async reconcileAll(): Promise<Date | null> {
    if (this.#running) return this.#running;
    this.#running = (async () => {
      // One replica renews at a time: a session advisory lock on a dedicated connection.
      const lock = this.ds.createQueryRunner();
      await lock.connect();
      try {
        const got: Array<{ locked: boolean }> = await lock.query(
          'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
          [RENEWAL_LOCK],
        );
        if (!got[0].locked) return null;
        try {
          const rows: ResourceRow[] = await this.ds.query(`${SELECT} ORDER BY r.namespace, r.name`);
          let next: Date | null = null;
          for (const row of rows) {
            const plan = await this.#reconcile(row);
            if (plan.action === 'wait' && (!next || plan.until < next)) next = plan.until;
          }
          return next;
        } finally {
          await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [RENEWAL_LOCK]);
        }
      } finally {
        await lock.release();
      }
    })();
    try {
      return await this.#running;
    } finally {
      this.#running = null;
    }
  }

  #plan(row: ResourceRow): RenewalPlan {
    const spec = row.spec;
    const schedule = compileSchedule(spec);
    return planRenewal({
      specHash: this.#specHash(spec),
      renewBeforeSeconds: schedule.ok ? schedule.value.renewBeforeSeconds : undefined,
      issued:
        row.serial && row.not_before && row.not_after && row.spec_hash
          ? {
              notBefore: new Date(row.not_before),
              notAfter: new Date(row.not_after),
              specHash: row.spec_hash,
              revoked: !!row.revoked,
            }
          : undefined,
      failures: row.failures,
      lastFailureAt: row.last_failure_at ? new Date(row.last_failure_at) : undefined,
      now: this.clock(),
      backoff: this.backoff,
    });
  }

  async #reconcile(row: ResourceRow): Promise<RenewalPlan> {
    const plan = this.#plan(row);
    if (plan.action === 'wait') return plan;
    const spec = row.spec;
    const actor: Actor = {
      kind: 'service',
      name: `certificate/${spec.namespace}/${spec.name}`,
      ...(row.team ? { team: row.team } : {}),
    };
    try {
      const issued = await this.issuance.issueKeyed(
        {
          schemaVersion: 1,
          issuer: spec.issuer,
          commonName: spec.commonName,
          sans: spec.sans,
          keyType: spec.keyType,
          usage: spec.usage,
          ttl: spec.duration,
          actor,
          reason: `Certificate ${plan.reason}`,
        },
        'renew',
        spec.namespace,
      );
      await this.writer.write(
        issued,
        {
          namespace: spec.namespace,
          secretName: spec.secretName,
          includeCa: spec.includeCa,
          includeCrl: spec.includeCrl,
        },
        actor,
        `Certificate/${spec.namespace}/${spec.name}: ${plan.reason}`,
      );
      await this.ds.query(
        `UPDATE certificate_resources SET serial = $3, spec_hash = $4, not_before = $5, not_after = $6, failures = 0,
           last_failure = NULL, last_failure_at = NULL, last_issued_at = $7 WHERE namespace = $1 AND name = $2`,
        [
          spec.namespace,
          spec.name,
          issued.certificate.serial,
          this.#specHash(spec),
          issued.certificate.notBefore,
          issued.certificate.notAfter,
          this.clock().toISOString(),
        ],
      );
      this.telemetry?.renewed(spec.issuer);
    } catch (e) {
      this.telemetry?.renewalFailed(spec.issuer);
      const message = e instanceof Error ? e.message : String(e);
      await this.ds.query(
        `UPDATE certificate_resources SET failures = failures + 1, last_failure = $3, last_failure_at = $4
         WHERE namespace = $1 AND name = $2`,
        [spec.namespace, spec.name, message.slice(0, 2000), this.clock().toISOString()],
      );
    }
    return this.#plan(await this.#row(spec.namespace, spec.name));
  }

  #specHash(spec: CertificateResource): string {
    return (
      issuanceSpecHash({
        issuer: spec.issuer,
        commonName: spec.commonName,
        sans: spec.sans,
        keyType: spec.keyType,
        usage: spec.usage,
      }) + `|${spec.secretName}|${spec.includeCa}|${spec.includeCrl}`
    );
  }

  async #row(namespace: string, name: string): Promise<ResourceRow> {
    const rows: ResourceRow[] = await this.ds.query(`${SELECT} WHERE r.namespace = $1 AND r.name = $2`, [
      namespace,
      name,
    ]);
    if (rows.length === 0) throw new CaError('not_found', `Certificate/${namespace}/${name}: not found`);
    return rows[0];
  }

  #view(row: ResourceRow): CertificateView {
    return { certificate: row.spec, status: this.#status(row) };
  }

  #status(row: ResourceRow): CertificateStatus {
    const plan = this.#plan(row);
    const status: CertificateStatus = {
      namespace: row.namespace,
      name: row.name,
      ready: !!row.serial && plan.action === 'wait' && plan.reason === 'valid',
      failures: row.failures,
    };
    if (row.serial) status.serial = row.serial;
    if (row.not_before) status.notBefore = iso(row.not_before);
    if (row.not_after) status.notAfter = iso(row.not_after);
    if (plan.renewalTime) status.renewalTime = plan.renewalTime.toISOString();
    status.nextAttemptAt = plan.action === 'wait' ? plan.until.toISOString() : this.clock().toISOString();
    if (row.last_failure) status.lastFailure = row.last_failure;
    if (row.last_issued_at) status.lastIssuedAt = iso(row.last_issued_at);
    return status;
  }
}
