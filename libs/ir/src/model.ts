import type { HeaderOperations, HttpRedirect, StringMatch } from '#keyway/istio';

/** The proxies one compiled snapshot is for: those with this namespace and exactly these labels. */
export interface ProxyGroup {
  namespace: string;
  labels: Record<string, string>;
}

/** A service port a route sends to: a fully qualified host and a port number. */
export interface IrDestination {
  host: string;
  port: number;
}

export interface IrTls {
  mode: 'SIMPLE' | 'MUTUAL' | 'OPTIONAL_MUTUAL';
  /** Secret name in the proxy's namespace holding the certificate and key. */
  credentialName: string;
  /** Secret name of the trusted CA for client certificates (`<credentialName>-cacert`), for mutual modes. */
  caCredentialName?: string;
  subjectAltNames: string[];
  verifyCertificateSpki: string[];
  verifyCertificateHash: string[];
  minProtocolVersion?: string;
  maxProtocolVersion?: string;
  cipherSuites: string[];
}

export interface IrWeightedDestination {
  destination: IrDestination;
  weight: number;
  headers?: HeaderOperations;
}

export interface IrHeaderMatch {
  name: string;
  match: StringMatch;
  invert: boolean;
}

export interface IrMatch {
  path?: StringMatch;
  ignoreCase: boolean;
  method?: StringMatch;
  authority?: StringMatch;
  scheme?: StringMatch;
  headers: readonly IrHeaderMatch[];
  queryParams: readonly { name: string; match: StringMatch }[];
}

export type IrAction =
  | {
      kind: 'forward';
      destinations: IrWeightedDestination[];
      rewrite?: { uri?: string; authority?: string };
      timeoutMs?: number;
      retries?: { attempts: number; perTryTimeoutMs?: number; retryOn?: string };
    }
  | { kind: 'redirect'; redirect: HttpRedirect }
  | { kind: 'direct'; status: number; body?: string };

/** `VirtualService/ns/name`, the http route index and match index a route came from. */
export interface IrRouteSource {
  resource: string;
  http: number;
  match?: number;
}

export interface IrRoute {
  /** Shared by every route made from the same match: treat as read-only. */
  source: IrRouteSource;
  name?: string;
  match: IrMatch;
  action: IrAction;
  headers?: HeaderOperations;
}

export interface IrVirtualHost {
  host: string;
  routes: IrRoute[];
  /** httpsRedirect: plain HTTP requests get a 301 to https. */
  requireTls: boolean;
}

export interface IrRouteTable {
  /** https tables belong to one server; http tables merge every plain server on a port. */
  kind: 'https' | 'http';
  port: number;
  server?: { gateway: string; namespace: string; portName: string };
  virtualHosts: IrVirtualHost[];
  /**
   * Hosts on this listener served by other filter chains: a request for them on this connection (an
   * HTTP/2 connection reused thanks to a shared certificate) answers 421 so the client reconnects.
   */
  misdirected: boolean;
}

export interface IrPassthroughChain {
  sniHosts: string[];
  destinations: IrWeightedDestination[];
  source: string;
}

export interface IrServer {
  /** `Gateway/ns/name#servers[i]` */
  id: string;
  /** `ref` is `namespace/name`, the form VirtualServices bind by. */
  gateway: { namespace: string; name: string; ref: string };
  index: number;
  port: number;
  portName: string;
  kind: 'https' | 'http' | 'passthrough';
  hosts: string[];
  /** Which namespaces' VirtualServices may bind each host (`*` or a namespace), from `ns/host`. */
  hostRules: { host: string; namespace: string }[];
  tls?: IrTls;
  httpsRedirect: boolean;
}

export interface IrListener {
  port: number;
  kind: 'tls' | 'plain';
  /** https servers (one filter chain each) in server order. */
  servers: IrServer[];
  passthrough: IrPassthroughChain[];
  /**
   * Names of the route tables its HTTP connection managers load (one for a plain listener, else one
   * per https server, same order as `servers`). Only the identity: a route edit leaves the listener be.
   */
  routeTables: IrRouteTableRef[];
}

export type IrRouteTableRef = Pick<IrRouteTable, 'kind' | 'port' | 'server'>;

export interface IrEndpoint {
  address: string;
  port: number;
  weight?: number;
}

export interface IrCluster {
  destination: IrDestination;
  /** eds: endpoints pushed as a ClusterLoadAssignment; dns: Envoy resolves the endpoint names. */
  discovery: 'eds' | 'dns';
  endpoints: IrEndpoint[];
}

export interface IrCondition {
  field: string;
  code: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface IrStatus {
  resource: string;
  accepted: boolean;
  conditions: IrCondition[];
}

export interface IrSnapshot {
  group: ProxyGroup;
  listeners: IrListener[];
  /** Every route table, in listener order. */
  routeTables: IrRouteTable[];
  clusters: IrCluster[];
  statuses: IrStatus[];
}
