/** xDS messages as @grpc/proto-loader hands them over (keepCase): what the client writes and reads. */

export interface AnyResource {
  type_url: string;
  value: Buffer;
}

/**
 * google.protobuf.Value. proto-loader takes the well-known types from protobufjs's bundled
 * definitions, whose field names are camelCase even with keepCase.
 */
export interface StructValue {
  stringValue?: string;
  numberValue?: number;
  boolValue?: boolean;
  structValue?: StructMessage;
  listValue?: { values: StructValue[] };
}

export interface StructMessage {
  fields: Record<string, StructValue>;
}

export interface XdsNode {
  id: string;
  cluster: string;
  metadata: StructMessage;
  user_agent_name: string;
  user_agent_version?: string;
}

export interface DiscoveryRequest {
  version_info: string;
  node?: XdsNode;
  resource_names: string[];
  type_url: string;
  response_nonce: string;
  error_detail?: { code: number; message: string };
}

export interface DiscoveryResponse {
  version_info?: string;
  resources?: AnyResource[];
  type_url?: string;
  nonce?: string;
}

/** google.rpc.Code INVALID_ARGUMENT, the code Envoy puts in a NACK's error_detail. */
export const INVALID_ARGUMENT = 3;
