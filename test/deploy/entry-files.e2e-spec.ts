import path from 'node:path';
import { commandOf, readCompose } from './lib/compose.js';
import { execForm, stages } from './lib/dockerfile.js';
import { directResources, podSpec } from './lib/k8s.js';
import { exists, readText } from './lib/repo.js';

/** The build's output layout: tsconfig.build.json compiles `<rootDir>/x.ts` to `<outDir>/x.js`. */
function entrySourceFor(jsPath: string): string {
  const build = JSON.parse(readText('tsconfig.build.json')) as { compilerOptions?: Record<string, string> };
  const base = JSON.parse(readText('tsconfig.json')) as { compilerOptions: Record<string, string> };
  const outDir = build.compilerOptions?.outDir ?? base.compilerOptions.outDir;
  const rootDir = build.compilerOptions?.rootDir ?? base.compilerOptions.rootDir;
  const rel = path.posix.relative(path.posix.normalize(outDir), jsPath);
  return path.posix.join(rootDir, rel).replace(/\.js$/, '.ts');
}

/** Every `node <file>` command the image is run with, and where. */
function nodeCommands(): { where: string; file: string }[] {
  const out: { where: string; file: string }[] = [];
  for (const [name, s] of Object.entries(readCompose().services)) {
    const cmd = commandOf(s);
    if (cmd[0] === 'node' && cmd[1]?.startsWith('dist/'))
      out.push({ where: `compose ${name}`, file: cmd[1] });
  }
  for (const { object } of directResources('k8s/base')) {
    for (const c of podSpec(object)?.containers ?? []) {
      if (c.command?.[0] === 'node') out.push({ where: `k8s ${object.metadata.name}`, file: c.command[1] });
    }
  }
  const cmd = stages()
    .pop()!
    .instructions.filter((i) => i.op === 'CMD')
    .pop();
  const exec = execForm(cmd!.args) ?? [];
  out.push({ where: 'Dockerfile CMD', file: exec[1] });
  return out;
}

// Kept apart from the compose and k8s checks: it depends on every service's app existing.
describe('image commands', () => {
  it('name compiled entry files under dist/apps/<service>/src/main.js', () => {
    for (const { where, file } of nodeCommands()) {
      expect({ where, file }).toEqual({
        where,
        file: expect.stringMatching(/^dist\/apps\/[a-z-]+\/src\/main\.js$/),
      });
    }
  });

  it.each(nodeCommands().map((c) => [c.where, c.file]))(
    '%s: %s is built from a source file that exists',
    (_w, file) => {
      const source = entrySourceFor(file);
      expect(source).toMatch(/^apps\/[a-z-]+\/src\/main\.ts$/);
      expect({ source, exists: exists(source) }).toEqual({ source, exists: true });
    },
  );
});
