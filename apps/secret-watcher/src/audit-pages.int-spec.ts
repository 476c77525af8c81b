/** Issue #15.6: verify reads the log in keyset pages; every row comes back once, in chain order. */
import type { DataSource } from '#keyway/persistence';
import { ChainVerifier, type ChainedAuditRow } from '#keyway/secrets';
import { PostgresAuditStore } from './audit-log.js';
import { nextAuditRow } from './audit-rows.js';
import { auditTestDatabase, type AuditTestDatabase } from './testing/audit-database.js';

let db: AuditTestDatabase;
let ds: DataSource;
let store: PostgresAuditStore;

beforeAll(async () => {
  db = await auditTestDatabase('keyway_audit_pages');
  ds = db.ds;
  store = new PostgresAuditStore(ds);
  const last = new Map<string, ChainedAuditRow>();
  const rows: ChainedAuditRow[] = [];
  // Interleaved commits of three credentials in two namespaces, with 4, 3 and 5 revisions.
  for (const [i, [namespace, name, revisions]] of [
    ['a', 'x', 4],
    ['a', 'y', 3],
    ['b', 'x', 5],
  ].entries() as IterableIterator<[number, [string, string, number]]>)
    for (let r = 1; r <= revisions; r++) {
      const key = `${namespace}/${name}`;
      const row = nextAuditRow(last.get(key), namespace, name, {
        action: r === 1 ? 'created' : 'updated',
        source: 'api',
        actor: 'user:t',
        recordedAt: new Date(1_796_000_000_000 + i * 100 + r).toISOString(),
      });
      last.set(key, row);
      rows.push(row);
    }
  await store.commit(rows);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

const key = (r: ChainedAuditRow) => `${r.namespace}/${r.name}#${r.revision}`;

it.each([1, 2, 3, 5, 12, 100])(
  'pages of %i hold every row once, in chain order, as one read does',
  async (size) => {
    const paged: ChainedAuditRow[] = [];
    for await (const page of store.rowPages(undefined, undefined, size)) {
      expect(page.length).toBeLessThanOrEqual(size);
      paged.push(...page);
    }
    expect(paged.map(key)).toEqual((await store.rows()).map(key));
    const v = new ChainVerifier();
    for (const r of paged) v.add(r);
    expect(v.result()).toEqual({ ok: true, checkedCredentials: 3, checkedRows: 12 });
  },
);

it('pages one namespace, or one credential', async () => {
  const of = async (namespace?: string, name?: string) => {
    const out: string[] = [];
    for await (const page of store.rowPages(namespace, name, 2)) out.push(...page.map(key));
    return out;
  };
  expect(await of('a')).toEqual(['a/x#1', 'a/x#2', 'a/x#3', 'a/x#4', 'a/y#1', 'a/y#2', 'a/y#3']);
  expect(await of('b', 'x')).toHaveLength(5);
});
