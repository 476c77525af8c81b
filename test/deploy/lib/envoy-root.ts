import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';
import { ENVOY_PROTO_FILES, includeDirs } from '#keyway/envoy-api';

const require = createRequire(import.meta.url);

/**
 * Protos the bootstraps need beyond what #keyway/envoy-api loads for serving: the upstream HTTP
 * protocol options that make xds_cluster speak HTTP/2. Reported to the lead for proto-files.ts;
 * until it lands there, this root loads them so the bootstrap is still checked field by field.
 */
export const BOOTSTRAP_EXTRA_PROTO_FILES: readonly string[] = [
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
];

let cached: protobuf.Root | undefined;

/** envoy-api's proto set plus BOOTSTRAP_EXTRA_PROTO_FILES, resolved the same way envoy-api does. */
export function bootstrapRoot(): protobuf.Root {
  if (cached) return cached;
  const dirs = [...includeDirs(), path.dirname(require.resolve('protobufjs/package.json'))];
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (path.isAbsolute(target) && fs.existsSync(target)) return target;
    if (target in protobuf.common) return target;
    for (const dir of dirs) {
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    return protobuf.util.path.resolve(origin, target);
  };
  root.loadSync([...ENVOY_PROTO_FILES, ...BOOTSTRAP_EXTRA_PROTO_FILES], { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}
