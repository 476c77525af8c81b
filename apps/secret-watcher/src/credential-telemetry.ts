import type { SecretErrorCode } from '#keyway/secrets';
import type { ChainedAuditRow } from '#keyway/secrets';
import { Counter, Gauge, type Registry } from 'prom-client';
import { secretRef } from './credential-state.js';

interface ServedExpiry {
  namespace: string;
  name: string;
  source: string;
  notAfterSeconds: number;
}

/**
 * What the secret-watcher serves, as cert-manager's certificate expiry metrics: so a production
 * install with Envoy (which exports none of keyway's) can alert on expiry. Fed only with audit rows
 * once they are committed, so the figures never run ahead of the record.
 */
export class CredentialTelemetry {
  readonly #served = new Map<string, ServedExpiry>();
  readonly #versions: Counter<'action' | 'source'>;
  readonly #rejected: Counter<'reason'>;

  constructor(registry: Registry) {
    const served = this.#served;
    const registers = [registry];
    new Gauge({
      name: 'keyway_credential_not_after_timestamp_seconds',
      help: 'Expiry of each served credential (its leaf, or first CA for a validation context), Unix time.',
      labelNames: ['namespace', 'name', 'source'],
      registers,
      collect() {
        this.reset();
        for (const s of served.values()) {
          this.set({ namespace: s.namespace, name: s.name, source: s.source }, s.notAfterSeconds);
        }
      },
    });
    this.#versions = new Counter({
      name: 'keyway_credential_versions_total',
      help: 'Credential versions recorded in the audit log, by action (created, updated, deleted, rejected) and source.',
      labelNames: ['action', 'source'],
      registers,
    });
    this.#rejected = new Counter({
      name: 'keyway_credential_rejected_versions_total',
      help: 'Secret versions refused by validation (last good kept), by the first error code.',
      labelNames: ['reason'],
      registers,
    });
  }

  /** After a restart: what the audit log says is served. */
  load(served: readonly ChainedAuditRow[]): void {
    for (const row of served) this.#serve(row);
  }

  /** Rows just committed, in commit order. */
  committed(rows: readonly ChainedAuditRow[]): void {
    for (const row of rows) {
      this.#versions.inc({ action: row.action, source: row.source });
      if (row.action === 'rejected') continue;
      if (row.action === 'deleted') this.#served.delete(secretRef(row.namespace, row.name));
      else this.#serve(row);
    }
  }

  rejected(reason: SecretErrorCode | 'invalid'): void {
    this.#rejected.inc({ reason });
  }

  #serve(row: ChainedAuditRow): void {
    const key = secretRef(row.namespace, row.name);
    const notAfter = row.notAfter ? Date.parse(row.notAfter) : NaN;
    if (row.action === 'deleted' || Number.isNaN(notAfter)) {
      this.#served.delete(key);
      return;
    }
    this.#served.set(key, {
      namespace: row.namespace,
      name: row.name,
      source: row.source,
      notAfterSeconds: Math.floor(notAfter / 1000),
    });
  }
}
