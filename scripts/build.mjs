// Compiles every app and lib to dist/ (services run from there), then copies Envoy's API protos into
// dist/envoy-protos, so the image needs no package at run time just for its .proto files (they come
// from @grpc/grpc-js-xds, a dev dependency: the build has it, the image does not). Exits non-zero on
// type errors.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export function copyEnvoyProtos(out = 'dist/envoy-protos') {
  const require = createRequire(import.meta.url);
  const deps = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  fs.rmSync(out, { recursive: true, force: true });
  // Every tree of the package's deps/ (which ones are loaded is libs/envoy-api's includeDirs).
  fs.cpSync(deps, out, {
    recursive: true,
    filter: (src) => fs.statSync(src).isDirectory() || src.endsWith('.proto'),
  });
}

export function build({ quiet = false } = {}) {
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  if (r.status !== 0 && quiet) process.stderr.write(r.stdout + r.stderr);
  if (r.status !== 0) return false;
  copyEnvoyProtos();
  return buildConsole({ quiet });
}

/** The web console (apps/console, Vite) into dist/console, which the api serves at /ui. */
export function buildConsole({ quiet = false } = {}) {
  const r = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'apps/console/vite.config.ts'],
    { stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' },
  );
  if (r.status !== 0 && quiet) process.stderr.write(r.stdout + r.stderr);
  return r.status === 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(build() ? 0 : 1);
