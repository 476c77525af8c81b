import type { DataSource } from '#keyway/persistence';
import { PostgresAuditStore } from './audit-log.js';
import { nextAuditRow } from './audit-rows.js';
import { auditTestDatabase, type AuditTestDatabase } from './testing/audit-database.js';

describe('audit events from the credential log', () => {
  let db: AuditTestDatabase;
  let ds: DataSource;
  let store: PostgresAuditStore;
  const base = { limit: 100 };

  beforeAll(async () => {
    db = await auditTestDatabase('keyway_events');
    ds = db.ds;
    store = new PostgresAuditStore(ds);
    const row = (
      head: ReturnType<typeof nextAuditRow> | undefined,
      ns: string,
      name: string,
      actor: string,
      at: string,
      action: 'created' | 'updated' | 'rejected',
    ) =>
      nextAuditRow(head, ns, name, {
        source: 'api',
        actor,
        recordedAt: at,
        action,
        ...(action === 'rejected' ? { reason: 'bad key' } : {}),
      });
    const a1 = row(undefined, 'alpha', 'web', 'user:al (team alpha)', '2026-12-01T10:00:00.000Z', 'created');
    const a2 = row(a1, 'alpha', 'web', 'user:al (team alpha)', '2026-12-02T10:00:00.000Z', 'rejected');
    const a3 = row(a2, 'alpha', 'web', 'user:al (team alpha)', '2026-12-03T10:00:00.000Z', 'updated');
    const b1 = row(undefined, 'beta', 'web', 'user:bo (team beta)', '2026-12-02T12:00:00.000Z', 'created');
    await store.commit([a1, a2, b1]);
    await store.commit([a3]);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const ids = async (f: Parameters<PostgresAuditStore['events']>[0]) =>
    (await store.events(f)).map((e) => `${e.namespace}/${e.name}#${e.revision} ${e.kind}`);

  it.each([
    [
      'everything, newest first',
      {},
      [
        'alpha/web#3 credential-version',
        'beta/web#1 credential-version',
        'alpha/web#2 rejected-version',
        'alpha/web#1 credential-version',
      ],
    ],
    [
      'one team',
      { team: 'alpha' },
      ['alpha/web#3 credential-version', 'alpha/web#2 rejected-version', 'alpha/web#1 credential-version'],
    ],
    ['one actor by full name', { actor: 'user:bo' }, ['beta/web#1 credential-version']],
    ['rejections only', { kinds: ['rejected-version' as const] }, ['alpha/web#2 rejected-version']],
    [
      'a time window',
      { since: '2026-12-02T00:00:00.000Z', until: '2026-12-03T00:00:00.000Z' },
      ['beta/web#1 credential-version', 'alpha/web#2 rejected-version'],
    ],
    ['the namespaces a team may read', { namespaces: ['beta'] }, ['beta/web#1 credential-version']],
    ['a team name is not a pattern', { team: 'alph%' }, []],
  ])('%s', async (_what, filter, expected) => {
    expect(await ids({ ...base, ...filter })).toEqual(expected);
  });

  it('pages by position: the second page starts after the first one ends', async () => {
    const first = await store.events({ limit: 2 });
    const second = await store.events({ limit: 2, before: { at: first[1].at, id: first[1].id } });
    expect([...first, ...second].map((e) => e.revision)).toEqual([3, 1, 2, 1]);
    expect(second[0]).toMatchObject({ detail: 'bad key', actor: 'user:al (team alpha)', team: 'alpha' });
  });
});
