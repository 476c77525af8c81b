import { dockerignore, execForm, isIgnored, stages } from './lib/dockerfile.js';
import { exists, listFiles, readText } from './lib/repo.js';

const all = stages();
const byName = Object.fromEntries(all.map((s) => [s.name, s]));
const runs = (stage: string) => byName[stage].instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
const copies = (stage: string) =>
  byName[stage].instructions.filter((i) => i.op === 'COPY').map((i) => i.args);

describe('Dockerfile', () => {
  it('builds on node:20-bookworm-slim in every stage, the runtime stage last', () => {
    expect(all.map((s) => s.name)).toEqual(['build', 'prod-deps', 'runtime']);
    for (const s of all) expect(s.from).toBe('node:20-bookworm-slim');
  });

  it('build stage: npm ci from the lockfile, then npm run build', () => {
    const build = byName.build.instructions;
    const ci = build.findIndex((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args));
    const compile = build.findIndex((i) => i.op === 'RUN' && /\bnpm run build\b/.test(i.args));
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(compile).toBeGreaterThan(ci);
    expect(copies('build')[0]).toBe('package.json package-lock.json ./');
    // The build compiles with tsconfig.build.json and copies Envoy's protos into dist/ (the runtime
    // stage installs no package only for its .proto files).
    expect(readText('package.json')).toMatch(/"build":\s*"node scripts\/build\.mjs"/);
    expect(readText('scripts/build.mjs')).toMatch(/tsconfig\.build\.json[\s\S]*copyEnvoyProtos\(\)/);
  });

  it('runtime stage: production dependencies only, dist/ from the build, non-root', () => {
    expect(runs('prod-deps').some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    const runtime = copies('runtime');
    expect(runtime).toContain('--from=prod-deps /app/node_modules ./node_modules');
    expect(runtime).toContain('--from=build /app/dist ./dist');
    // package.json carries the "imports" map that resolves #keyway/* to dist/ at run time.
    expect(runtime).toContain('package.json package-lock.json ./');
    expect(JSON.parse(readText('package.json')).imports['#keyway/*']).toMatch(/^\.\/dist\//);
    const user = byName.runtime.instructions.filter((i) => i.op === 'USER').pop();
    expect(user?.args).toBe('node');
    expect(runs('runtime').some((r) => /npm (ci|install)/.test(r))).toBe(false);
  });

  it('the default command runs a service from dist/ (compose and k8s pick the service)', () => {
    const cmd = byName.runtime.instructions.filter((i) => i.op === 'CMD').pop();
    expect(execForm(cmd!.args)).toEqual(['node', 'dist/apps/api/src/main.js']);
  });

  it('every path COPY takes from the build context exists and is not excluded by .dockerignore', () => {
    const ignore = dockerignore();
    for (const stage of all) {
      for (const args of copies(stage.name)) {
        if (args.startsWith('--from=')) continue;
        const sources = args.split(/\s+/).slice(0, -1);
        for (const src of sources) {
          if (src === '.') continue;
          expect({ src, exists: exists(src), ignored: isIgnored(src, ignore) }).toEqual({
            src,
            exists: true,
            ignored: false,
          });
        }
      }
    }
  });

  it('.dockerignore keeps build output, dependencies and local state out, and the sources in', () => {
    const ignore = dockerignore();
    for (const p of [
      'node_modules',
      'node_modules/x/index.js',
      'dist/apps/api/src/main.js',
      '.keyway/logs/a.log',
      '.git',
    ]) {
      expect({ p, ignored: isIgnored(p, ignore) }).toEqual({ p, ignored: true });
    }
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'deploy/pki/dev-pki.sh',
      'scripts/prune-dist.mjs',
      'scripts/test-only-files.mjs',
    ];
    const sources = [
      ...listFiles('libs', (n) => n.endsWith('.ts')),
      ...listFiles('apps', (n) => n.endsWith('.ts')),
    ];
    const compiled = sources.filter((f) => !/\.(int-)?spec\.ts$/.test(f) && !f.includes('/testdata/'));
    for (const p of [...needed, ...compiled]) {
      expect({ p, ignored: isIgnored(p, ignore) }).toEqual({ p, ignored: false });
    }
  });

  it('the .dockerignore matcher follows Docker rules (a check on the checker)', () => {
    expect(isIgnored('a/b/x.spec.ts', ['**/*.spec.ts'])).toBe(true);
    expect(isIgnored('x.spec.ts', ['**/*.spec.ts'])).toBe(true);
    expect(isIgnored('a/x.ts', ['**/*.spec.ts'])).toBe(false);
    expect(isIgnored('bench/results/r.json', ['bench/results'])).toBe(true);
    expect(isIgnored('bench/run.ts', ['bench/results'])).toBe(false);
    expect(isIgnored('docs/a.md', ['docs', '!docs/a.md'])).toBe(false);
  });

  it('the PKI script the compose stack runs from the image is copied into it', () => {
    expect(copies('runtime')).toContain('deploy/pki ./deploy/pki');
    expect(runs('runtime').some((r) => /apt-get install .*\bopenssl\b/.test(r))).toBe(true);
    expect(exists('deploy/pki/dev-pki.sh')).toBe(true);
  });
});
