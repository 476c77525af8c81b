// `npm run infra`: bring NATS and Postgres up (or find them) and keep them until Ctrl-C.
import { build } from './build.mjs';

if (!build({ quiet: true })) process.exit(1);
const { ensureInfrastructure } = await import('../dist/libs/infra/src/index.js');
const infra = await ensureInfrastructure({
  natsUrl: process.env.NATS_URL || 'nats://127.0.0.1:4222',
  databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  stateDir: '.keyway',
  report: (l) => console.log(`keyway: ${l}`),
});
console.log('keyway: infrastructure up; Ctrl-C stops what was started');
const stop = async () => {
  await infra.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
