// `npm run gen:nats`: writes nats-server's authorization block (one user per keyway service, with its
// permissions) for compose and Kubernetes from libs/contracts/src/nats-permissions.ts, the one source.
// Passwords are environment variables the server resolves (KEYWAY_NATS_<SERVICE>_PASSWORD), never
// in a file. `--check` fails when a checked-in copy is stale instead of writing it.
import fs from 'node:fs';
import { build } from './build.mjs';

/** Where the generated block lives: compose mounts deploy/nats; k8s ConfigMaps hold the others. */
export const AUTHORIZATION_FILES = [
  'deploy/nats/authorization.conf',
  'k8s/base/nats/authorization.conf',
  'k8s/overlays/local/authorization.conf',
];

export async function authorizationConfig() {
  const { natsAuthorizationConfig, natsPasswordVariable } =
    await import('../dist/libs/contracts/src/index.js');
  return natsAuthorizationConfig((user) => ({ env: natsPasswordVariable(user) }));
}

if (process.argv[1]?.endsWith('gen-nats.mjs')) {
  if (!build({ quiet: true })) process.exit(1);
  const text = await authorizationConfig();
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const file of AUTHORIZATION_FILES) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current === text) continue;
    if (check) {
      console.error(`gen-nats: ${file} is stale; run npm run gen:nats`);
      stale++;
    } else {
      fs.writeFileSync(file, text);
      console.log(`gen-nats: wrote ${file}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
