import { envoyRoot } from '#keyway/envoy-api';

const valuesOf = new Map<string, Readonly<Record<string, number>>>();

/**
 * Numeric value of an Envoy enum by name, read from the loaded protos (`encodeMessage` verifies
 * enums as numbers). Decoding shows the names again. Called per resource: no string building.
 */
export function envoyEnum(enumName: string, value: string): number {
  let values = valuesOf.get(enumName);
  if (!values) {
    values = envoyRoot().lookupEnum(enumName).values;
    valuesOf.set(enumName, values);
  }
  const n = values[value];
  if (n === undefined) throw new Error(`${enumName} has no value ${value}`);
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
  forwardClientCertDetails:
    'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ForwardClientCertDetails',
} as const;
