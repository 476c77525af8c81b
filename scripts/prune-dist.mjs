// Removes test-only files from dist/ (see scripts/test-only-files.mjs): the container image runs
// this after `npm run build`, so no test double, harness or benchmark ships in it.
import fs from 'node:fs';
import path from 'node:path';
import { testOnlyFiles } from './test-only-files.mjs';

const root = path.resolve(process.argv[2] ?? '.');
const files = testOnlyFiles(root);
for (const f of files) fs.rmSync(path.join(root, f));
// Folders left empty (testing/, bench/) go too.
const prune = (dir) => {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true }))
    if (e.isDirectory()) prune(path.join(dir, e.name));
  if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
};
prune(path.join(root, 'dist'));
console.log(`prune-dist: removed ${files.length} test-only files from dist/`);
