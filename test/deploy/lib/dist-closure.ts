import fs from 'node:fs';
import path from 'node:path';
import { REPO, repoPath } from './repo.js';

const SPECIFIERS = [
  /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Every import specifier (static, re-export, literal dynamic import or require) of a compiled file. */
export function specifiersOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return SPECIFIERS.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]!));
}

/** The compiled keyway files a file imports (relative and `#keyway/*` specifiers). */
export function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const spec of specifiersOf(file)) {
    if (spec.startsWith('.')) out.push(path.resolve(path.dirname(file), spec));
    else if (spec.startsWith('#keyway/')) out.push(repoPath('dist/libs', spec.slice(8), 'src/index.js'));
  }
  return out;
}

/** Every compiled keyway file an entry point loads. */
export function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    if (!fs.existsSync(file))
      throw new Error(`${path.relative(REPO, file)} is imported but missing: npm run build`);
    seen.add(file);
    pending.push(...importsOf(file));
  }
  return seen;
}

/** The npm package a bare specifier names (`@scope/name/sub` -> `@scope/name`), or undefined. */
export function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('#') || spec.startsWith('node:') || path.isAbsolute(spec))
    return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The node entry points the image runs: each app's main and, where it has one, its migrate step. */
export function imageEntries(): string[] {
  return fs
    .readdirSync(repoPath('apps'))
    .flatMap((app) => [`dist/apps/${app}/src/main.js`, `dist/apps/${app}/src/migrate.js`])
    .filter((rel) => fs.existsSync(repoPath(rel)));
}
