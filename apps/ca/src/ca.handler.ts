import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  Subjects,
  applyCaPolicyRequest,
  applyCertificateRequest,
  authorizeRequest,
  createIntermediateRequest,
  createRootRequest,
  crlRequest,
  verifyCaRecordsRequest,
  auditEventsRequest,
  deleteCertificateRequest,
  errorReply,
  getCaPolicyRequest,
  getCertificateRequest,
  importCaRequest,
  issueCredentialRequest,
  issueRequest,
  listAuthoritiesRequest,
  listCaPoliciesRequest,
  listCertificatesRequest,
  revokeRequest,
  signRequest,
  validatePayload,
  type CommandReply,
} from '#keyway/contracts';
import type { z } from 'zod';
import type { CaCore } from './ca-core.js';
import { reply } from './errors.js';

export const CA_CORE = Symbol('CA_CORE');

/** Thin NATS adapter: validate the payload, call one use case, answer a CommandReply. */
@Controller()
export class CaHandler {
  constructor(@Inject(CA_CORE) private readonly core: CaCore) {}

  #run<S extends z.ZodType, T>(
    schema: S,
    payload: unknown,
    run: (v: z.output<S>) => Promise<T>,
  ): Promise<CommandReply<T>> {
    const v = validatePayload(schema, payload);
    if (!v.ok) return Promise.resolve(errorReply('invalid', 'invalid payload', v.errors));
    return reply(() => run(v.value));
  }

  @MessagePattern(Subjects.ca.createRoot)
  createRoot(@Payload() p: unknown) {
    return this.#run(createRootRequest, p, (v) => this.core.authorities.createRoot(v));
  }

  @MessagePattern(Subjects.ca.createIntermediate)
  createIntermediate(@Payload() p: unknown) {
    return this.#run(createIntermediateRequest, p, (v) => this.core.authorities.createIntermediate(v));
  }

  @MessagePattern(Subjects.ca.import)
  importCa(@Payload() p: unknown) {
    return this.#run(importCaRequest, p, (v) => this.core.authorities.import(v));
  }

  @MessagePattern(Subjects.ca.list)
  list(@Payload() p: unknown) {
    return this.#run(listAuthoritiesRequest, p, () => this.core.authorities.list());
  }

  @MessagePattern(Subjects.ca.issue)
  issue(@Payload() p: unknown) {
    return this.#run(issueRequest, p, (v) => this.core.issuance.issue(v));
  }

  @MessagePattern(Subjects.ca.sign)
  sign(@Payload() p: unknown) {
    return this.#run(signRequest, p, (v) => this.core.issuance.sign(v));
  }

  @MessagePattern(Subjects.ca.authorize)
  authorize(@Payload() p: unknown) {
    return this.#run(authorizeRequest, p, (v) => this.core.issuance.authorize(v));
  }

  @MessagePattern(Subjects.ca.issueCredential)
  issueCredential(@Payload() p: unknown) {
    return this.#run(issueCredentialRequest, p, async (v) => {
      const issued = await this.core.issuance.issueKeyed(v, 'issue-credential', v.namespace);
      return this.core.credentials.write(
        issued,
        {
          namespace: v.namespace,
          secretName: v.secretName,
          includeCa: v.includeCa,
          includeCrl: v.includeCrl,
        },
        v.actor,
        v.reason ?? 'keyway.ca.issue-credential',
      );
    });
  }

  @MessagePattern(Subjects.ca.revoke)
  revoke(@Payload() p: unknown) {
    return this.#run(revokeRequest, p, (v) => this.core.revocation.revoke(v));
  }

  @MessagePattern(Subjects.ca.crl)
  crl(@Payload() p: unknown) {
    return this.#run(crlRequest, p, (v) => this.core.revocation.crl(v.issuer));
  }

  @MessagePattern(Subjects.ca.verifyRecords)
  verifyRecords(@Payload() p: unknown) {
    return this.#run(verifyCaRecordsRequest, p, () => this.core.verifyRecords());
  }

  @MessagePattern(Subjects.ca.recordEvents)
  recordEvents(@Payload() p: unknown) {
    return this.#run(auditEventsRequest, p, (v) => this.core.recordEvents(v));
  }

  @MessagePattern(Subjects.ca.policies.apply)
  applyPolicy(@Payload() p: unknown) {
    return this.#run(applyCaPolicyRequest, p, (v) => this.core.policies.apply(v.policy, v.actor));
  }

  @MessagePattern(Subjects.ca.policies.get)
  getPolicy(@Payload() p: unknown) {
    return this.#run(getCaPolicyRequest, p, (v) => this.core.policies.get(v.team, v.name));
  }

  @MessagePattern(Subjects.ca.policies.list)
  listPolicies(@Payload() p: unknown) {
    return this.#run(listCaPoliciesRequest, p, (v) => this.core.policies.list(v.team));
  }

  @MessagePattern(Subjects.ca.certificates.apply)
  applyCertificate(@Payload() p: unknown) {
    return this.#run(applyCertificateRequest, p, (v) => this.core.certificates.apply(v.certificate, v.actor));
  }

  @MessagePattern(Subjects.ca.certificates.get)
  getCertificate(@Payload() p: unknown) {
    return this.#run(getCertificateRequest, p, (v) => this.core.certificates.get(v.namespace, v.name));
  }

  @MessagePattern(Subjects.ca.certificates.list)
  listCertificates(@Payload() p: unknown) {
    return this.#run(listCertificatesRequest, p, (v) => this.core.certificates.list(v.namespace));
  }

  @MessagePattern(Subjects.ca.certificates.delete)
  deleteCertificate(@Payload() p: unknown) {
    return this.#run(deleteCertificateRequest, p, (v) => this.core.certificates.delete(v.namespace, v.name));
  }
}
