// `npm start`: install (prestart), build, bring NATS and Postgres up, then run every keyway service
// as its own process with logs under .keyway/logs. Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { build } from './build.mjs';
import { SERVICES } from './services.mjs';

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

// One local data key, kept across restarts so sealed records stay readable.
const keyFile = '.keyway/data-keys';
if (!fs.existsSync(keyFile))
  fs.writeFileSync(keyFile, `local-1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
const dataKeys = fs.readFileSync(keyFile, 'utf8').trim();

const logDir = '.keyway/logs';
fs.mkdirSync(logDir, { recursive: true });
const children = [];
for (const svc of SERVICES) {
  const entry = path.join('dist', svc.entry);
  if (!fs.existsSync(entry)) continue;
  const log = fs.openSync(path.join(logDir, `${svc.name}.log`), 'a');
  const child = spawn(process.execPath, [entry], {
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      NATS_URL: natsUrl,
      DATABASE_URL: databaseUrl,
      KEYWAY_DATA_KEYS: dataKeys,
      LOG_FORMAT: 'json',
      ...svc.env,
    },
  });
  children.push({ svc, child });
  console.log(`keyway: started ${svc.name} (pid ${child.pid}), log ${path.join(logDir, `${svc.name}.log`)}`);
  child.on('exit', (code, signal) => {
    if (!stopping)
      console.error(
        `keyway: ${svc.name} exited (${signal ?? code}); see ${path.join(logDir, `${svc.name}.log`)}`,
      );
  });
}
console.log(`keyway: ${children.length} service(s) up; Ctrl-C stops everything started here`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  await infra.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
