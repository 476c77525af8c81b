import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface DirectoryManifest {
  file: string;
  manifest: unknown;
}

/** Every document of every `.yaml`, `.yml` or `.json` file in a directory (not recursive), sorted by file. */
export function readManifestDirectory(dir: string): { manifests: DirectoryManifest[]; problems: string[] } {
  const manifests: DirectoryManifest[] = [];
  const problems: string[] = [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  for (const f of files) {
    const file = path.join(dir, f);
    try {
      for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        if (doc.errors.length > 0) {
          problems.push(`${f}: ${doc.errors[0].message}`);
          continue;
        }
        const value = doc.toJS();
        if (value) manifests.push({ file: f, manifest: value });
      }
    } catch (e) {
      problems.push(`${f}: ${(e as Error).message}`);
    }
  }
  return { manifests, problems };
}

/** Calls `onChange` (after the directory has been quiet for `quietMs`) whenever a file in it changes. */
export function watchDirectory(dir: string, onChange: () => void, quietMs = 20): { close(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watcher = fs.watch(dir, () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, quietMs);
  });
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
