/** The API source's stored Secrets change with the audit rows, in one statement per kind per group. */
import type { SealedEnvelope } from '#keyway/key-material';
import type { DataSource } from '#keyway/persistence';
import { PostgresAuditStore, type ApiSecretChange } from './audit-log.js';
import { auditTestDatabase, type AuditTestDatabase } from './testing/audit-database.js';

let db: AuditTestDatabase;
let ds: DataSource;
let store: PostgresAuditStore;

beforeAll(async () => {
  db = await auditTestDatabase('keyway_api_secrets');
  ds = db.ds;
  store = new PostgresAuditStore(ds);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

const sealed = (n: number) =>
  ({ version: 1, keyId: 'k', nonce: `n${n}`, ciphertext: `c${n}` }) as unknown as SealedEnvelope;
const up = (name: string, n: number): ApiSecretChange => ({
  op: 'upsert',
  namespace: 'ns',
  name,
  sealedManifest: sealed(n),
  actor: `user:${n}`,
});
const del = (name: string): ApiSecretChange => ({ op: 'delete', namespace: 'ns', name });
const stored = async () =>
  (await store.apiSecrets())
    .map((s) => `${s.name}=${s.actor}:${(s.sealedManifest as unknown as { nonce: string }).nonce}`)
    .sort();

it('ends a group with each Secret’s last change, a large group included', async () => {
  await store.commit([], [up('a', 1), up('b', 1), up('c', 1)]);
  await store.commit([], [up('a', 2), del('b'), up('a', 3), del('c'), up('c', 4), up('d', 5), del('d')]);
  expect(await stored()).toEqual(['a=user:3:n3', 'c=user:4:n4']);
  const many = Array.from({ length: 3000 }, (_, i) => up(`s${i % 1000}`, i));
  await store.commit([], many);
  const all = await store.apiSecrets();
  expect(all).toHaveLength(1002);
  expect(all.find((s) => s.name === 's7')?.actor).toBe('user:2007');
});
