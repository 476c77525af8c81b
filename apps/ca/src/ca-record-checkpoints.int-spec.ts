/**
 * Issue #15.3 for the CA's record: the ca signs its chain's head (AUDIT_CHECKPOINT_KEY_FILE) into the
 * KEYWAY_CA_CHECKPOINTS stream. As the database superuser, with the append-only triggers off, cut the
 * record's tail or rewrite the whole chain consistently (hashes recomputed): the chain alone still
 * verifies, the checkpoint does not, and verify says which.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { INestMicroservice } from '@nestjs/common';
import { Streams } from '#keyway/contracts';
import { readCheckpoints } from '#keyway/messaging';
import { chainCaRecords, type CaRecord } from '#keyway/secrets';
import { connect } from '@nats-io/transport-node';
import {
  createThrowawayDatabase,
  privateNats,
  testDataKeys,
  waitFor,
  type PrivateNats,
  type ThrowawayDatabase,
} from '#keyway/testing';
import type { CaCore } from './ca-core.js';
import { admin, bootCaModule } from './testing/ca-test-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-ca-cp-'));
let nats: PrivateNats;
let db: ThrowawayDatabase;
let app: INestMicroservice;
let core: CaCore;
let superuser: pg.Client;
const dataKeys = testDataKeys('d');
const masterKeys = testDataKeys('m');

/** As the superuser: the triggers off, the change, the triggers on again. */
async function tamper(sql: string, params: unknown[] = []): Promise<void> {
  await superuser.query('ALTER TABLE ca.ca_records DISABLE TRIGGER USER');
  try {
    await superuser.query(sql, params);
  } finally {
    await superuser.query('ALTER TABLE ca.ca_records ENABLE TRIGGER USER');
  }
}

async function boot(): Promise<void> {
  ({ app, core } = await bootCaModule({
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    KEYWAY_DATA_KEYS: dataKeys,
    CA_MASTER_KEYS: masterKeys,
    AUDIT_CHECKPOINT_KEY_FILE: path.join(dir, 'checkpoint.key'),
    AUDIT_CHECKPOINT_FILE: path.join(dir, 'checkpoints.jsonl'),
    // A checkpoint after every 3 rows (and the 60 s interval, which these tests never reach).
    AUDIT_CHECKPOINT_ROWS: '3',
    // The CA's audit device (#15.5): its record as JSON lines, in seq order.
    AUDIT_SINK: `file:${path.join(dir, 'ca-audit.jsonl')}`,
    AUDIT_SINK_POLL_MS: '100',
  }));
}

beforeAll(async () => {
  fs.writeFileSync(
    path.join(dir, 'checkpoint.key'),
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
    { mode: 0o600 },
  );
  nats = await privateNats('keyway-ca-cp-nats');
  db = await createThrowawayDatabase('keyway_ca_cp');
  await boot();
  superuser = new pg.Client({ connectionString: db.url });
  await superuser.connect();
  await core.authorities.createRoot({
    schemaVersion: 1,
    name: 'root',
    commonName: 'keyway checkpoint root',
    organization: 'keyway',
    keyType: 'ecdsa-p256',
    ttl: '87600h',
    actor: admin,
  });
  // Three CRL publications: three records of the chain.
  for (let i = 0; i < 3; i++) await core.revocation.regenerate('root');
}, 60_000);

