import type { DataSource } from '#keyway/persistence';
import { writeCaRecord, type RecordGuard } from './record-guard.js';
import type { CaRecord } from '#keyway/secrets';

/** One policy decision: who asked, for what, and why it was allowed or refused. Never key material. */
export interface DecisionRecord {
  id: string;
  at: Date;
  action: 'issue' | 'sign' | 'issue-credential' | 'renew' | 'authorize';
  actor: { kind: string; name: string; team?: string };
  team: string | null;
  issuer: string;
  allowed: boolean;
  policy: string | null;
  reasons: string[];
  /** The request without keys: names, key type, usage, ttl, namespace. */
  request: Record<string, unknown>;
  serial: string | null;
}

export interface CertificateRecord {
  serial: string;
  issuer: string;
  subject: string;
  sans: { dns: string[]; ip: string[]; uri: string[] };
  keyType: string;
  usage: string;
  method: DecisionRecord['action'];
  notBefore: Date;
  notAfter: Date;
  requestedBy: DecisionRecord['actor'];
  decisionId: string;
  policy: string;
}

interface Pending {
  decision: DecisionRecord;
  certificate?: CertificateRecord;
  done: (err?: Error) => void;
}

const INSERT_DECISIONS = `
  INSERT INTO policy_decisions (id, at, action, actor, team, issuer, allowed, policy, reasons, request, serial)
  SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::jsonb[], $5::text[], $6::text[],
                       $7::boolean[], $8::text[], $9::jsonb[], $10::jsonb[], $11::text[])`;

const INSERT_CERTIFICATES = `
  INSERT INTO issued_certificates (serial, issuer, subject, sans, key_type, usage, method, not_before, not_after,
                                   requested_by, decision_id, policy)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::text[],
                       $8::timestamptz[], $9::timestamptz[], $10::jsonb[], $11::uuid[], $12::text[])`;

/**
 * Writes decisions and issuance records in group commits: callers wait for their row to be
 * committed (a certificate is returned only once it is on record), while concurrent requests share
 * one transaction of two multi-row inserts instead of paying a round trip each.
 */
export class IssuanceRecorder {
  #pending: Pending[] = [];
  #flushing: Promise<void> | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly maxBatch = 1000,
    /** Every commit checks this replica still leads and a required audit device can be written. */
    private readonly guard?: RecordGuard,
  ) {}

  record(decision: DecisionRecord, certificate?: CertificateRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ decision, certificate, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.#flushing) this.#flushing = this.#drain();
    });
  }

  /** Resolves when everything queued so far is committed (or failed). */
  async idle(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #drain(): Promise<void> {
    // Yield once so requests arriving in the same turn join the first batch.
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, this.maxBatch);
        try {
          await this.#write(batch);
          for (const p of batch) p.done();
        } catch (e) {
          const err = e instanceof Error ? e : new Error(String(e));
          for (const p of batch) p.done(err);
        }
      }
    } finally {
      this.#flushing = null;
    }
  }

  async #write(batch: Pending[]): Promise<void> {
    const d = batch.map((p) => p.decision);
    const c = batch.flatMap((p) => (p.certificate ? [p.certificate] : []));
    await writeCaRecord(this.ds, this.guard, async (m, append) => {
      await m.query(INSERT_DECISIONS, [
        d.map((x) => x.id),
        d.map((x) => x.at.toISOString()),
        d.map((x) => x.action),
        d.map((x) => JSON.stringify(x.actor)),
        d.map((x) => x.team),
        d.map((x) => x.issuer),
        d.map((x) => x.allowed),
        d.map((x) => x.policy),
        d.map((x) => JSON.stringify(x.reasons)),
        d.map((x) => JSON.stringify(x.request)),
        d.map((x) => x.serial),
      ]);
      if (c.length > 0)
        await m.query(INSERT_CERTIFICATES, [
          c.map((x) => x.serial),
          c.map((x) => x.issuer),
          c.map((x) => x.subject),
          c.map((x) => JSON.stringify(x.sans)),
          c.map((x) => x.keyType),
          c.map((x) => x.usage),
          c.map((x) => x.method),
          c.map((x) => x.notBefore.toISOString()),
          c.map((x) => x.notAfter.toISOString()),
          c.map((x) => JSON.stringify(x.requestedBy)),
          c.map((x) => x.decisionId),
          c.map((x) => x.policy),
        ]);
      await append(batch.flatMap(caRecordsOf));
    });
  }
}

/** A decision, and the certificate it let through, as rows of the CA's hash-chained record. */
function caRecordsOf(p: Pending): CaRecord[] {
  const d = p.decision;
  const out: CaRecord[] = [
    {
      kind: 'decision',
      at: d.at.toISOString(),
      issuer: d.issuer,
      serial: d.serial,
      actor: d.actor,
      detail: {
        id: d.id,
        action: d.action,
        team: d.team,
        allowed: d.allowed,
        policy: d.policy,
        reasons: d.reasons,
        request: d.request,
      },
    },
  ];
  const c = p.certificate;
  if (c)
    out.push({
      kind: 'issuance',
      at: d.at.toISOString(),
      issuer: c.issuer,
      serial: c.serial,
      actor: c.requestedBy,
      detail: {
        subject: c.subject,
        sans: c.sans,
        keyType: c.keyType,
        usage: c.usage,
        method: c.method,
        notBefore: c.notBefore.toISOString(),
        notAfter: c.notAfter.toISOString(),
        decisionId: c.decisionId,
        policy: c.policy,
      },
    });
  return out;
}
