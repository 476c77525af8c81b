// Adds lock entries for platform-specific optional packages the registry used here does not serve
// (it hosts only this machine's platform binaries). Without them `npm ci` refuses the lock as out of
// sync. The entries carry the platform fields npm uses to skip them elsewhere; on a platform that
// needs one, npm fetches it by name and version. Run after any `npm install` that changes the lock.
import fs from 'node:fs';

const lockPath = 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

function platformOf(name) {
  const tail = name.split('/').pop();
  const os = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony'].find((o) =>
    tail.includes(`-${o}-`),
  );
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64'].find((c) =>
    new RegExp(`-${c}(-|$)`).test(tail),
  );
  const libc = /-musl/.test(tail) ? 'musl' : os === 'linux' && /-gnu/.test(tail) ? 'glibc' : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `${location ? location + '/' : ''}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (packages[key] || packages[hoisted]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os || !cpu) continue;
    packages[hoisted] = {
      version,
      cpu: [cpu],
      dev: entry.dev || undefined,
      license: entry.license,
      optional: true,
      os: [os],
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} platform entries`);
