import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';
import { ENVOY_PROTO_FILES, includeDirs } from './proto-files.js';

const require = createRequire(import.meta.url);
let cached: protobuf.Root | undefined;

/** One protobufjs Root holding every Envoy type keyway uses, loaded once per process. */
export function envoyRoot(): protobuf.Root {
  if (cached) return cached;
  // protobufjs bundles the well-known types; descriptor.proto ships beside them.
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
  root.loadSync([...ENVOY_PROTO_FILES], { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}

export function lookupMessage(fullName: string): protobuf.Type {
  return envoyRoot().lookupType(fullName.replace(/^\./, ''));
}
