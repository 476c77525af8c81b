import { envoyEnum, Enums } from './envoy-enum.js';
import type { IrCluster } from '#keyway/ir';
import { adsConfigSource, clusterName } from './names.js';

function lbEndpoints(c: IrCluster): Record<string, unknown>[] {
  if (c.endpoints.length === 0) return [];
  return [
    {
      lb_endpoints: c.endpoints.map((e) => ({
        endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
        ...(e.weight !== undefined ? { load_balancing_weight: { value: e.weight } } : {}),
      })),
    },
  ];
}

const CONNECT_TIMEOUT = { seconds: 10 };

/** `outbound|<port>||<fqdn>`: EDS over ADS, or STRICT_DNS for ServiceEntries resolved by DNS. */
export function buildCluster(c: IrCluster): Record<string, unknown> {
  const name = clusterName(c.destination);
  const base = { name, connect_timeout: CONNECT_TIMEOUT };
  if (c.discovery === 'dns') {
    return {
      ...base,
      type: envoyEnum(Enums.discoveryType, 'STRICT_DNS'),
      dns_lookup_family: envoyEnum(Enums.dnsLookupFamily, 'V4_ONLY'),
      load_assignment: { cluster_name: name, endpoints: lbEndpoints(c) },
    };
  }
  return {
    ...base,
    type: envoyEnum(Enums.discoveryType, 'EDS'),
    eds_cluster_config: { eds_config: adsConfigSource(), service_name: name },
  };
}

export function buildClusterLoadAssignment(c: IrCluster): Record<string, unknown> {
  return { cluster_name: clusterName(c.destination), endpoints: lbEndpoints(c) };
}
