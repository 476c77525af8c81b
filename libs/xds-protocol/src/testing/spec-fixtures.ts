// Helpers shared by this library's unit tests (not exported from the index).
import { TypeUrl } from '#keyway/envoy-api';
import { ResourceCache, type ResourceEntry } from '../cache-view.js';
import type { StreamEvent, StreamStep } from '../stream-events.js';
import type { DiscoveryRequest, XdsNode } from '../wire.js';

export const LDS = TypeUrl.Listener;
export const RDS = TypeUrl.RouteConfiguration;
export const CDS = TypeUrl.Cluster;
export const EDS = TypeUrl.ClusterLoadAssignment;
export const SDS = TypeUrl.Secret;

export const NODE: XdsNode = { id: 'router~10.0.0.1~gw-1.istio-system~istio-system.svc.cluster.local' };

/** A resource whose bytes name it, so a test can read back what was sent. */
export function entry(name: string, version: string, size = 0): ResourceEntry {
  const label = Buffer.from(`${name}@${version}`);
  return {
    version,
    bytes: size > label.length ? Buffer.concat([label, Buffer.alloc(size - label.length)]) : label,
  };
}

export function cacheWith(items: [typeUrl: string, name: string, version: string][]): ResourceCache {
  const cache = new ResourceCache();
  for (const [typeUrl, name, version] of items) cache.put(typeUrl, name, entry(name, version));
  return cache;
}

/** `name@version` of each resource in a SotW response. */
export function sentNames(resources: { value: Buffer }[]): string[] {
  return resources.map((r) => r.value.toString('utf8').replace(/\0+$/, ''));
}

export function kinds(step: StreamStep<unknown>): StreamEvent['kind'][] {
  return step.events.map((e) => e.kind);
}

export function sotwRequest(
  typeUrl: string,
  names: string[],
  extra: Partial<DiscoveryRequest> = {},
): DiscoveryRequest {
  return { type_url: typeUrl, resource_names: names, version_info: '', response_nonce: '', ...extra };
}
