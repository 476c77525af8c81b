// `keyway audit verify` over a large log: the paged verify the secret-watcher runs (rowPages +
// ChainVerifier: memory follows the number of credentials) next to a same-run baseline that reads
// every row at once and runs verifyChain (what verify did before). N rows over C credentials in a
// throwaway database on the local Postgres (127.0.0.1 only), written through the store's own commit.
import { ChainVerifier, verifyChain, type ChainedAuditRow } from '#keyway/secrets';
import { openServiceDatabase } from '#keyway/persistence';
import { createThrowawayDatabase } from '#keyway/testing';
// The bench reads the secret-watcher's store in-process (not an app importing another app).
// eslint-disable-next-line no-restricted-imports
import { PostgresAuditStore } from '../apps/secret-watcher/src/audit-log.js';
// eslint-disable-next-line no-restricted-imports
import { nextAuditRow } from '../apps/secret-watcher/src/audit-rows.js';
// eslint-disable-next-line no-restricted-imports
import { SECRET_WATCHER_MIGRATIONS } from '../apps/secret-watcher/src/migrations/index.js';
import { reportBench, round } from './lib/report.js';

const ROWS = Number(process.argv[2] ?? 200_000);
const CREDENTIALS = Number(process.argv[3] ?? 2_000);

/** Runs `f`, sampling the heap every 10 ms: seconds taken and the peak heap above the start (MB). */
async function measured<T>(f: () => Promise<T>): Promise<{ value: T; seconds: number; peakMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
  const t = performance.now();
  const value = await f();
  const seconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { value, seconds, peakMb: (peak - base) / 1_048_576 };
}

async function main(): Promise<void> {
  const db = await createThrowawayDatabase('keyway_bench_verify');
  const ds = await openServiceDatabase({
    url: db.url,
    schema: 'secret_watcher',
    entities: [],
    migrations: SECRET_WATCHER_MIGRATIONS,
  });
  const store = new PostgresAuditStore(ds);
  try {
    const last = new Map<number, ChainedAuditRow>();
    let batch: ChainedAuditRow[] = [];
    for (let i = 0; i < ROWS; i++) {
      const c = i % CREDENTIALS;
      const prev = last.get(c);
      const row = nextAuditRow(prev, `team-${c % 50}`, `credential-${c}`, {
        action: prev ? 'updated' : 'created',
        source: 'api',
        actor: 'user:bench (team bench)',
        recordedAt: new Date(1_796_000_000_000 + i).toISOString(),
      });
      last.set(c, row);
      batch.push(row);
      if (batch.length === 2000) {
        await store.commit(batch);
        batch = [];
      }
    }
    if (batch.length) await store.commit(batch);

    const baseline = await measured(async () => verifyChain(await store.rows()));
    const paged = await measured(async () => {
      const v = new ChainVerifier();
      for await (const page of store.rowPages()) for (const r of page) v.add(r);
      return v.result();
    });
    for (const r of [baseline, paged])
      if (!r.value.ok || r.value.checkedRows !== ROWS)
        throw new Error(`verify failed: ${JSON.stringify(r.value)}`);
    const perSecond = (r: { seconds: number }) => Math.round(ROWS / r.seconds);
    reportBench({
      name: 'audit-verify',
      figures: {
        rows: ROWS,
        credentials: CREDENTIALS,
        pagedSeconds: round(paged.seconds),
        pagedRowsPerSecond: perSecond(paged),
        pagedPeakHeapMb: round(paged.peakMb, 1),
        baselineSeconds: round(baseline.seconds),
        baselineRowsPerSecond: perSecond(baseline),
        baselinePeakHeapMb: round(baseline.peakMb, 1),
      },
      summary:
        `${ROWS} rows, ${CREDENTIALS} credentials: paged verify ${round(paged.seconds)} s ` +
        `(${perSecond(paged)} rows/s, peak heap +${round(paged.peakMb, 1)} MB); baseline whole-log read ` +
        `${round(baseline.seconds)} s (${perSecond(baseline)} rows/s, peak heap +${round(baseline.peakMb, 1)} MB)`,
    });
  } finally {
    await ds.destroy();
    await db.drop();
  }
}

await main();
