// Writes `.env` for docker compose with random keys, passwords and admin token (compose refuses to
// start without them: docker-compose.yml has no well-known fallbacks). Values already in .env are kept;
// only the names of what was added are printed, never the values.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every variable docker-compose.yml requires, with a fresh random value each. */
export function composeSecrets() {
  const b64 = (n) => randomBytes(n).toString('base64');
  return {
    // One NATS user per service (deploy/nats/authorization.conf).
    KEYWAY_NATS_API_PASSWORD: randomBytes(24).toString('base64url'),
    KEYWAY_NATS_CA_PASSWORD: randomBytes(24).toString('base64url'),
    KEYWAY_NATS_SECRET_WATCHER_PASSWORD: randomBytes(24).toString('base64url'),
    KEYWAY_NATS_ROUTE_COMPILER_PASSWORD: randomBytes(24).toString('base64url'),
    KEYWAY_NATS_SDS_SERVER_PASSWORD: randomBytes(24).toString('base64url'),
    // Written into DATABASE_URL too: hex is URL-safe.
    KEYWAY_POSTGRES_PASSWORD: randomBytes(24).toString('hex'),
    // Each service's own Postgres role (deploy/postgres/10-keyway-roles.sh), in its DATABASE_URL.
    KEYWAY_DB_CA_PASSWORD: randomBytes(24).toString('hex'),
    KEYWAY_DB_SECRET_WATCHER_PASSWORD: randomBytes(24).toString('hex'),
    KEYWAY_DB_ROUTE_COMPILER_PASSWORD: randomBytes(24).toString('hex'),
    KEYWAY_DB_API_PASSWORD: randomBytes(24).toString('hex'),
    KEYWAY_DATA_KEYS: `data-1:${b64(32)}`,
    KEYWAY_CA_MASTER_KEYS: `ca-1:${b64(32)}`,
    KEYWAY_ADMIN_TOKEN: `kw_admin_${randomBytes(32).toString('base64url')}`,
    // Signs the audit checkpoints (secret-watcher, ca): base64 PKCS#8 DER, one line for .env.
    KEYWAY_AUDIT_CHECKPOINT_KEY: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'der' })
      .toString('base64'),
  };
}

/** Adds what `file` lacks; returns the names added. */
export function writeComposeEnv(file) {
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const present = new Set(
    existing
      .split('\n')
      .map((l) => /^\s*([A-Za-z_][A-Za-z0-9_]*)=/.exec(l)?.[1])
      .filter(Boolean),
  );
  const added = Object.entries(composeSecrets()).filter(([k]) => !present.has(k));
  if (added.length === 0) return [];
  const text = added.map(([k, v]) => `${k}=${v}\n`).join('');
  fs.writeFileSync(file, (existing && !existing.endsWith('\n') ? `${existing}\n` : existing) + text, {
    mode: 0o600,
  });
  fs.chmodSync(file, 0o600);
  return added.map(([k]) => k);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const file = path.resolve(process.argv[2] ?? '.env');
  const added = writeComposeEnv(file);
  console.log(
    added.length
      ? `compose-env: wrote ${added.join(', ')} to ${file} (mode 0600)`
      : `compose-env: ${file} already has every required value`,
  );
}
