/** xDS resource type URLs, in one place (as go-control-plane keeps them). */
export const TypeUrl = {
  Listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  RouteConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  Cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  ClusterLoadAssignment: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  Secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

export type ResourceTypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

/** The order Envoy wants when several types change at once: CDS, EDS, LDS, RDS, SDS. */
export const PUSH_ORDER: readonly ResourceTypeUrl[] = [
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
  TypeUrl.Listener,
  TypeUrl.RouteConfiguration,
  TypeUrl.Secret,
];

export const ALL_TYPE_URLS: readonly ResourceTypeUrl[] = PUSH_ORDER;

export function isResourceTypeUrl(value: string): value is ResourceTypeUrl {
  return (ALL_TYPE_URLS as readonly string[]).includes(value);
}

/** Typed-config type URLs used inside resources. */
export const ExtensionTypeUrl = {
  HttpConnectionManager:
    'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  TcpProxy: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  Router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  TlsInspector: 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  DownstreamTlsContext: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  UpstreamTlsContext: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
} as const;

export function messageNameOf(typeUrl: string): string {
  const slash = typeUrl.lastIndexOf('/');
  return slash >= 0 ? typeUrl.slice(slash + 1) : typeUrl;
}
