import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { waitFor } from '#keyway/testing';
import { freePort } from './endpoint.js';
import { ensureInfrastructure, type Infrastructure } from './infrastructure.js';

// npm start's bring-up with supervision: a NATS or Postgres it started and that dies is started again
// on its data; one it was asked to stop stays stopped.
describe('supervised NATS and Postgres', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-infra-sup-'));
  const lines: string[] = [];
  let infra: Infrastructure;
  let pgUrl: string;

  beforeAll(async () => {
    pgUrl = `postgres://postgres@127.0.0.1:${await freePort()}/keyway_sup`;
    infra = await ensureInfrastructure({
      natsUrl: `nats://127.0.0.1:${await freePort()}`,
      databaseUrl: pgUrl,
      stateDir,
      report: (l) => lines.push(l),
      supervise: true,
    });
  }, 120_000);
  afterAll(async () => {
    await infra?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  const query = async () => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    try {
      await c.query(`CREATE TABLE IF NOT EXISTS kept (v text)`);
      return (await c.query(`SELECT count(*)::int AS n FROM kept`)).rows[0].n as number;
    } finally {
      await c.end();
    }
  };

  it('NATS killed with SIGKILL comes back (a new process) and says so', async () => {
    const before = infra.nats.pid!;
    process.kill(before, 'SIGKILL');
    await waitFor(async () => infra.nats.pid !== before || undefined, {
      what: 'a new nats-server',
      timeoutMs: 20_000,
    });
    expect(lines.join('\n')).toMatch(/NATS exited \(pid \d+\); restart 1 in 0\.5s/);
    expect(lines.join('\n')).toMatch(/NATS restarted \(pid \d+\) on its data/);
  }, 30_000);

  it('Postgres killed with SIGKILL comes back with its data', async () => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`CREATE TABLE kept (v text)`);
    await c.query(`INSERT INTO kept VALUES ('survives')`);
    await c.end();
    const before = infra.postgres.pid!;
    process.kill(before, 'SIGKILL');
    await waitFor(async () => infra.postgres.pid !== before || undefined, {
      what: 'a new postgres',
      timeoutMs: 60_000,
    });
    expect(
      await waitFor(() => query().catch(() => undefined), { what: 'Postgres answering', timeoutMs: 30_000 }),
    ).toBe(1);
    expect(lines.join('\n')).toMatch(/Postgres restarted \(pid \d+\) on its data/);
  }, 90_000);
});
