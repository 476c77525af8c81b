/**
 * The xDS messages as @grpc/proto-loader hands them over (keepCase, oneofs): the shapes a grpc-js
 * server reads and writes. Absent message fields may be `null` (defaults: true) or `undefined`.
 */

/** `google.protobuf.Any` on the wire: the type URL and the already-encoded resource. */
export interface AnyResource {
  type_url: string;
  value: Buffer;
}

/** `google.rpc.Status`, carried as `error_detail` in a NACK. */
export interface RpcStatus {
  code?: number;
  message?: string;
  details?: unknown[];
}

/**
 * `google.protobuf.Value` in proto-loader's object form. protobufjs bundles the well-known types
 * with camelCase field names (`stringValue`) whatever `keepCase` says, so both spellings occur;
 * `kind` names the member that is set when oneofs are on.
 */
export interface StructFieldValue {
  kind?: string;
  null_value?: unknown;
  number_value?: number;
  string_value?: string;
  bool_value?: boolean;
  struct_value?: StructMessage | null;
  list_value?: { values?: StructFieldValue[] } | null;
  nullValue?: unknown;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: StructMessage | null;
  listValue?: { values?: StructFieldValue[] } | null;
}

export interface StructMessage {
  fields?: Record<string, StructFieldValue>;
}

/** `envoy.config.core.v3.Node`: only the fields keyway reads are named. */
export interface XdsNode {
  id?: string;
  cluster?: string;
  metadata?: StructMessage | null;
  user_agent_name?: string;
  [field: string]: unknown;
}

export interface DiscoveryRequest {
  version_info?: string;
  node?: XdsNode | null;
  resource_names?: string[];
  type_url?: string;
  response_nonce?: string;
  error_detail?: RpcStatus | null;
}

export interface DiscoveryResponse {
  version_info: string;
  resources: AnyResource[];
  type_url: string;
  nonce: string;
}

export interface DeltaDiscoveryRequest {
  node?: XdsNode | null;
  type_url?: string;
  resource_names_subscribe?: string[];
  resource_names_unsubscribe?: string[];
  initial_resource_versions?: Record<string, string> | null;
  response_nonce?: string;
  error_detail?: RpcStatus | null;
}

export interface DeltaResource {
  name: string;
  version: string;
  resource: AnyResource;
}

export interface DeltaDiscoveryResponse {
  system_version_info: string;
  resources: DeltaResource[];
  type_url: string;
  removed_resources: string[];
  nonce: string;
}
