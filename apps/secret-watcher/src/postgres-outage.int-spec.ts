import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Subjects } from '#keyway/contracts';
import { ensurePostgres, freePort, type RunningService } from '#keyway/infra';
import { Keyring } from '#keyway/key-material';
import { testDataKeys, waitFor } from '#keyway/testing';
import {
  BucketRecorder,
  Commands,
  applyRequest,
  bootService,
  leafFor,
  privateNats,
  testCa,
  tlsManifest,
  type BootedService,
} from './testing/harness.js';

// A Postgres of this test's own, so stopping it mid-burst disturbs no other test.
describe('Postgres stopped in the middle of a burst', () => {
  const ns = `t-${randomBytes(3).toString('hex')}`;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-sw-pg-'));
  let pgUrl: string;
  let postgres: RunningService | undefined;
  let nats: { url: string; stop(): Promise<void> };
  let service: BootedService;
  let commands: Commands;
  let bucket: BucketRecorder;
  let opsPort: number;
  const dataKeys = testDataKeys();
  const keyring = Keyring.parse(dataKeys);

  const startPostgres = async () => (postgres = await ensurePostgres(pgUrl, stateDir, () => undefined));
  const readyz = async () => {
    const res = await fetch(`http://127.0.0.1:${opsPort}/readyz`);
    return {
      status: res.status,
      body: (await res.json()) as { checks: Record<string, { ok: boolean; detail?: string }> },
    };
  };

  beforeAll(async () => {
    pgUrl = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    await startPostgres();
    nats = await privateNats();
    opsPort = await freePort();
    service = await bootService({
      NATS_URL: nats.url,
      DATABASE_URL: pgUrl,
      KEYWAY_DATA_KEYS: dataKeys,
      SECRET_APPLY_WAIT_MS: '500',
      OPS_PORT: String(opsPort),
    });
    commands = new Commands(nats.url);
    bucket = new BucketRecorder();
    await bucket.start(nats.url, ns);
  }, 120_000);

  afterAll(async () => {
    await bucket?.stop();
    await commands?.close();
    await service?.close();
    await nats?.stop();
    await postgres?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('publishes nothing unaudited while it is down, then audits and publishes every version in order', async () => {
    const ca = testCa();
    const key = `${ns}.outage`;
    const leaves = Array.from({ length: 200 }, () => leafFor(ca));
    const apply = (i: number) =>
      commands.send(Subjects.secrets.apply, applyRequest(keyring, tlsManifest(ns, 'outage', leaves[i])));

    for (let i = 0; i < 50; i++)
      expect(await apply(i)).toMatchObject({ ok: true, result: { revision: i + 1 } });
    await waitFor(() => bucket.last(key)?.revision === 50, { what: 'first 50 published' });
    expect((await readyz()).status).toBe(200);

    await postgres!.stop();
    // The rest of the burst arrives while Postgres is down: every reply says the version waits.
    const pending = Array.from({ length: 150 }, (_, k) => apply(50 + k));
    const first = await pending[0];
    expect(first).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body.checks.audit.ok).toBe(false);
    expect(down.body.checks.audit.detail).toMatch(/^audit log unavailable since .*: new versions wait/);
    const replies = await Promise.all(pending);
    expect(replies.every((r) => !r.ok && r.error.code === 'unavailable')).toBe(true);
    // Nothing past the last audited version reached the bucket, and nothing was withdrawn.
    expect(bucket.count(key)).toBe(50);
    expect(bucket.last(key)).toMatchObject({
      revision: 50,
      state: 'active',
      leafFingerprint: leaves[49].fingerprint,
    });

    await startPostgres();
    await waitFor(() => bucket.last(key)?.revision === 200, {
      what: 'every queued version published',
      timeoutMs: 60_000,
    });
    await waitFor(async () => (await readyz()).status === 200, { what: 'ready again' });

    const published = bucket.events.filter((e) => e.key === key).map((e) => e.record!);
    expect(published.map((r) => r.revision)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(published.map((r) => r.leafFingerprint)).toEqual(leaves.map((l) => l.fingerprint));

    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    try {
      const rows = (
        await c.query(
          `SELECT revision, action, content_hash FROM secret_watcher.audit_log WHERE namespace = $1 AND name = 'outage' ORDER BY revision`,
          [ns],
        )
      ).rows;
      expect(rows).toHaveLength(200);
      expect(rows.map((r) => r.content_hash)).toEqual(published.map((r) => r.contentHash));
    } finally {
      await c.end();
    }
    const verify = await commands.send(Subjects.audit.verify, { schemaVersion: 1, namespace: ns });
    expect(verify).toMatchObject({ ok: true, result: { ok: true, checkedRows: 200 } });
  }, 120_000);
});
