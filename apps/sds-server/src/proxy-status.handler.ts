import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { decodeMessage, TypeUrl } from '#keyway/envoy-api';
import {
  errorReply,
  okReply,
  proxyConfigRequest,
  proxyStatusRequest,
  Subjects,
  validatePayload,
  type CommandReply,
  type ProxyConfigResult,
  type ProxyStatusEntry,
} from '#keyway/contracts';
import { clientText } from '#keyway/observability';
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

  /**
   * `keyway.proxies.config`: one type of the compiled configuration a proxy is served (from any
   * replica: every replica holds every group's resources), decoded to Envoy's JSON, bounded by `limit`.
   */
  @MessagePattern(Subjects.proxies.config)
  async config(@Payload() payload: unknown): Promise<CommandReply<ProxyConfigResult>> {
    const request = validatePayload(proxyConfigRequest, payload ?? {});
    if (!request.ok) return errorReply('invalid', 'invalid payload', request.errors);
    const { namespace, nodeId, type, limit } = request.value;
    try {
      const record = (await this.runtime.proxyRecords()).find(
        (r) => r.namespace === namespace && r.nodeId === nodeId,
      );
      if (!record)
        return errorReply('not_found', `proxy ${namespace}/${clientText(nodeId)} is not connected`);
      const typeUrl = TYPE_URLS[type];
      const all = [...this.runtime.store.viewFor(namespace, record.groupId).resources(typeUrl)].sort(
        ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0),
      );
      const status = proxyStatus([record])[0].types[typeUrl] ?? { status: 'NOT SENT' as const };
      return okReply({
        nodeId,
        groupId: record.groupId,
        typeUrl,
        status,
        resources: all.slice(0, limit).map(([name, entry]) => ({
          name,
          version: entry.version,
          resource: decodeMessage(typeUrl, entry.bytes),
        })),
        omitted: Math.max(0, all.length - limit),
      });
    } catch (e) {
      return errorReply('unavailable', e instanceof Error ? e.message : String(e));
    }
  }
}

const TYPE_URLS = {
  listener: TypeUrl.Listener,
  route: TypeUrl.RouteConfiguration,
  cluster: TypeUrl.Cluster,
  endpoint: TypeUrl.ClusterLoadAssignment,
} as const;
