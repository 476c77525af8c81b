import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Streams, Subjects } from '#keyway/contracts';
import { Keyring } from '#keyway/key-material';
import { rowHash, signCheckpoint, type ChainedAuditRow } from '#keyway/secrets';
import { createThrowawayDatabase, testDataKeys, type ThrowawayDatabase } from '#keyway/testing';
import {
  Commands,
  applyRequest,
  bootService,
  leafFor,
  privateNats,
  testCa,
  tlsManifest,
  type BootedService,
} from './testing/harness.js';

/**
 * The tamper tests: as the database superuser (who can disable the append-only triggers), cut a
 * chain's tail or rewrite a whole chain consistently, hashes and all. The chains alone still verify;
 * the signed checkpoints outside the database do not match, and verify names the credential.
 */
describe('signed audit checkpoints', () => {
  const ns = 'tamper';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-cp-'));
  const dataKeys = testDataKeys();
  const keyring = Keyring.parse(dataKeys);
  let nats: { url: string; stop(): Promise<void> };
  let db: ThrowawayDatabase;
  let service: BootedService;
  let commands: Commands;
  let superuser: pg.Client;
  const ca = testCa();

  const apply = async (name: string) => {
    const r = await commands.send(
      Subjects.secrets.apply,
      applyRequest(keyring, tlsManifest(ns, name, leafFor(ca, `${name}.example.com`))),
    );
    expect(r.ok).toBe(true);
  };
  const verify = async () => {
    const r = await commands.send<any>(Subjects.audit.verify, { schemaVersion: 1, namespace: ns });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.result;
  };
  /** As the superuser: the triggers off, the change, the triggers on again. */
  const tamper = async (sql: string, params: unknown[] = []) => {
    await superuser.query('ALTER TABLE secret_watcher.audit_log DISABLE TRIGGER USER');
    try {
      await superuser.query(sql, params);
    } finally {
      await superuser.query('ALTER TABLE secret_watcher.audit_log ENABLE TRIGGER USER');
    }
  };

  beforeAll(async () => {
    const key = path.join(dir, 'checkpoint.key');
    fs.writeFileSync(
      key,
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
      {
        mode: 0o600,
      },
    );
    nats = await privateNats();
    db = await createThrowawayDatabase('keyway_cp');
    service = await bootService({
      NATS_URL: nats.url,
      DATABASE_URL: db.url,
      KEYWAY_DATA_KEYS: dataKeys,
      AUDIT_CHECKPOINT_KEY_FILE: key,
      AUDIT_CHECKPOINT_FILE: path.join(dir, 'checkpoints.jsonl'),
    });
    commands = new Commands(nats.url);
    superuser = new pg.Client({ connectionString: db.url });
    await superuser.connect();
    for (const name of ['web', 'web', 'web', 'api', 'api']) await apply(name);
  }, 60_000);

  afterAll(async () => {
    await superuser?.end();
    await commands?.close();
    await service?.close();
    await nats?.stop();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('an untouched record verifies against the latest checkpoint, also kept in the file', async () => {
    const r = await verify();
    expect(r.ok).toBe(true);
    expect(r.checkpoint.seq).toBeGreaterThanOrEqual(1);
    expect(r.checkpoint.mismatches).toEqual([]);
    const lines = fs.readFileSync(path.join(dir, 'checkpoints.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1)!).seq).toBe(r.checkpoint.seq);
  });

  it('the last revision deleted: the chain alone is fine, the checkpoint says truncated', async () => {
    await tamper(
      `DELETE FROM secret_watcher.audit_log WHERE namespace = $1 AND name = 'web' AND revision = 3`,
      [ns],
    );
    const r = await verify();
    expect(r.firstBroken).toBeUndefined();
    expect(r.ok).toBe(false);
    expect(r.checkpoint.mismatches).toEqual([
      { kind: 'truncated', chain: `${ns}/web`, checkpointRevision: 3, databaseRevision: 2 },
    ]);
  });

  it('after the cut, a restarted writer that writes on does not sign over it', async () => {
    await service.close();
    service = await bootService({
      NATS_URL: nats.url,
      DATABASE_URL: db.url,
      KEYWAY_DATA_KEYS: dataKeys,
      AUDIT_CHECKPOINT_KEY_FILE: path.join(dir, 'checkpoint.key'),
      AUDIT_CHECKPOINT_FILE: path.join(dir, 'checkpoints.jsonl'),
    });
    // The writer loads revision 2 as web's head and writes a new revision 3 on it.
    await apply('web');
    const r = await verify();
    expect(r.firstBroken).toBeUndefined();
    expect(r.ok).toBe(false);
    expect(r.checkpoint.mismatches).toEqual([{ kind: 'rewritten', chain: `${ns}/web`, revision: 3 }]);
  }, 60_000);

  it('a whole chain rewritten consistently: the checkpoint says rewritten', async () => {
    const rows = (
      await superuser.query(
        `SELECT revision, action, source, actor, leaf_serial, subject, sans, issuer, not_before, not_after,
          leaf_fingerprint, ca_fingerprints, public_key_fingerprint, content_hash, reason, recorded_at
         FROM secret_watcher.audit_log WHERE namespace = $1 AND name = 'api' ORDER BY revision`,
        [ns],
      )
    ).rows;
    let previous: string | null = null;
    for (const r of rows) {
      const entry = {
        namespace: ns,
        name: 'api',
        revision: r.revision,
        action: r.action,
        source: r.source,
        actor: 'user:mallory',
        leafSerial: r.leaf_serial,
        subject: r.subject,
        sans: r.sans,
        issuer: r.issuer,
        notBefore: r.not_before,
        notAfter: r.not_after,
        leafFingerprint: r.leaf_fingerprint,
        caFingerprints: r.ca_fingerprints,
        publicKeyFingerprint: r.public_key_fingerprint,
        contentHash: r.content_hash,
        reason: r.reason,
        recordedAt: r.recorded_at,
      } as ChainedAuditRow;
      const hash = rowHash(previous, entry);
      await tamper(
        `UPDATE secret_watcher.audit_log SET actor = 'user:mallory', previous_hash = $3, row_hash = $4
         WHERE namespace = $1 AND name = 'api' AND revision = $2`,
        [ns, r.revision, previous, hash],
      );
      previous = hash;
    }
    const r = await verify();
    expect(r.firstBroken).toBeUndefined();
    expect(r.checkpoint.mismatches).toContainEqual({ kind: 'rewritten', chain: `${ns}/api`, revision: 2 });
  });

  it('a checkpoint signed with another key is reported, not trusted', async () => {
    const nc = await connect({ servers: nats.url.replace('nats://', '') });
    const forged = signCheckpoint(
      { seq: 999, previous: null, at: new Date().toISOString(), heads: {} },
      generateKeyPairSync('ed25519').privateKey,
    );
    await jetstream(nc).publish(Streams.auditCheckpoints.subject, JSON.stringify(forged));
    await nc.close();
    const r = await verify();
    expect(r.checkpoint.problems).toContainEqual(expect.objectContaining({ kind: 'unknown-key', seq: 999 }));
  });
});
