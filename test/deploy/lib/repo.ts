import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The repository root (this file lives in test/deploy/lib). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function repoPath(...parts: string[]): string {
  return path.join(REPO, ...parts);
}

export function readText(rel: string): string {
  return fs.readFileSync(repoPath(rel), 'utf8');
}

/** Every document of a YAML file, failing on any YAML error or warning (duplicate keys included). */
export function readYamlDocuments(rel: string): unknown[] {
  const docs = parseAllDocuments(readText(rel), { uniqueKeys: true, prettyErrors: true });
  const out: unknown[] = [];
  for (const doc of docs) {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length) throw new Error(`${rel}: ${problems.map((p) => p.message).join('; ')}`);
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export function readYaml(rel: string): unknown {
  const docs = readYamlDocuments(rel);
  if (docs.length !== 1) throw new Error(`${rel}: expected one YAML document, found ${docs.length}`);
  return docs[0];
}

/** Files under a repo-relative directory, recursively, repo-relative and sorted. */
export function listFiles(relDir: string, filter: (name: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(repoPath(dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (filter(entry.name)) out.push(rel);
    }
  };
  walk(relDir);
  return out.sort();
}

export function exists(rel: string): boolean {
  return fs.existsSync(repoPath(rel));
}
