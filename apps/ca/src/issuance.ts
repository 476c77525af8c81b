import { randomUUID } from 'node:crypto';
import {
  KEY_TYPES,
  evaluatePolicies,
  type CertificateUsage,
  type KeyType,
  type PolicyDecision,
  type PolicyRequest,
} from '#keyway/ca-policy';
import type {
  Actor,
  IssuedCertificate,
  authorizeRequest,
  issueRequest,
  signRequest,
} from '#keyway/contracts';
import type { Keyring, PrivateKeyPem } from '#keyway/key-material';
import { PkiError, generateKeyPairAsync, issueCertificate, parseCsr, type ParsedCsr } from '#keyway/pki';
import type { z } from 'zod';
import type { AuthorityService, LoadedAuthority } from './authorities.js';
import { CaError } from './errors.js';
import type { DecisionRecord, IssuanceRecorder } from './issuance-recorder.js';
import type { PolicyStore } from './policy-store.js';
import type { CaTelemetry } from './ca-telemetry.js';

export type IssueInput = z.output<typeof issueRequest>;
export type SignInput = z.output<typeof signRequest>;
export type AuthorizeInput = z.output<typeof authorizeRequest>;

/** What issuing produced, before the key is sealed for the wire. */
export interface Issued {
  certificate: Omit<IssuedCertificate, 'sealedPrivateKey'>;
  /** Present when the CA generated the key (issue); absent for a signed CSR. */
  privateKey?: PrivateKeyPem;
  authority: LoadedAuthority;
  decision: PolicyDecision;
}

export interface IssuanceOptions {
  /** notBefore is set this far in the past, for clocks that lag behind the CA's. */
  backdateSeconds: number;
  clock: () => Date;
  /** Counts decisions once they are on record (metrics); absent in tests and benchmarks. */
  telemetry?: Pick<CaTelemetry, 'issued' | 'refused'>;
}

interface Decided {
  decision: PolicyDecision;
  record: DecisionRecord;
}

/** The associated data of an issued key's envelope: the certificate serial. */
export const issuedKeyAad = (serial: string): string => serial;

/**
 * Issue and sign: policy first (every decision recorded with who asked and why), then one
 * certificate signed by the CA's precomputed Issuer, then the issuance record, committed before
 * the certificate is returned. Without a recorder (benchmarks only), nothing is written.
 */
export class IssuanceService {
  constructor(
    private readonly authorities: AuthorityService,
    private readonly policies: PolicyStore,
    private readonly recorder: IssuanceRecorder | null,
    private readonly dataKeys: Keyring,
    private readonly options: IssuanceOptions = { backdateSeconds: 30, clock: () => new Date() },
  ) {}

  /** `keyway.ca.issue`: the CA makes the key; it is returned once, sealed under the data key. */
  async issue(req: IssueInput): Promise<IssuedCertificate> {
    const issued = await this.issueKeyed(req, 'issue');
    return this.seal(issued);
  }

  /** Issues with a CA-generated key and hands back the key object (credential and renewal paths). */
  async issueKeyed(req: IssueInput, action: DecisionRecord['action'], namespace?: string): Promise<Issued> {
    const request: PolicyRequest = {
      issuer: req.issuer,
      commonName: req.commonName,
      sans: req.sans,
      keyType: req.keyType,
      usage: req.usage,
      ttl: req.ttl,
      namespace,
    };
    const authority = await this.#authority(request, req.actor, action);
    const decided = await this.#decide(authority, request, req.actor, action, req.reason);
    return this.#issue(authority, decided, req.actor, action, { keyType: req.keyType });
  }

