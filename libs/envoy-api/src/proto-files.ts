import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * Root of Envoy's API protos: dist/envoy-protos, which the build copies from @grpc/grpc-js-xds (so the
 * image needs that dev dependency for nothing at run time), or the package itself when keyway runs
 * from its sources (jest) before a build. Never copied into protos/, which holds keyway's own.
 */
export function xdsDepsDir(): string {
  // This file is dist/libs/envoy-api/src/proto-files.js once built: dist/ is three folders up.
  const built = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../envoy-protos');
  if (fs.existsSync(path.join(built, 'envoy-api'))) return built;
  return path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
}

export function includeDirs(): string[] {
  const deps = xdsDepsDir();
  return ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(deps, d));
}

/**
 * Every proto whose messages keyway encodes, decodes or serves. The concrete types that travel
 * inside `Any` must be loaded here too, or they silently encode as empty.
 */
export const ENVOY_PROTO_FILES: readonly string[] = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/service/secret/v3/sds.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
];
