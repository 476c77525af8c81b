import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  analyzeRoutingRequest,
  applyRoutingRequest,
  deleteRoutingRequest,
  errorReply,
  getRoutingRequest,
  listRoutingRequest,
  routingStatusRequest,
  Subjects,
  validatePayload,
} from '#keyway/contracts';
import { RoutingService } from './routing-service.js';

export const ROUTING_SERVICE = Symbol('ROUTING_SERVICE');

/** keyway.routing.* over NATS: validate the payload, call the service, reply with a CommandReply. */
@Controller()
export class RoutingHandler {
  constructor(@Inject(ROUTING_SERVICE) private readonly routing: RoutingService) {}

  @MessagePattern(Subjects.routing.apply)
  async apply(@Payload() payload: unknown) {
    const v = validatePayload(applyRoutingRequest, payload);
    if (!v.ok) return errorReply('invalid', 'invalid apply request', v.errors);
    return this.routing.apply(v.value.manifest, v.value.actor);
  }

  @MessagePattern(Subjects.routing.delete)
  async delete(@Payload() payload: unknown) {
    const v = validatePayload(deleteRoutingRequest, payload);
    if (!v.ok) return errorReply('invalid', 'invalid delete request', v.errors);
    return this.routing.delete(v.value.kind, v.value.namespace, v.value.name, v.value.ignoreNotFound);
  }

  @MessagePattern(Subjects.routing.get)
  get(@Payload() payload: unknown) {
    const v = validatePayload(getRoutingRequest, payload);
    if (!v.ok) return errorReply('invalid', 'invalid get request', v.errors);
    return this.routing.get(v.value.kind, v.value.namespace, v.value.name);
  }

  @MessagePattern(Subjects.routing.list)
  list(@Payload() payload: unknown) {
    const v = validatePayload(listRoutingRequest, payload);
    if (!v.ok) return errorReply('invalid', 'invalid list request', v.errors);
    return this.routing.list(v.value.kind, v.value.namespace);
  }

  @MessagePattern(Subjects.routing.status)
  status(@Payload() payload: unknown) {
    const v = validatePayload(routingStatusRequest, payload);
    if (!v.ok) return errorReply('invalid', 'invalid status request', v.errors);
    return this.routing.status(v.value);
  }

  @MessagePattern(Subjects.routing.analyze)
  analyze(@Payload() payload: unknown) {
    const v = validatePayload(analyzeRoutingRequest, payload);
    if (!v.ok) return errorReply('invalid', 'invalid analyze request', v.errors);
    return this.routing.analyze(v.value.manifests, v.value.credentials);
  }
}
