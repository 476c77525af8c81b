import * as protoLoader from '@grpc/proto-loader';
import { includeDirs } from './proto-files.js';

/** proto-loader options for the xDS gRPC services: field names as in Envoy's protos. */
export const XDS_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: includeDirs(),
};

let cached: protoLoader.PackageDefinition | undefined;

/** ADS and SDS service definitions, for servers and clients alike. */
export function xdsPackageDefinition(): protoLoader.PackageDefinition {
  cached ??= protoLoader.loadSync(
    ['envoy/service/discovery/v3/ads.proto', 'envoy/service/secret/v3/sds.proto'],
    XDS_LOADER_OPTIONS,
  );
  return cached;
}

export const ADS_SERVICE = 'envoy.service.discovery.v3.AggregatedDiscoveryService';
export const SDS_SERVICE = 'envoy.service.secret.v3.SecretDiscoveryService';
