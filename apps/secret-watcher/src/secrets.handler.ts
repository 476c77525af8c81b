import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  Subjects,
  analyzeSecretRequest,
  applySecretRequest,
  auditEventsRequest,
  auditVerifyRequest,
  credentialHistoryRequest,
  credentialListRequest,
  credentialVersionRequest,
  deleteSecretRequest,
  errorReply,
  getSecretRequest,
  listSecretsRequest,
  validatePayload,
  type CommandReply,
} from '#keyway/contracts';
import type { z } from 'zod';
import type { SecretService } from './secret-service.js';

export const SECRET_SERVICE = Symbol('SECRET_SERVICE');

/** Thin NATS adapter: validate the payload, call the service, answer a CommandReply (never throw). */
@Controller()
export class SecretsHandler {
  constructor(@Inject(SECRET_SERVICE) private readonly service: SecretService) {}

  async #run<S extends z.ZodType, T>(
    schema: S,
    payload: unknown,
    run: (v: z.output<S>) => Promise<CommandReply<T>> | CommandReply<T>,
  ): Promise<CommandReply<T>> {
    const v = validatePayload(schema, payload);
    if (!v.ok) return errorReply('invalid', 'invalid payload', v.errors);
    try {
      return await run(v.value);
    } catch (e) {
      return errorReply('internal', e instanceof Error ? e.message : String(e));
    }
  }

  @MessagePattern(Subjects.secrets.apply)
  apply(@Payload() p: unknown) {
    return this.#run(applySecretRequest, p, (v) => this.service.apply(v));
  }

  @MessagePattern(Subjects.secrets.analyze)
  analyze(@Payload() p: unknown) {
    return this.#run(analyzeSecretRequest, p, (v) => this.service.analyze(v));
  }

  @MessagePattern(Subjects.audit.events)
  events(@Payload() p: unknown) {
    return this.#run(auditEventsRequest, p, (v) => this.service.events(v));
  }

  @MessagePattern(Subjects.secrets.delete)
  delete(@Payload() p: unknown) {
    return this.#run(deleteSecretRequest, p, (v) => this.service.delete(v));
  }

  @MessagePattern(Subjects.secrets.get)
  get(@Payload() p: unknown) {
    return this.#run(getSecretRequest, p, (v) => this.service.get(v.namespace, v.name));
  }

  @MessagePattern(Subjects.secrets.list)
  list(@Payload() p: unknown) {
    return this.#run(listSecretsRequest, p, (v) =>
      this.service.list(v.namespace, v.page?.limit ?? 100, v.page?.cursor),
    );
  }

  @MessagePattern(Subjects.credentials.history)
  history(@Payload() p: unknown) {
    return this.#run(credentialHistoryRequest, p, (v) =>
      this.service.history(v.namespace, v.name, v.page?.limit ?? 100, v.page?.cursor),
    );
  }

  @MessagePattern(Subjects.credentials.version)
  version(@Payload() p: unknown) {
    return this.#run(credentialVersionRequest, p, (v) =>
      this.service.version(v.namespace, v.name, v.revision),
    );
  }

  @MessagePattern(Subjects.credentials.list)
  credentials(@Payload() p: unknown) {
    return this.#run(credentialListRequest, p, (v) => this.service.credentials(v.namespace));
  }

  @MessagePattern(Subjects.audit.verify)
  verify(@Payload() p: unknown) {
    return this.#run(auditVerifyRequest, p, (v) => this.service.verify(v.namespace, v.name));
  }
}
