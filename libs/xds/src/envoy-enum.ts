import { envoyRoot } from '#keyway/envoy-api';

const cache = new Map<string, number>();

/**
 * Numeric value of an Envoy enum by name, read from the loaded protos (`encodeMessage` verifies
 * enums as numbers). Decoding shows the names again.
 */
export function envoyEnum(enumName: string, value: string): number {
  const key = `${enumName}.${value}`;
  let n = cache.get(key);
  if (n === undefined) {
    n = envoyRoot().lookupEnum(enumName).values[value];
    if (n === undefined) throw new Error(`${enumName} has no value ${value}`);
    cache.set(key, n);
  }
  return n;
}

export const Enums = {
  apiVersion: 'envoy.config.core.v3.ApiVersion',
  trafficDirection: 'envoy.config.core.v3.TrafficDirection',
  tlsProtocol: 'envoy.extensions.transport_sockets.tls.v3.TlsParameters.TlsProtocol',
  sanType: 'envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher.SanType',
  redirectCode: 'envoy.config.route.v3.RedirectAction.RedirectResponseCode',
  appendAction: 'envoy.config.core.v3.HeaderValueOption.HeaderAppendAction',
  tlsRequirement: 'envoy.config.route.v3.VirtualHost.TlsRequirementType',
  discoveryType: 'envoy.config.cluster.v3.Cluster.DiscoveryType',
  dnsLookupFamily: 'envoy.config.cluster.v3.Cluster.DnsLookupFamily',
} as const;
