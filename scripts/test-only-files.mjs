// Files tsc emits into dist/ that only tests and benchmarks use, by one rule: test doubles,
// harnesses, fixtures and test PKI live in libs/testing or in a `testing/` folder of their app or
// library, benchmarks in bench/ (specs are not emitted at all). The container image drops them
// (scripts/prune-dist.mjs); deploy tests check that no entry point imports any of them and that every
// other emitted file is loaded by an app or a library, so the rule holds both ways.
import fs from 'node:fs';
import path from 'node:path';

/** Paths relative to the repository, with `/` separators. */
export const TEST_ONLY_PATTERNS = [
  /^dist\/bench\//,
  /^dist\/libs\/testing\//,
  /^dist\/(apps|libs)\/[^/]+\/src\/(.+\/)?testing\//,
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
