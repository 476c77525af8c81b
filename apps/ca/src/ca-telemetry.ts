import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuthorityService } from './authorities.js';
import type { DecisionRecord } from './issuance-recorder.js';

/**
 * The ca's issuance telemetry, as cert-manager exports it for its issuers: what was issued, what
 * policy refused and by which rule, how renewals go, and when each issuer expires. Counted once a
 * decision is on record, so a figure never runs ahead of the audit trail.
 */
export class CaTelemetry {
  readonly #issued: Counter<'issuer' | 'action'>;
  readonly #refused: Counter<'issuer' | 'action' | 'rule'>;
  readonly #renewals: Counter<'issuer'>;
  readonly #renewalFailures: Counter<'issuer'>;

  constructor(registry: Registry, authorities: Pick<AuthorityService, 'list'>) {
    const registers = [registry];
    this.#issued = new Counter({
      name: 'keyway_ca_certificates_issued_total',
      help: 'Certificates issued and on record, by issuer and action (issue, sign, issue-credential, renew).',
      labelNames: ['issuer', 'action'],
      registers,
    });
    this.#refused = new Counter({
      name: 'keyway_ca_issuance_refusals_total',
      help: 'Issuance requests refused, by issuer, action and the policy rule (request field) that refused.',
      labelNames: ['issuer', 'action', 'rule'],
      registers,
    });
    this.#renewals = new Counter({
      name: 'keyway_ca_certificate_renewals_total',
      help: 'Certificate resources renewed (a new certificate written to their Secret).',
      labelNames: ['issuer'],
      registers,
    });
    this.#renewalFailures = new Counter({
      name: 'keyway_ca_certificate_renewal_failures_total',
      help: 'Certificate resource renewals that failed (retried with backoff).',
      labelNames: ['issuer'],
      registers,
    });
    new Gauge({
      name: 'keyway_ca_issuer_not_after_timestamp_seconds',
      help: "Each issuer's certificate expiry, as a Unix timestamp.",
      labelNames: ['issuer'],
      registers,
      async collect() {
        this.reset();
        for (const a of await authorities.list()) {
          this.set({ issuer: a.name }, Math.floor(Date.parse(a.notAfter) / 1000));
        }
      },
    });
  }

  issued(record: DecisionRecord): void {
    this.#issued.inc({ issuer: record.issuer, action: record.action });
  }

  refused(record: DecisionRecord): void {
    for (const rule of refusalRules(record.reasons)) {
      this.#refused.inc({ issuer: record.issuer, action: record.action, rule });
    }
  }

  renewed(issuer: string): void {
    this.#renewals.inc({ issuer });
  }

  renewalFailed(issuer: string): void {
    this.#renewalFailures.inc({ issuer });
  }
}

/** Refusal reasons read `field: message`; the rule label is the field without list indexes. */
export function refusalRules(reasons: readonly string[]): string[] {
  const rules = new Set<string>();
  for (const reason of reasons) {
    const colon = reason.indexOf(':');
    const field = colon > 0 ? reason.slice(0, Math.min(colon, 64)) : 'other';
    rules.add(/^[A-Za-z0-9_.[\]-]+$/.test(field) ? field.replace(/\[\d+\]/g, '') : 'other');
  }
  return rules.size ? [...rules] : ['other'];
}
