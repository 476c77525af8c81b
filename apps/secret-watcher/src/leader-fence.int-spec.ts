import type { DataSource } from '#keyway/persistence';
import { FencedError, PostgresAuditStore } from './audit-log.js';
import { nextAuditRow } from './audit-rows.js';
import { auditTestDatabase, type AuditTestDatabase } from './testing/audit-database.js';

const cause = { source: 'api' as const, actor: 'user:test', recordedAt: '2026-12-04T00:00:00.000Z' };

describe('audit writes are fenced by the lease token', () => {
  let db: AuditTestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await auditTestDatabase('keyway_fence');
    ds = db.ds;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('a replica whose token is older than the last writer is refused, and told so', async () => {
    const fenced: string[] = [];
    const store = (token: number, name: string) =>
      new PostgresAuditStore(ds, { role: 'secret-watcher', token, onFenced: () => fenced.push(name) });
    const oldLeader = store(5, 'old');
    const newLeader = store(9, 'new');

    const r1 = nextAuditRow(undefined, 'ns', 'web', { ...cause, action: 'rejected', reason: 'first' });
    await oldLeader.commit([r1]);
    const r2 = nextAuditRow(r1, 'ns', 'web', { ...cause, action: 'rejected', reason: 'by the new leader' });
    await newLeader.commit([r2]);

    // The old leader still believes it leads and writes from its own view of the chain.
    const stale = nextAuditRow(r1, 'ns', 'other', { ...cause, action: 'rejected', reason: 'too late' });
    await expect(oldLeader.commit([stale])).rejects.toBeInstanceOf(FencedError);
    expect(fenced).toEqual(['old']);
    const reasons = (await ds.query(`SELECT reason FROM audit_log ORDER BY id`)) as { reason: string }[];
    expect(reasons.map((r) => r.reason)).toEqual(['first', 'by the new leader']);
    // The new leader goes on writing.
    const r3 = nextAuditRow(r2, 'ns', 'web', { ...cause, action: 'rejected', reason: 'third' });
    await newLeader.commit([r3]);
  });
});
