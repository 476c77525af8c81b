import pino from 'pino';
import { openServiceDatabase, type DataSource } from '#keyway/persistence';
import { createThrowawayDatabase, type ThrowawayDatabase } from '#keyway/testing';
import { API_MIGRATIONS } from '../migrations/index.js';
import { MAX_LOGGED_PATH } from './refusal-tally.js';
import { RequestLog } from './request-log.js';

// The request log's bounds against real Postgres: retention deletes what is older, and only that;
// a client's long path is cut; folded refusals read back with their count.
let db: ThrowawayDatabase;
let ds: DataSource;

beforeAll(async () => {
  db = await createThrowawayDatabase('keyway_api_reqlog');
  ds = await openServiceDatabase({ url: db.url, schema: 'api', entities: [], migrations: API_MIGRATIONS });
}, 30_000);

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

const log = (retentionDays: number) =>
  new RequestLog(ds, {
    retentionDays,
    foldWindowMs: 60_000,
    pruneIntervalMs: 3_600_000,
    logger: pino({ level: 'silent' }),
  });

it('prunes rows past the retention, in batches, and keeps the rest', async () => {
  await ds.query(
    `INSERT INTO api.request_log (at, actor, method, path, status, duration_ms)
     SELECT now() - make_interval(days => 40), 'token:old', 'GET', '/v1/old', 200, 1 FROM generate_series(1, 12000)`,
  );
  await ds.query(
    `INSERT INTO api.request_log (at, actor, method, path, status, duration_ms)
     SELECT now() - make_interval(days => 20), 'token:recent', 'GET', '/v1/recent', 200, 1 FROM generate_series(1, 5)`,
  );
  expect(await log(0).prune()).toBe(0);
  expect(await log(30).prune()).toBe(12000);
  const left = (await ds.query(
    `SELECT actor, count(*)::int AS n FROM api.request_log GROUP BY actor`,
  )) as Array<{
    actor: string;
    n: number;
  }>;
  expect(left).toEqual([{ actor: 'token:recent', n: 5 }]);
});

it('cuts a long path, and reads folded refusals back with their count', async () => {
  const l = log(30);
  await l.record({
    actor: 'token:a',
    method: 'GET',
    path: `/v1/${'x'.repeat(10_000)}`,
    status: 200,
    durationMs: 2,
  });
  for (let i = 0; i < 7; i++)
    await l.record({ actor: 'anonymous', method: 'GET', path: '/v1/teams', status: 401, durationMs: 1 });
  await l.flush();
  const events = await l.events({ limit: 10, since: new Date(Date.now() - 60_000).toISOString() });
  expect(events.map((e) => [e.actor, e.action.length, e.detail])).toEqual(
    expect.arrayContaining([
      ['token:a', 'GET '.length + MAX_LOGGED_PATH, '200'],
      ['anonymous', 'GET /v1/teams'.length, '401 x7'],
    ]),
  );
});