afterAll(async () => {
  await superuser?.end();
  await app?.close();
  await nats?.stop();
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

const seqs = async () =>
  ((await superuser.query('SELECT seq FROM ca.ca_records ORDER BY seq')).rows as Array<{ seq: string }>).map(
    (r) => Number(r.seq),
  );

it('an untouched record matches the latest checkpoint, which is also in the file and the stream', async () => {
  const v = await core.verifyRecords();
  const last = (await seqs()).at(-1)!;
  expect(v).toMatchObject({ ok: true, checkpoint: { mismatches: [], problems: [] } });
  const nc = await connect({ servers: nats.url });
  const stream = await readCheckpoints(nc, Streams.caCheckpoints.name);
  await nc.close();
  expect(stream.at(-1)).toMatchObject({ seq: v.checkpoint!.seq, heads: { ca: { revision: last } } });
  const lines = fs.readFileSync(path.join(dir, 'checkpoints.jsonl'), 'utf8').trim().split('\n');
  expect(JSON.parse(lines.at(-1)!).seq).toBe(v.checkpoint!.seq);
});

it('checkpoints after AUDIT_CHECKPOINT_ROWS rows, with no verify and long before the interval', async () => {
  const nc = await connect({ servers: nats.url });
  try {
    const before = (await readCheckpoints(nc, Streams.caCheckpoints.name)).length;
    for (let i = 0; i < 3; i++) await core.revocation.regenerate('root');
    const last = (await seqs()).at(-1)!;
    const cp = await waitFor(
      async () => {
        const all = await readCheckpoints(nc, Streams.caCheckpoints.name);
        return all.length > before && all.at(-1)!.heads.ca?.revision === last ? all.at(-1) : undefined;
      },
      { what: 'a checkpoint of the three new rows', timeoutMs: 5_000 },
    );
    expect(cp.seq).toBeGreaterThan(before);
  } finally {
    await nc.close();
  }
});

it('every record reaches the audit device in commit order, once each', async () => {
  const all = await seqs();
  const file = path.join(dir, 'ca-audit.jsonl');
  const lines = await waitFor(
    () => {
      const l = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
      return l.length >= all.length ? l.map((x) => JSON.parse(x)) : undefined;
    },
    { timeoutMs: 10_000 },
  );
  expect(lines.map((e) => e.seq)).toEqual(all);
  expect(lines[0]).toMatchObject({ id: `ca:${all[0]}`, writer: 'ca', kind: 'ca-crl', issuer: 'root' });
  expect(fs.readFileSync(file, 'utf8')).not.toMatch(/PRIVATE KEY/);
});

let deleted = 0;

it('the last record deleted: the chain alone is fine, the checkpoint says truncated', async () => {
  const [before, last] = (await seqs()).slice(-2);
  deleted = last!;
  await tamper('DELETE FROM ca.ca_records WHERE seq = $1', [last]);
  const v = await core.verifyRecords();
  expect(v.firstBroken).toBeUndefined();
  expect(v.ok).toBe(false);
  expect(v.checkpoint!.mismatches).toEqual([
    { kind: 'truncated', chain: 'ca', checkpointRevision: last, databaseRevision: before },
  ]);
});

it('the whole chain rewritten consistently, and restarted: the checkpoint says rewritten', async () => {
  const rows = (
    await superuser.query(
      'SELECT seq, at, kind, issuer, serial, actor, detail FROM ca.ca_records ORDER BY seq',
    )
  ).rows as Array<Record<string, unknown>>;
  // The forger changes every CRL's revoked count and re-chains every row, as the ca would have.
  const forged: CaRecord[] = rows.map((r) => ({
    at: new Date(r.at as string).toISOString(),
    kind: r.kind as CaRecord['kind'],
    issuer: String(r.issuer),
    serial: (r.serial as string | null) ?? null,
    actor: (r.actor as CaRecord['actor']) ?? null,
    detail: r.kind === 'crl' ? { ...(r.detail as object), revokedCount: 7 } : (r.detail as object),
  })) as CaRecord[];
  const links = chainCaRecords(null, forged);
  for (let i = 0; i < rows.length; i++)
    await tamper('UPDATE ca.ca_records SET detail = $2, previous_hash = $3, row_hash = $4 WHERE seq = $1', [
      rows[i]!.seq,
      JSON.stringify(forged[i]!.detail),
      links[i]!.previousHash,
      links[i]!.rowHash,
    ]);
  // The forged chain holds together, and the tail is back (one row longer than the checkpoint).
  await app.close();
  await boot();
  await core.revocation.regenerate('root');
  const v = await core.verifyRecords();
  expect(v.firstBroken).toBeUndefined();
  expect(v.ok).toBe(false);
  // The restarted ca did not sign the forged head: the last checkpoint still names the deleted row.
  expect(v.checkpoint!.mismatches).toEqual([{ kind: 'rewritten', chain: 'ca', revision: deleted }]);
}, 60_000);
