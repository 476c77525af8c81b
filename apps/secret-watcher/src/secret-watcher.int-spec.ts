import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  Subjects,
  credentialAssociatedData,
  credentialMaterial,
  type CredentialRecord,
} from '#keyway/contracts';
import { Keyring, containsPrivateKeyPem } from '#keyway/key-material';
import type { Issuer } from '#keyway/pki';
import { createThrowawayDatabase, testDataKeys, waitFor, type ThrowawayDatabase } from '#keyway/testing';
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

const digest = (pem: string | undefined) =>
  createHash('sha256')
    .update(pem ?? '')
    .digest('hex');

describe('secret-watcher against real NATS and Postgres', () => {
  const ns = `t-${randomBytes(3).toString('hex')}`;
  let nats: { url: string; stop(): Promise<void> };
  let db: ThrowawayDatabase;
  let dir: string;
  let dataKeys: string;
  let keyring: Keyring;
  let service: BootedService;
  let commands: Commands;
  let bucket: BucketRecorder;
  let ca: Issuer;
  let env: Record<string, string>;

  const auditRows = async (name: string) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (
        await c.query(
          `SELECT revision, action, source, actor, content_hash, reason FROM secret_watcher.audit_log WHERE namespace = $1 AND name = $2 ORDER BY revision`,
          [ns, name],
        )
      ).rows;
    } finally {
      await c.end();
    }
  };
  const open = (record: CredentialRecord) =>
    credentialMaterial.parse(
      JSON.parse(
        keyring
          .open(record.material, credentialAssociatedData(record.namespace, record.name, record.revision))
          .toString('utf8'),
      ),
    );

  beforeAll(async () => {
    nats = await privateNats();
    db = await createThrowawayDatabase('keyway_sw');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-sw-dir-'));
    dataKeys = testDataKeys();
    keyring = Keyring.parse(dataKeys);
    ca = testCa();
    env = {
      NATS_URL: nats.url,
      DATABASE_URL: db.url,
      KEYWAY_DATA_KEYS: dataKeys,
      SECRETS_DIR: dir,
      SECRETS_DIR_NAMESPACE: ns,
    };
    service = await bootService(env);
    commands = new Commands(nats.url);
    bucket = new BucketRecorder();
    await bucket.start(nats.url, ns);
  }, 60_000);

  afterAll(async () => {
    await bucket?.stop();
    await commands?.close();
    await service?.close();
    await nats?.stop();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('API apply: one audit row and one KV update per real change; identical content changes nothing', async () => {
    const leaf = leafFor(ca);
    const r1 = await commands.send(
      Subjects.secrets.apply,
      applyRequest(keyring, tlsManifest(ns, 'api-cred', leaf)),
    );
    expect(r1).toMatchObject({
      ok: true,
      result: { namespace: ns, name: 'api-cred', outcome: 'created', revision: 1 },
    });
    const key = `${ns}.api-cred`;
    await waitFor(() => bucket.count(key) === 1, { what: 'first KV update' });
    const record = bucket.last(key)!;
    expect(record).toMatchObject({
      kind: 'tls-certificate',
      revision: 1,
      state: 'active',
      leafFingerprint: leaf.fingerprint,
    });
    expect(containsPrivateKeyPem(JSON.stringify(record))).toBe(false);
    expect(digest(open(record).privateKey)).toBe(digest(leaf.key)); // digests: a failure never prints a key

    // Same content, other line endings and an unrelated key: same credential version.
    const again = await commands.send(
      Subjects.secrets.apply,
      applyRequest(
        keyring,
        tlsManifest(ns, 'api-cred', { cert: leaf.cert.replace(/\n/g, '\r\n'), key: leaf.key }, { note: 'x' }),
      ),
    );
    expect(again).toMatchObject({ ok: true, result: { outcome: 'unchanged', revision: 1 } });

    const next = leafFor(ca);
    const r2 = await commands.send(
      Subjects.secrets.apply,
      applyRequest(keyring, tlsManifest(ns, 'api-cred', next)),
    );
    expect(r2).toMatchObject({ ok: true, result: { outcome: 'updated', revision: 2 } });
    await waitFor(() => bucket.count(key) === 2, { what: 'second KV update' });
    expect(bucket.last(key)!.leafFingerprint).toBe(next.fingerprint);
    expect((await auditRows('api-cred')).map((r) => r.action)).toEqual(['created', 'updated']);
  });

  it('API apply of an invalid Secret: refused with every error, audited as rejected, last good keeps serving', async () => {
    const bad = tlsManifest(
      ns,
      'api-cred',
      { cert: leafFor(ca).cert, key: leafFor(ca).key },
      { token: 'abc' },
    );
    const r = await commands.send(Subjects.secrets.apply, applyRequest(keyring, bad));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid');
    expect(r.error.errors!.map((e) => `${e.resource}: ${e.field}: ${e.message}`)).toEqual(
      [
        `Secret/${ns}/api-cred: data.token: the secret should not contain a token field`,
        `Secret/${ns}/api-cred: data.tls.key: private key does not match the public key of the leaf certificate (CN=httpbin.example.com)`,
      ].slice(0, r.error.errors!.length),
    );
    const rows = await auditRows('api-cred');
    expect(rows.at(-1)).toMatchObject({ action: 'rejected', revision: 3 });
    expect(rows.at(-1).reason).toContain('data.token: the secret should not contain a token field');
    expect(bucket.count(`${ns}.api-cred`)).toBe(2);
    expect(bucket.last(`${ns}.api-cred`)!.revision).toBe(2);
  });

  it('directory: created, edited, renamed atomically, temp files ignored, deleted: one row and one update each', async () => {
    const key = `${ns}.file-cred`;
    const write = (file: string, leaf: { cert: string; key: string }) =>
      fs.writeFileSync(path.join(dir, file), JSON.stringify(tlsManifest(ns, 'file-cred', leaf)));
    const l1 = leafFor(ca);
    write('file-cred.yaml', l1);
    await waitFor(() => bucket.count(key) === 1, { what: 'file created' });
    expect(bucket.last(key)!.leafFingerprint).toBe(l1.fingerprint);

    const l2 = leafFor(ca);
    write('file-cred.yaml', l2);
    await waitFor(() => bucket.last(key)?.leafFingerprint === l2.fingerprint, { what: 'file edited' });

    // An editor's swap file and an atomic write: temp file, then rename over the manifest.
    fs.writeFileSync(path.join(dir, '.file-cred.yaml.swp'), 'garbage');
    const l3 = leafFor(ca);
    write('file-cred.yaml.tmp', l3);
    fs.renameSync(path.join(dir, 'file-cred.yaml.tmp'), path.join(dir, 'file-cred.yaml'));
    await waitFor(() => bucket.last(key)?.leafFingerprint === l3.fingerprint, { what: 'atomic rename' });
    await service.runtime.directory!.settled();

    const lastServed = bucket.last(key)!;
    fs.rmSync(path.join(dir, 'file-cred.yaml'));
    await waitFor(() => bucket.last(key)?.state === 'deleted', { what: 'file deleted' });
    const deleted = bucket.last(key)!;
    expect(deleted.serveUntil).toBeDefined();
    expect(new Date(deleted.serveUntil!).getTime()).toBeGreaterThan(Date.now() + 3000_000);
    // Still served during the grace period: the deletion keeps the envelope of the version it deletes,
    // which opens only under that version's revision.
    expect(() => open(deleted)).toThrow(/authentication failed/);
    expect(digest(open({ ...deleted, revision: lastServed.revision }).privateKey)).toBe(digest(l3.key));

    const rows = await auditRows('file-cred');
    expect(rows.map((r) => `${r.revision} ${r.action} ${r.source}`)).toEqual([
      '1 created directory',
      '2 updated directory',
      '3 updated directory',
      '4 deleted directory',
    ]);
    expect(rows[0].actor).toBe('file:file-cred.yaml');
    expect(bucket.count(key)).toBe(4);
  });

  it('API delete then create (the walkthrough rotation): served throughout, audited, revisions continue', async () => {
    const key = `${ns}.rotate`;
    await commands.send(
      Subjects.secrets.apply,
      applyRequest(keyring, tlsManifest(ns, 'rotate', leafFor(ca))),
    );
    const del = await commands.send(Subjects.secrets.delete, {
      schemaVersion: 1,
      namespace: ns,
      name: 'rotate',
      actor: { kind: 'user', name: 'alice' },
    });
    expect(del).toMatchObject({ ok: true, result: { deleted: true, revision: 2 } });
    const missing = await commands.send(Subjects.secrets.delete, {
      schemaVersion: 1,
      namespace: ns,
      name: 'rotate',
      actor: { kind: 'user', name: 'alice' },
    });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: `secret ${ns}/rotate not found` },
    });
    const re = await commands.send(
      Subjects.secrets.apply,
      applyRequest(keyring, tlsManifest(ns, 'rotate', leafFor(ca))),
    );
    expect(re).toMatchObject({ ok: true, result: { outcome: 'created', revision: 3 } });
    await waitFor(() => bucket.last(key)?.revision === 3, { what: 're-created' });
    expect(bucket.events.filter((e) => e.key === key).map((e) => e.record?.state)).toEqual([
      'active',
      'deleted',
      'active',
    ]);
  });

  it('queries: get, list, history, version, credentials, verify', async () => {
    const get = await commands.send(Subjects.secrets.get, {
      schemaVersion: 1,
      namespace: ns,
      name: 'api-cred',
    });
    expect(get).toMatchObject({
      ok: true,
      result: {
        name: 'api-cred',
        source: 'api',
        revision: 2,
        keys: ['tls.crt', 'tls.key'],
        type: 'kubernetes.io/tls',
      },
    });
    expect(JSON.stringify(get)).not.toContain('BEGIN');
    const list = await commands.send<any>(Subjects.secrets.list, { schemaVersion: 1, namespace: ns });
    expect(list.ok && list.result.items.map((s: any) => s.name)).toEqual(['api-cred', 'rotate']);
    const history = await commands.send<any>(Subjects.credentials.history, {
      schemaVersion: 1,
      namespace: ns,
      name: 'api-cred',
      page: { limit: 2 },
    });
    expect(history.ok && history.result.items.map((r: any) => r.revision)).toEqual([3, 2]);
    expect(history.ok && history.result.next).toBe('2');
    const older = await commands.send<any>(Subjects.credentials.history, {
      schemaVersion: 1,
      namespace: ns,
      name: 'api-cred',
      page: { limit: 2, cursor: '2' },
    });
    expect(older.ok && older.result.items.map((r: any) => r.revision)).toEqual([1]);
    const version = await commands.send<any>(Subjects.credentials.version, {
      schemaVersion: 1,
      namespace: ns,
      name: 'api-cred',
      revision: 1,
    });
    expect(version).toMatchObject({
      ok: true,
      result: {
        action: 'created',
        actor: 'user:alice (team payments)',
        source: 'api',
        subject: 'CN=httpbin.example.com',
        sans: ['DNS:httpbin.example.com'],
      },
    });
    const creds = await commands.send<any>(Subjects.credentials.list, { schemaVersion: 1, namespace: ns });
    expect(creds.ok && creds.result.items.map((c: any) => `${c.name} ${c.state} ${c.revision}`)).toEqual([
      'api-cred active 2',
      'file-cred deleted 4',
      'rotate active 3',
    ]);
    const verify = await commands.send<any>(Subjects.audit.verify, { schemaVersion: 1, namespace: ns });
    expect(verify).toMatchObject({ ok: true, result: { ok: true, checkedCredentials: 3, checkedRows: 10 } });
  });

  it('a tampered row is found by verify (after bypassing the append-only trigger as superuser)', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await expect(
        c.query(`UPDATE secret_watcher.audit_log SET actor = 'x' WHERE namespace = $1`, [ns]),
      ).rejects.toThrow(/append-only/);
      await c.query('ALTER TABLE secret_watcher.audit_log DISABLE TRIGGER audit_log_no_change');
      await c.query(
        `UPDATE secret_watcher.audit_log SET actor = 'user:mallory' WHERE namespace = $1 AND name = 'rotate' AND revision = 2`,
        [ns],
      );
      const verify = await commands.send<any>(Subjects.audit.verify, {
        schemaVersion: 1,
        namespace: ns,
        name: 'rotate',
      });
      expect(verify).toMatchObject({
        ok: true,
        result: {
          ok: false,
          firstBroken: {
            name: 'rotate',
            revision: 2,
            reason: "rowHash does not match the row's content (the row was changed)",
          },
        },
      });
      await c.query(
        `UPDATE secret_watcher.audit_log SET actor = 'user:alice' WHERE namespace = $1 AND name = 'rotate' AND revision = 2`,
        [ns],
      );
      await c.query('ALTER TABLE secret_watcher.audit_log ENABLE TRIGGER audit_log_no_change');
    } finally {
      await c.end();
    }
  });

  it('restart loses nothing and duplicates nothing', async () => {
    const before = { rows: (await auditRows('api-cred')).length, updates: bucket.events.length };
    await service.close();
    service = await bootService(env);
    // The new instance's NATS subscription may reach the server a moment after listen() resolves.
    const get = await waitFor(
      async () => {
        const r = await commands.send(Subjects.secrets.get, {
          schemaVersion: 1,
          namespace: ns,
          name: 'api-cred',
        });
        return r.ok || r.error.code !== 'unavailable' ? r : undefined;
      },
      { what: 'the restarted service answering' },
    );
    expect(get).toMatchObject({ ok: true, result: { revision: 2, source: 'api' } });
    const unchanged = await commands.send(
      Subjects.secrets.apply,
      applyRequest(keyring, tlsManifest(ns, 'rotate', { cert: 'x', key: 'y' })),
    );
    expect(unchanged.ok).toBe(false); // the service answers again
    expect((await auditRows('api-cred')).length).toBe(before.rows);
    expect(bucket.events.length).toBe(before.updates);
    const verify = await commands.send<any>(Subjects.audit.verify, { schemaVersion: 1, namespace: ns });
    expect(verify).toMatchObject({ ok: true, result: { ok: true } });
  }, 30_000);

  it('a burst of 1,000 versions of one credential: a valid chain and the KV at the last version', async () => {
    const key = `${ns}.burst`;
    const leaves = Array.from({ length: 1000 }, () => leafFor(ca));
    // In flights of 100 concurrent applies, so no request outlives its reply deadline in the queue.
    const replies = [];
    for (let i = 0; i < leaves.length; i += 100) {
      const flight = leaves
        .slice(i, i + 100)
        .map((l) =>
          commands.send(Subjects.secrets.apply, applyRequest(keyring, tlsManifest(ns, 'burst', l))),
        );
      replies.push(...(await Promise.all(flight)));
    }
    expect(replies.filter((r) => !r.ok)).toEqual([]);
    await waitFor(() => bucket.last(key)?.revision === 1000, {
      what: 'KV at revision 1000',
      timeoutMs: 30_000,
    });
    expect(bucket.last(key)!.leafFingerprint).toBe(leaves[999].fingerprint);
    const verify = await commands.send<any>(Subjects.audit.verify, {
      schemaVersion: 1,
      namespace: ns,
      name: 'burst',
    });
    expect(verify).toMatchObject({ ok: true, result: { ok: true, checkedRows: 1000 } });
    const revisions = bucket.events.filter((e) => e.key === key).map((e) => e.record!.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
  }, 90_000);
});
