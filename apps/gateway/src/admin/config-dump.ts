import { TypeUrl } from '#keyway/envoy-api';
import type { SubscriptionStatus } from '#keyway/xds-client';
import type { ListenerStatus } from '../data-plane/listener-manager.js';
import type { ResourceStore, StoredResource } from '../xds/resource-store.js';
import { redactResource } from './redact.js';

export interface ConfigDumpInput {
  store: ResourceStore;
  listeners: ListenerStatus[];
  xds: SubscriptionStatus[];
}

/**
 * What the gateway runs, in the spirit of Envoy's /config_dump: every resource as received (last
 * good version), listener warming state, xDS versions and refusals. Secrets appear without keys.
 */
export function configDump({ store, listeners, xds }: ConfigDumpInput): Record<string, unknown> {
  const list = (map: Map<string, StoredResource<unknown>>) =>
    [...map.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((r) => ({ name: r.name, version: r.version, resource: redactResource(r.message) }));
  const rejected: Record<string, unknown> = {};
  for (const [typeUrl, byName] of store.rejected) {
    if (byName.size)
      rejected[typeUrl] = Object.fromEntries([...byName].sort(([a], [b]) => a.localeCompare(b)));
  }
  return {
    xds,
    listeners: { state: listeners, resources: list(store.listeners) },
    routes: list(store.routes),
    clusters: list(store.clusters),
    endpoints: list(store.endpoints),
    secrets: [...store.secrets.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({
        name: s.name,
        version: s.version,
        kind: s.value.kind,
        ...(s.value.kind === 'tls-certificate'
          ? { certificate_chain: s.value.certificateChain, private_key: '[redacted]', leaf: s.value.leaf }
          : { trusted_ca: s.value.trustedCa, crl_count: s.value.crls.length }),
      })),
    rejected,
    received: [
      TypeUrl.Listener,
      TypeUrl.RouteConfiguration,
      TypeUrl.Cluster,
      TypeUrl.ClusterLoadAssignment,
      TypeUrl.Secret,
    ].filter((t) => store.received.has(t)),
  };
}
