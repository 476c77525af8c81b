// Compiles every app and lib to dist/ (services run from there). Exits non-zero on type errors.
import { spawnSync } from 'node:child_process';

export function build({ quiet = false } = {}) {
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  if (r.status !== 0 && quiet) process.stderr.write(r.stdout + r.stderr);
  return r.status === 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(build() ? 0 : 1);
