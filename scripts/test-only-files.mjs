// Files tsc emits into dist/ that only tests and benchmarks use: test doubles, harnesses, test PKI
// and the benches. The container image drops them (scripts/prune-dist.mjs); a deploy test checks
// that no app's entry point imports any of them, so dropping them cannot break a service.
import fs from 'node:fs';
import path from 'node:path';

/** Paths relative to the repository, with `/` separators. */
export const TEST_ONLY_PATTERNS = [
  /^dist\/bench\//,
  /^dist\/libs\/testing\//,
  /^dist\/(apps|libs)\/[^/]+\/src\/testing\//,
  /^dist\/apps\/sds-server\/src\/xds-test-client\.js(\.map)?$/,
  /^dist\/apps\/ca\/src\/ca-test-fixture\.js(\.map)?$/,
];

export function isTestOnly(relativePath) {
  const p = relativePath.split(path.sep).join('/');
  return TEST_ONLY_PATTERNS.some((re) => re.test(p));
}

/** Every file under dist/ (relative to `root`) that is test-only. */
export function testOnlyFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (isTestOnly(path.relative(root, full))) out.push(path.relative(root, full));
    }
  };
  if (fs.existsSync(path.join(root, 'dist'))) walk(path.join(root, 'dist'));
  return out.sort();
}
