import type protobuf from 'protobufjs';
import { envoyRoot } from '#keyway/envoy-api';

/**
 * The proto set the bootstraps are checked against: envoy-api's own root, which loads every typed
 * config the bootstraps use (including the upstream HTTP protocol options that make xds_cluster
 * speak HTTP/2). envoy-api-coverage.e2e-spec.ts fails if one goes missing there.
 */
export function bootstrapRoot(): protobuf.Root {
  return envoyRoot();
}
