// `keyway audit verify` over a large log: the paged verify the secret-watcher runs (rowPages +
// ChainVerifier: memory follows the number of credentials) next to a same-run baseline that reads
// every row at once and runs verifyChain (what verify did before). N rows over C credentials in a
// throwaway database on the local Postgres (127.0.0.1 only), written through the store's own commit.
// Each verify runs in a process of its own (this file with `--verify <mode> <url>`), so its peak RSS
// is its own and not what the other left behind.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

interface VerifyRun {
  ok: boolean;
  checkedRows: number;
  seconds: number;
  /** Highest RSS of the verifying process, MB, sampled every 10 ms. */
  peakRssMb: number;
  /** RSS before the verify started (the runtime and the connection), MB. */
  startRssMb: number;
}

/** Child mode: one verify against the database at `url`, its figures as JSON on stdout. */
async function verifyOnce(mode: 'paged' | 'baseline', url: string): Promise<void> {
  const ds = await openServiceDatabase({
    url,
    schema: 'secret_watcher',
    entities: [],
    migrations: SECRET_WATCHER_MIGRATIONS,
  });
  const store = new PostgresAuditStore(ds);
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const t = performance.now();
  let result: { ok: boolean; checkedRows: number };
  if (mode === 'baseline') result = verifyChain(await store.rows());
  else {
    const v = new ChainVerifier();
    for await (const page of store.rowPages()) for (const r of page) v.add(r);
    result = v.result();
  }
  const seconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await ds.destroy();
  const run: VerifyRun = {
    ok: result.ok,
    checkedRows: result.checkedRows,
    seconds,
    peakRssMb: peak / 1_048_576,
    startRssMb: start / 1_048_576,
  };
  process.stdout.write(JSON.stringify(run));
}

function verifyInChild(mode: 'paged' | 'baseline', url: string): VerifyRun {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), '--verify', mode, url],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (r.status !== 0) throw new Error(`${mode} verify failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as VerifyRun;
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

    const paged = verifyInChild('paged', db.url);
    const baseline = verifyInChild('baseline', db.url);
    for (const r of [baseline, paged])
      if (!r.ok || r.checkedRows !== ROWS) throw new Error(`verify failed: ${JSON.stringify(r)}`);
    const perSecond = (r: { seconds: number }) => Math.round(ROWS / r.seconds);
    reportBench({
      name: 'audit-verify',
      figures: {
        rows: ROWS,
        credentials: CREDENTIALS,
        pagedSeconds: round(paged.seconds),
        pagedRowsPerSecond: perSecond(paged),
        pagedPeakRssMb: round(paged.peakRssMb, 1),
        baselineSeconds: round(baseline.seconds),
        baselineRowsPerSecond: perSecond(baseline),
        baselinePeakRssMb: round(baseline.peakRssMb, 1),
        targetPeakRssMb: 200,
      },
      summary:
        `${ROWS} rows, ${CREDENTIALS} credentials: paged verify ${round(paged.seconds)} s ` +
        `(${perSecond(paged)} rows/s, peak RSS ${round(paged.peakRssMb, 1)} MB; target < 200 MB); baseline whole-log read ` +
        `${round(baseline.seconds)} s (${perSecond(baseline)} rows/s, peak RSS ${round(baseline.peakRssMb, 1)} MB)`,
    });
  } finally {
    await ds.destroy();
    await db.drop();
  }
}

if (process.argv[2] === '--verify')
  await verifyOnce(process.argv[3] as 'paged' | 'baseline', process.argv[4]!);
else await main();
