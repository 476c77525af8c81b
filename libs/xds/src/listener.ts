import { envoyEnum, Enums } from './envoy-enum.js';
import { encodedMessage, ExtensionTypeUrl } from '#keyway/envoy-api';
import { once } from './encoded-once.js';
import type { IrListener, IrPassthroughChain, IrRouteTableRef } from '#keyway/ir';
import { adsConfigSource, clusterName, listenerName, routeConfigName } from './names.js';
import { downstreamTlsContext } from './tls-context.js';

/** Parts every listener repeats, encoded once. */
const routerFilters = once(() => [
  encodedMessage('envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter', {
    name: 'envoy.filters.http.router',
    typed_config: { '@type': ExtensionTypeUrl.Router },
  }),
]);

const tlsInspector = once(() => [
  encodedMessage('envoy.config.listener.v3.ListenerFilter', {
    name: 'envoy.filters.listener.tls_inspector',
    typed_config: { '@type': ExtensionTypeUrl.TlsInspector },
  }),
]);

const TRUE = { value: true };

function httpConnectionManager(port: number, table: IrRouteTableRef): Record<string, unknown> {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: {
      '@type': ExtensionTypeUrl.HttpConnectionManager,
      stat_prefix: `outbound_0.0.0.0_${port}`,
      rds: { config_source: adsConfigSource(), route_config_name: routeConfigName(table) },
      http_filters: routerFilters(),
      use_remote_address: TRUE,
      // Virtual hosts list `host` and `host:*`; wildcard hosts cannot carry a port pattern, so ports go.
      strip_any_host_port: true,
      // As Istio's gateways: a client's own x-forwarded-client-cert never reaches the upstream; on
      // mTLS it is replaced with the verified certificate's hash, subject, URI and DNS SANs.
      forward_client_cert_details: envoyEnum(Enums.forwardClientCertDetails, 'SANITIZE_SET'),
      set_current_client_cert_details: { subject: TRUE, uri: true, dns: true },
    },
  };
}

function tcpProxy(port: number, chain: IrPassthroughChain): Record<string, unknown> {
  const config: Record<string, unknown> = {
    '@type': ExtensionTypeUrl.TcpProxy,
    stat_prefix: `outbound_0.0.0.0_${port}`,
  };
  if (chain.destinations.length === 1) config.cluster = clusterName(chain.destinations[0].destination);
  else {
    config.weighted_clusters = {
      clusters: chain.destinations.map((d) => ({ name: clusterName(d.destination), weight: d.weight })),
    };
  }
  return { name: 'envoy.filters.network.tcp_proxy', typed_config: config };
}

function serverNames(hosts: readonly string[]): Record<string, unknown> | undefined {
  // `*` matches every SNI: a chain without server_names, Envoy's default for the listener.
  return hosts.includes('*') ? undefined : { server_names: [...hosts] };
}

/** One Listener per port: `0.0.0.0_<port>`, a filter chain per HTTPS server or passthrough route. */
export function buildListener(listener: IrListener): Record<string, unknown> {
  const chains: Record<string, unknown>[] = [];
  if (listener.kind === 'plain') {
    chains.push({ filters: [httpConnectionManager(listener.port, listener.routeTables[0])] });
  } else {
    listener.servers.forEach((server, i) => {
      const match = serverNames(server.hosts);
      chains.push({
        ...(match ? { filter_chain_match: match } : {}),
        filters: [httpConnectionManager(listener.port, listener.routeTables[i])],
        transport_socket: {
          name: 'envoy.transport_sockets.tls',
          typed_config: downstreamTlsContext(server.tls!),
        },
        name: server.id,
      });
    });
    for (const chain of listener.passthrough) {
      const match = serverNames(chain.sniHosts);
      chains.push({
        ...(match ? { filter_chain_match: match } : {}),
        filters: [tcpProxy(listener.port, chain)],
        name: `${chain.source}#${chain.sniHosts.join(',')}`,
      });
    }
  }
  const out: Record<string, unknown> = {
    name: listenerName(listener.port),
    address: { socket_address: { address: '0.0.0.0', port_value: listener.port } },
    filter_chains: chains,
    traffic_direction: envoyEnum(Enums.trafficDirection, 'OUTBOUND'),
  };
  if (listener.kind === 'tls') {
    out.listener_filters = tlsInspector();
  }
  return out;
}
