// Installs dependencies when they are missing or older than the lock file, so `npm start` and
// `npm test` work from a fresh clone. Uses only Node's standard library: it runs before any install.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const lock = 'package-lock.json';
const installed = 'node_modules/.package-lock.json';
const stale =
  !fs.existsSync(installed) ||
  (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(installed).mtimeMs + 1000);
if (stale) {
  const args = fs.existsSync(lock)
    ? ['ci', '--no-audit', '--no-fund']
    : ['install', '--no-audit', '--no-fund'];
  console.log(`keyway: installing dependencies (npm ${args[0]})`);
  const r = spawnSync('npm', args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
