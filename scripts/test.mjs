// `npm test`: build, bring NATS and Postgres up if they are not (and only then stop them after),
// then run every jest project. Extra arguments go to jest.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { build } from './build.mjs';

fs.mkdirSync('.keyway', { recursive: true });

if (!build({ quiet: true })) {
  console.error('keyway: build failed; fix the type errors above');
  process.exit(1);
}
const { ensureInfrastructure } = await import('../dist/libs/infra/src/index.js');
const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const infra = await ensureInfrastructure({
  natsUrl,
  databaseUrl,
  stateDir: '.keyway',
  report: (l) => console.log(`keyway: ${l}`),
});

let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  await infra.stop().catch((e) => console.error(`keyway: stopping infrastructure: ${e.message}`));
  process.exit(code);
};

const jest = spawn(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    'node_modules/jest/bin/jest.js',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env: { ...process.env, NATS_URL: natsUrl, DATABASE_URL: databaseUrl } },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => jest.kill(signal));
jest.on('exit', (code, signal) => void stop(code ?? (signal ? 1 : 0)));
