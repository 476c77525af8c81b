import { decodeMessage, encodeMessage, ExtensionTypeUrl, TypeUrl } from '#keyway/envoy-api';
import type { XdsUpdate } from '#keyway/xds-client';
import { resourceName } from '#keyway/xds-client';

/**
 * Envoy resources shaped like istiod's for a secure ingress gateway, built for tests. Each goes
 * through Envoy's own protos (`encodeMessage` verifies fields and types), then is decoded back, so
 * the gateway sees exactly what an xDS client would hand it. Enums are numbers for the encoder.
 */
export const TlsVersion = { TLS_AUTO: 0, TLSv1_0: 1, TLSv1_1: 2, TLSv1_2: 3, TLSv1_3: 4 } as const;
export const RedirectCode = {
  MOVED_PERMANENTLY: 0,
  FOUND: 1,
  SEE_OTHER: 2,
  TEMPORARY_REDIRECT: 3,
  PERMANENT_REDIRECT: 4,
} as const;

type Obj = Record<string, unknown>;

export function update(typeUrl: string, version: string, resources: Obj[]): XdsUpdate {
  return {
    typeUrl,
    version,
    nonce: `nonce-${version}`,
    resources: resources.map((r) => {
      const message = decodeMessage(typeUrl, encodeMessage(typeUrl, r));
      return { name: resourceName(message) ?? '', message };
    }),
  };
}

export interface TlsChainOptions {
  name?: string;
  serverNames: string[];
  /** SDS name of the server certificate, e.g. `kubernetes://httpbin-credential`. */
  secret: string;
  mode: 'SIMPLE' | 'MUTUAL' | 'OPTIONAL_MUTUAL';
  routeName: string;
  alpn?: string[];
  tlsParams?: Obj;
  subjectAltNames?: Obj[];
}

const ads = { ads: {}, resource_api_version: 2 };

function hcm(routeName: string, statPrefix: string): Obj {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: {
      '@type': ExtensionTypeUrl.HttpConnectionManager,
      stat_prefix: statPrefix,
      rds: { route_config_name: routeName, config_source: ads },
      http_filters: [
        { name: 'envoy.filters.http.router', typed_config: { '@type': ExtensionTypeUrl.Router } },
      ],
    },
  };
}

export function tlsChain(o: TlsChainOptions): Obj {
  const validation =
    o.mode === 'SIMPLE'
      ? {}
      : {
          combined_validation_context: {
            default_validation_context: o.subjectAltNames
              ? { match_subject_alt_names: o.subjectAltNames }
              : {},
            validation_context_sds_secret_config: { name: `${o.secret}-cacert`, sds_config: ads },
          },
        };
  return {
    ...(o.name ? { name: o.name } : {}),
    filter_chain_match: { server_names: o.serverNames },
    transport_socket: {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': ExtensionTypeUrl.DownstreamTlsContext,
        ...(o.mode === 'MUTUAL' ? { require_client_certificate: { value: true } } : {}),
        common_tls_context: {
          alpn_protocols: o.alpn ?? ['h2', 'http/1.1'],
          tls_certificate_sds_secret_configs: [{ name: o.secret, sds_config: ads }],
          ...(o.tlsParams ? { tls_params: o.tlsParams } : {}),
          ...validation,
        },
      },
    },
    filters: [hcm(o.routeName, 'outbound_0.0.0.0_8443')],
  };
}

export function passthroughChain(serverNames: string[], cluster: string): Obj {
  return {
    filter_chain_match: { server_names: serverNames },
    filters: [
      {
        name: 'envoy.filters.network.tcp_proxy',
        typed_config: { '@type': ExtensionTypeUrl.TcpProxy, stat_prefix: cluster, cluster },
      },
    ],
  };
}

export function listener(name: string, port: number, filterChains: Obj[]): Obj {
  return {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    listener_filters: [
      {
        name: 'envoy.filters.listener.tls_inspector',
        typed_config: { '@type': ExtensionTypeUrl.TlsInspector },
      },
    ],
    filter_chains: filterChains,
  };
}

export function plainHttpListener(name: string, port: number, routeName: string): Obj {
  return {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    filter_chains: [{ filters: [hcm(routeName, `outbound_0.0.0.0_${port}`)] }],
  };
}

export function routeConfiguration(name: string, virtualHosts: Obj[]): Obj {
  return { name, virtual_hosts: virtualHosts };
}

export function virtualHost(name: string, domains: string[], routes: Obj[]): Obj {
  return { name, domains, routes };
}

export function routeTo(prefix: string, cluster: string, extra: Obj = {}): Obj {
  return { match: { prefix }, route: { cluster, ...extra } };
}

export function edsCluster(name: string): Obj {
  return {
    name,
    type: 3,
    connect_timeout: { seconds: 1 },
    eds_cluster_config: { service_name: name, eds_config: ads },
  };
}

export function staticCluster(name: string, endpoints: Array<[string, number]>): Obj {
  return { name, type: 0, connect_timeout: { seconds: 1 }, load_assignment: loadAssignment(name, endpoints) };
}

/** Cluster fields asking for HTTP/2 upstream: explicitly, or whichever protocol the downstream used. */
export function upstreamHttp2(kind: 'explicit' | 'downstream'): Obj {
  const protocols = { http_protocol_options: {}, http2_protocol_options: {} };
  return {
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        ...(kind === 'explicit'
          ? { explicit_http_config: { http2_protocol_options: {} } }
          : { use_downstream_protocol_config: protocols }),
      },
    },
  };
}

export function loadAssignment(clusterName: string, endpoints: Array<[string, number]>): Obj {
  return {
    cluster_name: clusterName,
    endpoints: [
      {
        lb_endpoints: endpoints.map(([address, port]) => ({
          endpoint: { address: { socket_address: { address, port_value: port } } },
        })),
      },
    ],
  };
}

export function tlsCertificateSecret(name: string, certificateChain: string, privateKeyPem: string): Obj {
  return {
    name,
    tls_certificate: {
      certificate_chain: { inline_string: certificateChain },
      private_key: { inline_string: privateKeyPem },
    },
  };
}

export function validationSecret(name: string, trustedCa: string, crl?: string): Obj {
  return {
    name,
    validation_context: {
      trusted_ca: { inline_string: trustedCa },
      ...(crl ? { crl: { inline_string: crl } } : {}),
    },
  };
}

export { TypeUrl };
export const ExtensionTypeUrlForTests = ExtensionTypeUrl;
