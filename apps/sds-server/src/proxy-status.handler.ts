import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  errorReply,
  okReply,
  proxyStatusRequest,
  Subjects,
  validatePayload,
  type CommandReply,
  type ProxyStatusEntry,
} from '#keyway/contracts';
import { proxyStatus } from './proxy-registry.js';
import type { SdsRuntime } from './sds-runtime.js';

export const SDS_RUNTIME = Symbol('SDS_RUNTIME');

/** `keyway.proxies.status`: like `istioctl proxy-status`, for every replica's proxies. */
@Controller()
export class ProxyStatusHandler {
  constructor(@Inject(SDS_RUNTIME) private readonly runtime: SdsRuntime) {}

  @MessagePattern(Subjects.proxies.status)
  async status(@Payload() payload: unknown): Promise<CommandReply<ProxyStatusEntry[]>> {
    const request = validatePayload(proxyStatusRequest, payload ?? {});
    if (!request.ok) return errorReply('invalid', 'invalid payload', request.errors);
    try {
      return okReply(proxyStatus(await this.runtime.proxyRecords(), request.value.namespace));
    } catch (e) {
      return errorReply('unavailable', e instanceof Error ? e.message : String(e));
    }
  }
}
