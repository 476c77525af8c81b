import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { stages } from './lib/dockerfile.js';
import { closure, imageEntries } from './lib/dist-closure.js';
import { REPO, repoPath } from './lib/repo.js';
// The same list the image build uses: the test and the Dockerfile cannot drift apart.
import { isTestOnly, testOnlyFiles } from '../../scripts/test-only-files.mjs';

const entries = fs
  .readdirSync(repoPath('apps'))
  .map((app) => `dist/apps/${app}/src/main.js`)
  .filter((rel) => fs.existsSync(repoPath(rel)));

/** Whether a compiled file still has its .ts source (dist/ keeps files of sources since moved). */
const hasSource = (rel: string) =>
  fs.existsSync(repoPath(rel.replace(/^dist\//, '').replace(/\.js$/, '.ts')));

/** A module of types only compiles to an empty one: nothing loads it at run time. */
const typesOnly = (rel: string) =>
  fs
    .readFileSync(repoPath(rel), 'utf8')
    .replace(/\/\/# sourceMappingURL=.*$/m, '')
    .trim() === 'export {};';

/** Every file under `dir`, relative to the repository. */
function compiled(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? compiled(full) : [path.relative(REPO, full)];
  });
}

describe('test-only files are left out of the image', () => {
  it('finds the test doubles, harnesses and benches it is meant to drop', () => {
    const files = testOnlyFiles(REPO);
    for (const expected of [
      'dist/libs/testing/src/index.js',
      'dist/apps/api/src/testing/fake-services.js',
      'dist/apps/gateway/src/testing/gateway-harness.js',
      'dist/apps/sds-server/src/testing/xds-test-client.js',
      'dist/bench/route-compile.bench.js',
    ]) {
      expect(files).toContain(expected);
    }
    expect(isTestOnly('dist/apps/sds-server/src/main.js')).toBe(false);
    expect(isTestOnly('dist/libs/xds/src/route-compiler.js')).toBe(false);
  });

  it.each(entries)('%s imports nothing that is dropped', (entry) => {
    const loaded = [...closure(repoPath(entry))].map((f) => path.relative(REPO, f));
    expect(loaded.length).toBeGreaterThan(1);
    expect(loaded.filter((f) => isTestOnly(f))).toEqual([]);
  });

  it('keeps every test double under a testing/ folder: what ships is loaded by an app or a library', () => {
    // The rule scripts/test-only-files.mjs prunes by: test-only code lives in libs/testing, a
    // testing/ folder or bench/. A compiled file outside them that no app entry point or library
    // index loads is test-only code in a shipped place.
    const libraries = fs
      .readdirSync(repoPath('dist/libs'))
      .map((lib) => `dist/libs/${lib}/src/index.js`)
      .filter((rel) => fs.existsSync(repoPath(rel)) && !isTestOnly(rel));
    const loaded = new Set<string>();
    for (const root of [...imageEntries(), ...libraries])
      for (const f of closure(repoPath(root))) loaded.add(path.relative(REPO, f));
    const shipped = compiled(repoPath('dist')).filter(
      (f) => f.endsWith('.js') && !isTestOnly(f) && hasSource(f) && !typesOnly(f),
    );
    expect(shipped.filter((f) => !loaded.has(f))).toEqual([]);
  });

  it('the build stage prunes dist/ right after compiling it', () => {
    const build = stages().find((s) => s.name === 'build')!;
    const run = build.instructions.find((i) => i.op === 'RUN' && /\bnpm run build\b/.test(i.args));
    expect(run?.args).toMatch(/npm run build\s*&&\s*node scripts\/prune-dist\.mjs/);
  });

  it('prune-dist removes exactly the test-only files and their empty folders', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-prune-'));
    try {
      const keep = ['dist/apps/sds-server/src/main.js', 'dist/libs/xds/src/index.js'];
      const drop = [
        'dist/bench/route-compile.bench.js',
        'dist/libs/testing/src/index.js',
        'dist/apps/gateway/src/testing/curl.js',
        'dist/apps/sds-server/src/testing/xds-test-client.js.map',
      ];
      for (const f of [...keep, ...drop]) {
        fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
        fs.writeFileSync(path.join(root, f), '');
      }
      execFileSync(process.execPath, [repoPath('scripts/prune-dist.mjs'), root], { stdio: 'pipe' });
      for (const f of keep) expect(fs.existsSync(path.join(root, f))).toBe(true);
      for (const f of drop) expect(fs.existsSync(path.join(root, f))).toBe(false);
      expect(fs.existsSync(path.join(root, 'dist/bench'))).toBe(false);
      expect(fs.existsSync(path.join(root, 'dist/apps/gateway/src/testing'))).toBe(false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