  /** `keyway.ca.sign`: a CSR whose signature verifies and whose names pass policy; the key never comes here. */
  async sign(req: SignInput): Promise<IssuedCertificate> {
    const authority = await this.#authority(
      { issuer: req.issuer, sans: {}, usage: req.usage, ttl: req.ttl },
      req.actor,
      'sign',
    );
    let csr: ParsedCsr;
    try {
      csr = parseCsr(req.csrPem);
    } catch (e) {
      throw new CaError('invalid', `csrPem: ${(e as Error).message}`, [
        { code: 'invalid', field: 'csrPem', message: (e as Error).message },
      ]);
    }
    const base: PolicyRequest = {
      issuer: req.issuer,
      commonName: csr.subjectName.commonName,
      sans: { dns: csr.sans.dns, ip: csr.sans.ip, uri: csr.sans.uri },
      keyType: csr.publicKey.keyType as KeyType,
      usage: req.usage,
      ttl: req.ttl,
    };
    const problems: string[] = [];
    if (!csr.signatureValid)
      problems.push('csrPem: the request signature does not verify with its public key');
    if (!(KEY_TYPES as readonly string[]).includes(csr.publicKey.keyType)) {
      problems.push(`csrPem: key type ${csr.publicKey.keyType} is not one of ${KEY_TYPES.join(', ')}`);
    }
    if (csr.sans.email.length > 0) problems.push('csrPem: email SANs are not issued');
    if (problems.length > 0) {
      await this.#record(this.#refusal(req.issuer, base, req.actor, 'sign', problems));
      throw new CaError(
        'invalid',
        problems.join('; '),
        problems.map((p) => ({ code: 'invalid', field: 'csrPem', message: p.replace(/^csrPem: /, '') })),
      );
    }
    const decided = await this.#decide(
      authority,
      base,
      req.actor,
      'sign',
      undefined,
      csr.publicKey.spkiSha256,
    );
    const issued = await this.#issue(authority, decided, req.actor, 'sign', { spkiDer: csr.spkiDer });
    return issued.certificate;
  }

  /**
   * `keyway.ca.authorize`: the policy decision alone (ACME newOrder, before any challenge). A refusal
   * is recorded like any other; an allowance is not, since the issuance that follows records its own.
   */
  async authorize(req: AuthorizeInput): Promise<{ allowed: true; policy: string }> {
    const request: PolicyRequest = { issuer: req.issuer, sans: req.sans, ttl: req.ttl };
    const authority = await this.#authority(request, req.actor, 'authorize');
    const policies = await this.policies.forTeam(req.actor.team);
    const context = {
      now: this.options.clock(),
      issuerNotAfter: authority.notAfter,
      backdateSeconds: this.options.backdateSeconds,
    };
    // The key comes later (with the CSR, checked then): any key type the policy allows will do now.
    const decisions = KEY_TYPES.map((keyType) =>
      evaluatePolicies(policies, { ...request, keyType }, context, req.actor.team),
    );
    const allowed = decisions.find((d) => d.allowed);
    if (allowed) return { allowed: true, policy: allowed.policy! };
    const decision = decisions.reduce((a, b) => (b.violations.length < a.violations.length ? b : a));
    const names = decision.violations.filter((v) => v.field !== 'keyType');
    const refusal =
      names.length > 0
        ? { ...decision, violations: names, reasons: names.map((v) => `${v.field}: ${v.message}`) }
        : decision;
    await this.#record(this.#decisionRecord(request, req.actor, 'authorize', refusal, req.reason));
    throw new CaError(
      'forbidden',
      `${refusal.reasons.length} policy refusal(s): ${refusal.reasons.join('; ')}`,
      refusal.violations,
    );
  }

  seal(issued: Issued): IssuedCertificate {
    if (!issued.privateKey) return issued.certificate;
    const sealedPrivateKey = this.dataKeys.seal(
      issued.privateKey.reveal(),
      issuedKeyAad(issued.certificate.serial),
    );
    return { ...issued.certificate, sealedPrivateKey };
  }

  /** The issuing CA; asking for one that does not exist is a refusal too, and recorded as one. */
  async #authority(
    request: PolicyRequest,
    actor: Actor,
    action: DecisionRecord['action'],
  ): Promise<LoadedAuthority> {
    try {
      return await this.authorities.get(request.issuer);
    } catch (e) {
      if (e instanceof CaError && e.code === 'not_found') {
        await this.#record(
          this.#refusal(request.issuer, request, actor, action, [
            `issuer: ${JSON.stringify(request.issuer)} does not exist`,
          ]),
          false,
        );
      }
      throw e;
    }
  }

  async #decide(
    authority: LoadedAuthority,
    request: PolicyRequest,
    actor: Actor,
    action: DecisionRecord['action'],
    reason?: string,
    spkiSha256?: string,
  ): Promise<Decided> {
    const policies = await this.policies.forTeam(actor.team);
    const decision = evaluatePolicies(
      policies,
      request,
      {
        now: this.options.clock(),
        issuerNotAfter: authority.notAfter,
        backdateSeconds: this.options.backdateSeconds,
      },
      actor.team,
    );
    const record = this.#decisionRecord(request, actor, action, decision, reason, spkiSha256);
    if (!decision.allowed) {
      await this.#record(record);
      throw new CaError(
        'forbidden',
        `${decision.reasons.length} policy refusal(s): ${decision.reasons.join('; ')}`,
        decision.violations,
      );
    }
    return { decision, record };
  }

  async #issue(
    authority: LoadedAuthority,
    { decision, record }: Decided,
    actor: Actor,
    action: DecisionRecord['action'],
    key: { keyType?: KeyType; spkiDer?: Buffer },
  ): Promise<Issued> {
    const validity = decision.validity!;
    const names = decision.names;
    let cert;
    try {
      // Keys are made on libuv's thread pool: the event loop stays free (RSA-4096 takes seconds) and
      // key generation runs on another core while this one signs.
      const keyPair = key.spkiDer ? undefined : await generateKeyPairAsync(key.keyType ?? decision.keyType);
      cert = issueCertificate({
        profile: decision.usage,
        subject: names.commonName ? { commonName: names.commonName } : undefined,
        sans: { dns: names.dns, ip: names.ip, uri: names.uri },
        notBefore: validity.notBefore,
        notAfter: validity.notAfter,
        issuer: authority.issuer,
        ...(keyPair ? { keyPair } : { publicKey: key.spkiDer }),
      });
    } catch (e) {
      if (e instanceof PkiError) throw new CaError('invalid', e.message);
      throw e;
    }
    record.serial = cert.serialHex;
    if (this.recorder) {
      await this.recorder.record(record, {
        serial: cert.serialHex,
        issuer: authority.name,
        subject: names.commonName ? `CN=${names.commonName}` : '',
        sans: { dns: names.dns, ip: names.ip, uri: names.uri },
        keyType: decision.keyType,
        usage: decision.usage,
        method: action,
        notBefore: cert.notBefore,
        notAfter: cert.notAfter,
        requestedBy: actor,
        decisionId: record.id,
        policy: decision.policy!,
      });
    }
    this.options.telemetry?.issued(record);
    const all = [authority.certificatePem, ...authority.chainPems];
    return {
      certificate: {
        serial: cert.serialHex,
        certificatePem: cert.pem,
        chainPem: all.slice(0, -1).join(''),
        caBundlePem: all[all.length - 1],
        notBefore: cert.notBefore.toISOString(),
        notAfter: cert.notAfter.toISOString(),
      },
      privateKey: cert.keyPair?.privateKeyPem,
      authority,
      decision,
    };
  }

  #decisionRecord(
    request: PolicyRequest,
    actor: Actor,
    action: DecisionRecord['action'],
    decision: PolicyDecision,
    reason?: string,
    spkiSha256?: string,
  ): DecisionRecord {
    return {
      id: randomUUID(),
      at: this.options.clock(),
      action,
      actor,
      team: actor.team ?? null,
      issuer: request.issuer,
      allowed: decision.allowed,
      policy: decision.policy,
      reasons: decision.reasons,
      request: requestSummary(request, reason, spkiSha256),
      serial: null,
    };
  }

  #refusal(
    issuer: string,
    request: PolicyRequest,
    actor: Actor,
    action: DecisionRecord['action'],
    reasons: string[],
  ): DecisionRecord {
    return {
      id: randomUUID(),
      at: this.options.clock(),
      action,
      actor,
      team: actor.team ?? null,
      issuer,
      allowed: false,
      policy: null,
      reasons,
      request: requestSummary(request),
      serial: null,
    };
  }

  /** Records a refusal; an issuer that does not exist is counted as `<unknown>` (a bounded label). */
  async #record(record: DecisionRecord, issuerExists = true): Promise<void> {
    if (this.recorder) await this.recorder.record(record);
    this.options.telemetry?.refused(issuerExists ? record : { ...record, issuer: '<unknown>' });
  }
}

function requestSummary(
  request: PolicyRequest,
  reason?: string,
  spkiSha256?: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    commonName: request.commonName,
    sans: request.sans,
    keyType: request.keyType,
    usage: request.usage as CertificateUsage | undefined,
    ttl: request.ttl,
    namespace: request.namespace,
  };
  if (reason) out.reason = reason;
  if (spkiSha256) out.spkiSha256 = spkiSha256;
  return out;
}
