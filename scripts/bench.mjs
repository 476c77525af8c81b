// `npm run bench -- <name>`: builds, brings infrastructure up, runs bench/<name>.bench.ts from dist,
// which prints a one-line summary and writes bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { build } from './build.mjs';

const name = process.argv[2];
const available = fs.existsSync('bench')
  ? fs
      .readdirSync('bench')
      .filter((f) => f.endsWith('.bench.ts'))
      .map((f) => f.replace('.bench.ts', ''))
  : [];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
if (!build({ quiet: true })) process.exit(1);
const { ensureInfrastructure } = await import('../dist/libs/infra/src/index.js');
const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const infra = await ensureInfrastructure({
  natsUrl,
  databaseUrl,
  stateDir: '.keyway',
  report: (l) => console.log(`keyway: ${l}`),
});
const r = spawnSync(
  process.execPath,
  ['--expose-gc', `dist/bench/${name}.bench.js`, ...process.argv.slice(3)],
  {
    stdio: 'inherit',
    env: { ...process.env, NATS_URL: natsUrl, DATABASE_URL: databaseUrl },
  },
);
await infra.stop();
process.exit(r.status ?? 1);
